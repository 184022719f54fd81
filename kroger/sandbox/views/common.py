"""What every sandbox endpoint shares: Kroger's error bodies, bearer checks, faults, daily limits."""

import functools
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .. import store

# Kroger prefixes error codes by API area (kroger-api.md §8.2).
AREAS = {
    "token": "Auth",
    "profile": "IDENTITY",
    "products": "PRODUCT",
    "locations": "LOCATION",
    "cart": "CART",
}


def _timestamp() -> int:
    return int(time.time() * 1000)


def wrapped_error(status: int, code: str, reason: str) -> JsonResponse:
    """Kroger's `{"errors": {timestamp, code, reason}}` envelope."""
    return JsonResponse(
        {"errors": {"timestamp": _timestamp(), "code": code, "reason": reason}}, status=status
    )


def bad_request(endpoint: str, reason: str) -> JsonResponse:
    """A 400 validation error: wrapped, or the spec's unwrapped form in drift mode."""
    code = f"{AREAS[endpoint]}-2011-400"
    if store.drift():
        return JsonResponse({"timestamp": _timestamp(), "code": code, "reason": reason}, status=400)
    return wrapped_error(400, code, reason)


def oauth_error(error: str, description: str, status: int = 400) -> JsonResponse:
    """An OAuth-style error body: {error, error_description}."""
    return JsonResponse({"error": error, "error_description": description}, status=status)


def not_found() -> JsonResponse:
    """Kroger's 404: an empty JSON object."""
    return JsonResponse({}, status=404)


def rate_limited(retry_after: int) -> JsonResponse:
    """429 with Retry-After (the body is invented; Kroger documents none)."""
    response = wrapped_error(429, "Too Many Requests", "rate limit exceeded")
    response["Retry-After"] = str(retry_after)
    return response


def server_error(endpoint: str, status: int) -> JsonResponse:
    """A 5xx (or 429) in Kroger's wrapped envelope with an area-prefixed code."""
    if status == 429:
        return rate_limited(60)
    reason = "Internal server error" if status == 500 else "Service unavailable"
    return wrapped_error(status, f"{AREAS[endpoint]}-4{status}-{status}", reason)


def _bearer(request: HttpRequest) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def check_bearer(request: HttpRequest, scope: str | None) -> tuple[store.Grant | None, HttpResponse | None]:
    """The token's grant, or the 401/403 Kroger would answer instead."""
    token = _bearer(request)
    if token is None:
        return None, oauth_error("invalid_request", "The access_token is missing", status=401)
    grant = store.find_access_token(token)
    if grant is None:
        description = "The access token is invalid or has expired"
        if store.drift():
            # The OpenAPI specs' nested variant (kroger-api.md §8.2): clients must parse both.
            body = {"errors": {"error": "invalid_token", "error_description": description}}
            return None, JsonResponse(body, status=401)
        return None, oauth_error("invalid_token", description, status=401)
    if scope and scope not in grant.scopes:
        return None, wrapped_error(403, "Forbidden", "missing required scopes")
    return grant, None


def apply_faults(endpoint: str, fault: store.Fault | None) -> HttpResponse | None:
    """Injected latency, 429s and errors for this call under `fault` (before any real work)."""
    if fault is None:
        return None
    if fault.latency_ms and not fault.timeout:
        store.sleep(fault.latency_ms / 1000)
    if fault.rate_limited:
        return rate_limited(60)
    if not fault.timeout and store.should_fail(endpoint, fault):
        return server_error(endpoint, fault.status)
    return None


def finish_timeout(endpoint: str, fault: store.Fault | None, response: HttpResponse) -> HttpResponse:
    """A "timeout" fault: the work is done (a cart add did happen), then the answer hangs; with an
    error_rate, only that share of the calls hangs (the others answer at once)."""
    if fault is None or not fault.timeout:
        return response
    if fault.error_rate and not store.should_fail(endpoint, fault):
        return response
    store.sleep((fault.latency_ms or store.DEFAULT_TIMEOUT_MS) / 1000)
    return wrapped_error(504, f"{AREAS[endpoint]}-4504-504", "Gateway timeout")


def kroger_api(
    endpoint: str, *, scope: str | None = None, methods: tuple[str, ...] = ("GET",), counter: str = ""
) -> Callable:
    """Decorate a resource view: method check, faults, bearer token and scope, daily limit.

    `endpoint` names the fault settings; `counter` the daily limit (default: the endpoint).
    The view is called as view(request, grant, *args, **kwargs).
    """
    counter = counter or endpoint

    def decorator(view: Callable) -> Callable:
        @csrf_exempt
        @functools.wraps(view)
        @store.one_generation()
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in methods:
                return JsonResponse({}, status=405, headers={"Allow": ", ".join(methods)})
            fault = store.get_fault(endpoint)  # one reading of the fault for the whole call
            if (response := apply_faults(endpoint, fault)) is not None:
                return response
            grant, response = check_bearer(request, scope)
            if response is not None:
                return response
            if not store.count_call(counter):
                return rate_limited(store.seconds_until_reset(counter))
            return finish_timeout(endpoint, fault, view(request, grant, *args, **kwargs))

        return wrapper

    return decorator


def parse_int(value: str | None, default: int) -> int | None:
    """An integer query parameter, the default when absent, None when not a number."""
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        return None
