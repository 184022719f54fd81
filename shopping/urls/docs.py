"""The OpenAPI schema (/api/schema/) and interactive docs (/api/docs/), served from our own static files.

The split Swagger view serves its init script from `/api/docs/?script`, so the page needs no inline
script under the Content-Security-Policy.
"""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

urlpatterns = [
    path(
        "api/schema/",
        SpectacularAPIView.as_view(permission_classes=[AllowAny], authentication_classes=[]),
        name="api-schema",
    ),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", permission_classes=[AllowAny], authentication_classes=[]
        ),
        name="api-docs",
    ),
]
