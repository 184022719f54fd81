"""The memory API (/api/guidance, /api/selections) and its pages (/guidance/, /picks/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from shopping.api.memory import GuidanceViewSet, SelectionViewSet
from shopping.views import memory as views

router = SimpleRouter(trailing_slash=False)
router.register("api/guidance", GuidanceViewSet, basename="guidance")
router.register("api/selections", SelectionViewSet, basename="selection")

urlpatterns = [
    *router.urls,
    path("guidance/", views.guidance, name="guidance-page"),
    path("guidance/<int:pk>/edit", views.guidance_edit, name="guidance-edit"),
    path("guidance/<int:pk>/move", views.guidance_move, name="guidance-move"),
    path("guidance/<int:pk>/delete", views.guidance_delete, name="guidance-delete"),
    path("picks/", views.picks, name="picks-page"),
    path("picks/<int:pk>/quantity", views.pick_quantity, name="pick-quantity"),
    path("picks/<int:pk>/forget", views.pick_forget, name="pick-forget"),
]
