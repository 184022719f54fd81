"""The API's exception handler: every failure is JSON in the one error shape.

Kroger failures become clear errors (never a 500); a database outage is a 503
`service_unavailable`; anything unexpected is a 500 `server_error` that is logged with its
traceback here and never shows it (or any setting) to the client.
"""

import logging

from django.db import InterfaceError, OperationalError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from kroger.errors import (
    KrogerBadRequest,
    KrogerError,
    KrogerNotFound,
    KrogerRateLimited,
    KrogerReconnectRequired,
)

DEFAULT_RETRY_AFTER_SECONDS = 30
DATABASE_RETRY_AFTER_SECONDS = 10
SERVER_ERROR = {"code": "server_error", "detail": "Something went wrong on our side. Please try again later."}
SERVICE_UNAVAILABLE = {
    "code": "service_unavailable",
    "detail": "The service is briefly unavailable. Please try again in a few seconds.",
}
DATABASE_ERRORS = (OperationalError, InterfaceError)
logger = logging.getLogger("shopping.api")


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


def unexpected_error_body(exc: BaseException) -> tuple[dict, int, dict]:
    """The body, status and headers for an exception nobody handled (a database outage or a bug)."""
    if isinstance(exc, DATABASE_ERRORS):
        return SERVICE_UNAVAILABLE, 503, {"Retry-After": str(DATABASE_RETRY_AFTER_SECONDS)}
    return SERVER_ERROR, 500, {}


def api_exception_handler(exc, context):
    if isinstance(exc, KrogerError):
        return kroger_error_response(exc)
    response = exception_handler(exc, context)
    if response is None:
        view = context.get("view")
        logger.error(
            "Unhandled %s in %s", type(exc).__name__, type(view).__name__ if view else "API", exc_info=exc
        )
        set_rollback()
        body, code, headers = unexpected_error_body(exc)
        return Response(dict(body), status=code, headers=headers)
    if isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data.setdefault("code", getattr(detail, "code", "error"))
    return response
