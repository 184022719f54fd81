"""The lists API (/api/lists...) and the review pages (/lists/...)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from shopping.api import list_items as item_api
from shopping.api import lists as api
from shopping.views import lists as views

router = SimpleRouter(trailing_slash=False)
router.register("api/lists", api.ShoppingListViewSet, basename="shoppinglist")

urlpatterns = [
    *router.urls,
    path(
        "api/lists/<int:list_id>/items/<int:item_id>", item_api.ListItemView.as_view(), name="api-list-item"
    ),
    path(
        "api/lists/<int:list_id>/items/<int:item_id>/remember",
        item_api.RememberItemView.as_view(),
        name="api-list-item-remember",
    ),
    path("lists/", views.list_index, name="list-index"),
    path("lists/<int:pk>/", views.list_detail, name="list-detail"),
    path("lists/<int:pk>/resolve", views.list_resolve, name="list-resolve"),
    path("lists/<int:pk>/send", views.list_send, name="list-send"),
    path("lists/<int:pk>/delete", views.list_delete, name="list-delete"),
    path("lists/<int:pk>/items/add", views.item_add, name="list-item-add"),
    path("lists/<int:pk>/items/<int:item_id>", views.item_update, name="list-item-update"),
    path("lists/<int:pk>/items/<int:item_id>/delete", views.item_delete, name="list-item-delete"),
    path("lists/<int:pk>/items/<int:item_id>/resolve", views.item_resolve, name="list-item-resolve"),
    path("lists/<int:pk>/items/<int:item_id>/remember", views.item_remember, name="list-item-remember"),
]
