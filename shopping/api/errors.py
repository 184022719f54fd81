"""Site-wide error handlers: API paths get the API's JSON error shape, pages get the HTML page.

Errors inside DRF views are handled by `shopping.exceptions.api_exception_handler`; these cover
everything else under /api/ (unknown paths, middleware failures, non-DRF views, bad hosts).
"""

import sys

from django.http import JsonResponse
from django.views.defaults import bad_request, page_not_found, permission_denied
from django.views.defaults import server_error as html_server_error

from shopping.exceptions import unexpected_error_body


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def not_found(request, exception=None):
    if _is_api(request):
        return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)
    return page_not_found(request, exception)


def bad_request_error(request, exception=None):
    if _is_api(request):
        return JsonResponse({"code": "bad_request", "detail": "Bad request."}, status=400)
    return bad_request(request, exception)


def forbidden(request, exception=None):
    if _is_api(request):
        return JsonResponse(
            {"code": "permission_denied", "detail": "You do not have permission to do this."}, status=403
        )
    return permission_denied(request, exception)


def server_error(request):
    """handler500: runs inside Django's `except` block, so the exception is still at hand.

    Django has already logged it with its traceback (django.request); the client sees none of it.
    """
    if not _is_api(request):
        return html_server_error(request)
    body, status, headers = unexpected_error_body(sys.exc_info()[1])
    response = JsonResponse(body, status=status)
    for name, value in headers.items():
        response[name] = value
    return response
