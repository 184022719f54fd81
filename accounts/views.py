"""Sign in with Kroger and sign out (the home page is `shopping.views.home`)."""

import logging

from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from social_core.actions import do_auth, do_complete
from social_core.exceptions import AuthProviderError, AuthResponseError, SocialAuthBaseException
from social_django.utils import psa
from social_django.views import _do_login

logger = logging.getLogger(__name__)

CALLBACK_PATH = "/auth/callback"

# What the shopper reads for each failure; never the provider's raw text.
CANCELED_MESSAGE = "You didn't allow Personal Shopper to use your Kroger account, so you're not signed in."
SESSION_MESSAGE = (
    "That sign-in link has expired or was already used. Start again and approve the request at Kroger."
)
UNAVAILABLE_MESSAGE = "Kroger didn't complete the sign-in just now. Please try again in a moment."
REJECTED_MESSAGE = "Kroger didn't accept that sign-in. Please start again."


def _auth_error(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "accounts/auth_error.html", {"message": message}, status=status)


def _describe_failure(error: SocialAuthBaseException) -> tuple[str, int]:
    if error.code == "authorization_declined":
        return CANCELED_MESSAGE, 400
    if error.code in ("session_context_missing", "state_mismatch", "missing_parameter"):
        return SESSION_MESSAGE, 400
    if isinstance(error, AuthProviderError | AuthResponseError):
        # Kroger was unreachable, slow, answered 5xx or sent something unreadable.
        return UNAVAILABLE_MESSAGE, 502
    return REJECTED_MESSAGE, 400


@never_cache
@login_not_required
@require_GET
@psa(CALLBACK_PATH)
def kroger_login(request: HttpRequest, backend: str) -> HttpResponse:
    """Start the Kroger sign-in: a one-time state and a PKCE challenge, then off to Kroger."""
    try:
        return do_auth(request.backend, redirect_name=REDIRECT_FIELD_NAME)
    except SocialAuthBaseException as error:
        logger.warning("Kroger sign-in could not start: %s", error.code)
        return _auth_error(request, UNAVAILABLE_MESSAGE, status=502)


@never_cache
@login_not_required
@csrf_exempt  # Kroger redirects the browser here; state and PKCE protect the exchange
@require_GET
@psa(CALLBACK_PATH)
def kroger_callback(request: HttpRequest, backend: str) -> HttpResponse:
    """Finish the sign-in. Every failure is a friendly page: no user, no session, no traceback."""
    try:
        # user=None: the Kroger profile decides who is signed in, never the current session.
        return do_complete(request.backend, _do_login, user=None, redirect_name=REDIRECT_FIELD_NAME)
    except SocialAuthBaseException as error:
        logger.info("Kroger sign-in failed: %s (stage %s)", error.code, error.stage)
        message, status = _describe_failure(error)
        return _auth_error(request, message, status=status)


@never_cache
@login_not_required
@require_GET
def auth_error(request: HttpRequest) -> HttpResponse:
    """Where social-auth sends the shopper when a sign-in ends without a user."""
    return _auth_error(request, REJECTED_MESSAGE, status=200)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """End the session (POST with a CSRF token only) and go home."""
    logout(request)
    return redirect("home")
