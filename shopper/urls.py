"""Top-level URLs: each area keeps its own urlconf; the sandbox is mounted only when enabled."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("shopping.urls.home")),
    path("", include("accounts.token_urls")),
    path("", include("shopping.urls.memory")),
    path("", include("shopping.urls.catalogue")),
    path("", include("shopping.urls.lists")),
    path("", include("shopping.urls.household")),
    path("", include("shopping.urls.docs")),
]

if settings.KROGER_SANDBOX:
    urlpatterns.append(path("sandbox/kroger/", include("kroger.sandbox.urls")))
if settings.BENCH_BARE_VIEW:  # benchmarks only: the baseline of bench/bench_load.py
    from shopping.api.bench import BareView

    urlpatterns.append(path("api/_bench/bare", BareView.as_view()))

# /api/ paths answer JSON like the rest of the API, even outside DRF (pages keep HTML error pages).
handler400 = "shopping.api.errors.bad_request_error"
handler403 = "shopping.api.errors.forbidden"
handler404 = "shopping.api.errors.not_found"
handler500 = "shopping.api.errors.server_error"
