"""Personal API tokens: /api/tokens (JSON) and the /api-access/ page."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import api_tokens

router = SimpleRouter(trailing_slash=False)
router.register("api/tokens", api_tokens.ApiTokenViewSet, basename="apitoken")

urlpatterns = [
    *router.urls,
    path("api-access/", api_tokens.api_access, name="api-access"),
    path("api-access/<int:pk>/revoke", api_tokens.revoke_token, name="api-access-revoke"),
]
