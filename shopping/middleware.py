"""Request-wide guards that DRF's per-view machinery cannot give.

- `KrogerBudgetMiddleware`: every Kroger call made while serving a request is charged to the
  signed-in shopper's daily budget (`KROGER_DAILY_BUDGET_PER_USER`), whichever endpoint or page
  makes it; over budget, the call raises `KrogerShopperBudgetReached` (a 429 with Retry-After).
  All of a request's Kroger calls, retries and backoff included, share one deadline
  (`LIST_RESOLVE_DEADLINE_S`), so a slow Kroger cannot hold a request past the server's timeout.
- `FailedAuthThrottleMiddleware`: DRF authenticates and checks permissions *before* throttling,
  so requests without valid credentials would never be throttled. Each 401 under /api/ is
  counted per client address; past the `anon` rate that address gets 429 until the window ends
  (a signed-in browser session from that address is still served: it cannot be guessing tokens).
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from kroger.gateway import spending_for
from kroger.http import time_budget
from kroger.quota import increment


def budget_key(user_id: int) -> str:
    """Whose daily Kroger budget a call is charged to (requests and background work alike)."""
    return f"user:{user_id}"


def _shopper_of(request):
    def shopper() -> str | None:
        user = getattr(request, "user", None)
        return budget_key(user.pk) if user is not None and user.is_authenticated else None

    return shopper


class KrogerBudgetMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with spending_for(_shopper_of(request)), time_budget(settings.LIST_RESOLVE_DEADLINE_S):
            return self.get_response(request)


def client_address(request) -> str:
    """The client's address, honouring `NUM_PROXIES` trusted proxies as DRF's throttles do."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    proxies = api_settings.NUM_PROXIES
    if proxies and forwarded:
        addresses = [part.strip() for part in forwarded.split(",") if part.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


class FailedAuthThrottleMiddleware:
    scope = "anon"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        if not rate:
            return self.get_response(request)
        allowed, seconds = SimpleRateThrottle.parse_rate(None, rate)
        window = int(time.time() // seconds)
        key = f"throttle:failed-auth:{client_address(request)}:{window}"
        signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
        if not signed_in and (cache.get(key) or 0) >= allowed:
            wait = max(1, int((window + 1) * seconds - time.time()))
            response = JsonResponse(
                {
                    "code": "throttled",
                    "detail": f"Too many requests without valid credentials. Try again in {wait} seconds.",
                },
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        response = self.get_response(request)
        if response.status_code == 401:
            increment(cache, key, timeout=seconds * 2)
        return response
