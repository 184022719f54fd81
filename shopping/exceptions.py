"""The API's exception handler: Kroger failures become clear JSON errors, never a 500."""

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from kroger.errors import (
    KrogerBadRequest,
    KrogerError,
    KrogerNotFound,
    KrogerRateLimited,
    KrogerReconnectRequired,
)

DEFAULT_RETRY_AFTER_SECONDS = 30


def status_for_kroger_error(exc: KrogerError) -> int:
    """The HTTP status our API answers for a Kroger failure."""
    if isinstance(exc, KrogerReconnectRequired):
        return status.HTTP_401_UNAUTHORIZED
    if isinstance(exc, KrogerRateLimited):
        return status.HTTP_429_TOO_MANY_REQUESTS
    if isinstance(exc, KrogerNotFound):
        return status.HTTP_404_NOT_FOUND
    if isinstance(exc, KrogerBadRequest):
        return status.HTTP_400_BAD_REQUEST
    # Unreachable, 5xx, odd payloads, and our own app credentials being refused.
    return status.HTTP_503_SERVICE_UNAVAILABLE


def kroger_error_response(exc: KrogerError) -> Response:
    code = status_for_kroger_error(exc)
    body = {"code": exc.code, "detail": exc.message}
    headers = {}
    if code in (status.HTTP_429_TOO_MANY_REQUESTS, status.HTTP_503_SERVICE_UNAVAILABLE):
        headers["Retry-After"] = str(exc.retry_after or DEFAULT_RETRY_AFTER_SECONDS)
    if code == status.HTTP_401_UNAUTHORIZED:
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    return Response(body, status=code, headers=headers)


def api_exception_handler(exc, context):
    if isinstance(exc, KrogerError):
        return kroger_error_response(exc)
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data.setdefault("code", getattr(detail, "code", "error"))
    return response
