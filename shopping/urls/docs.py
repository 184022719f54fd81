"""The OpenAPI schema (/api/schema/) and interactive docs (/api/docs/), served from our own static files,
and /favicon.ico.

The split Swagger view serves its init script from `/api/docs/?script`, so the page needs no inline
script under the Content-Security-Policy.
"""

from django.contrib.auth.decorators import login_not_required
from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class FaviconView(RedirectView):
    """/favicon.ico, which browsers and tools ask for on their own: the site's SVG icon."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs) -> str:
        return static("img/favicon.svg")


urlpatterns = [
    path("favicon.ico", login_not_required(FaviconView.as_view()), name="favicon"),
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
