"""OAuth 2.0 as Kroger speaks it: authorize (a SANDBOX consent page) and token.

See kroger-api.md §3 and §10. The registered app is settings.KROGER_CLIENT_ID /
KROGER_CLIENT_SECRET / KROGER_REDIRECT_URI, read per request so tests can override them.
"""

import base64
import binascii
import json
import secrets
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from .. import store
from ..catalogue import DATA_DIR
from .common import apply_faults, finish_timeout, oauth_error

ALLOWED_SCOPES = frozenset({"profile.compact", "cart.basic:write", "product.compact"})
APP_SCOPES = frozenset({"product.compact"})  # all a client_credentials token may carry
DENIED = "The resource owner denied the request"


@cache
def shoppers() -> list[dict]:
    """The test shoppers offered on the consent page (fixed profile IDs)."""
    return json.loads((DATA_DIR / "shoppers.json").read_text())


def _redirect_with(redirect_uri: str, params: dict) -> HttpResponseRedirect:
    separator = "&" if "?" in redirect_uri else "?"
    return HttpResponseRedirect(f"{redirect_uri}{separator}{urlencode(params)}")


def _validate_authorize(query) -> tuple[dict | None, JsonResponse | None]:
    """The authorize request's parameters, or the 400 Kroger answers (never a redirect)."""
    if query.get("client_id") != settings.KROGER_CLIENT_ID or not settings.KROGER_CLIENT_ID:
        return None, oauth_error("invalid_request", "invalid client_id")
    if query.get("redirect_uri") != settings.KROGER_REDIRECT_URI:
        return None, oauth_error(
            "invalid_request",
            "The redirect_uri did not match the registered redirect_uri for this application",
        )
    if query.get("response_type") != "code":
        return None, oauth_error("unsupported_response_type", "response_type must be code")
    scopes = frozenset(query.get("scope", "").split())
    if not scopes or not scopes <= ALLOWED_SCOPES:
        return None, oauth_error("invalid_scope", "invalid scope")
    challenge = query.get("code_challenge", "")
    if query.get("code_challenge_method", "S256") != "S256" or (
        challenge and not 43 <= len(challenge) <= 128
    ):
        return None, oauth_error("invalid_request", "invalid code_challenge")
    return {"scopes": scopes, "state": query.get("state"), "challenge": challenge}, None


def authorize(request: HttpRequest) -> HttpResponse:
    """GET shows the consent page; POST (the page's form) approves or denies."""
    if request.method not in ("GET", "POST"):
        return JsonResponse({}, status=405, headers={"Allow": "GET, POST"})
    params, error = _validate_authorize(request.GET)
    if error is not None:
        return error
    redirect_uri = request.GET["redirect_uri"]
    state = {"state": params["state"]} if params["state"] is not None else {}
    if request.method == "GET":
        scopes = sorted(params["scopes"])
        return render(request, "sandbox/authorize.html", {"shoppers": shoppers(), "scopes": scopes})
    if request.POST.get("decision") != "approve":
        return _redirect_with(redirect_uri, {"error": "access_denied", "error_description": DENIED, **state})
    profile_ids = {shopper["id"] for shopper in shoppers()}
    profile_id = request.POST.get("shopper", "")
    if profile_id not in profile_ids:
        return oauth_error("invalid_request", "choose a test shopper")
    code = store.issue_code(
        store.Grant(
            client_id=settings.KROGER_CLIENT_ID,
            scopes=params["scopes"],
            profile_id=profile_id,
            redirect_uri=redirect_uri,
            code_challenge=params["challenge"],
        )
    )
    return _redirect_with(redirect_uri, {"code": code, **state})


def _basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, secret = base64.b64decode(value.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, secret


def _client_is_authenticated(request: HttpRequest) -> bool:
    credentials = _basic_credentials(request)
    if credentials is None:
        return False
    client_id, secret = credentials
    return secrets.compare_digest(client_id, settings.KROGER_CLIENT_ID) and secrets.compare_digest(
        secret, settings.KROGER_CLIENT_SECRET
    )


def _token_response(
    grant_type: str, *, scopes: frozenset[str], profile_id: str | None, refresh: bool
) -> JsonResponse:
    store.record_grant(grant_type)
    lifetime = settings.KROGER_SANDBOX_TOKEN_LIFETIME
    body = {
        "access_token": store.issue_access_token(
            client_id=settings.KROGER_CLIENT_ID, scopes=scopes, profile_id=profile_id, lifetime=lifetime
        ),
        "token_type": "bearer",
        "expires_in": lifetime,
    }
    if refresh and profile_id:
        body["refresh_token"] = store.issue_refresh_token(
            client_id=settings.KROGER_CLIENT_ID, scopes=scopes, profile_id=profile_id
        )
    return JsonResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def _authorization_code_grant(request: HttpRequest, authenticated: bool) -> JsonResponse:
    grant = store.take_code(request.POST.get("code", ""))
    if grant is None:
        return oauth_error("invalid_request", "invalid code")
    # A public PKCE client may name itself in the body instead of Basic auth (spec v1.0.17).
    public_client = grant.code_challenge and request.POST.get("client_id") == settings.KROGER_CLIENT_ID
    if not (authenticated or public_client):
        return oauth_error("unauthorized", "invalid credentials")
    if request.POST.get("redirect_uri") != grant.redirect_uri:
        return oauth_error(
            "invalid_request",
            "The redirect_uri did not match the registered redirect_uri for this application",
        )
    if grant.code_challenge:
        verifier = request.POST.get("code_verifier", "")
        if not 43 <= len(verifier) <= 128 or store.pkce_challenge(verifier) != grant.code_challenge:
            return oauth_error("invalid_request", "invalid code_verifier")
    return _token_response(
        "authorization_code", scopes=grant.scopes, profile_id=grant.profile_id, refresh=True
    )


def _refresh_token_grant(request: HttpRequest) -> JsonResponse:
    grant = store.take_refresh_token(
        request.POST.get("refresh_token", ""), client_id=settings.KROGER_CLIENT_ID
    )
    if grant is None:
        return oauth_error("invalid_request", "invalid refresh_token")
    return _token_response("refresh_token", scopes=grant.scopes, profile_id=grant.profile_id, refresh=True)


def _client_credentials_grant(request: HttpRequest) -> JsonResponse:
    scopes = frozenset(request.POST.get("scope", "product.compact").split()) or APP_SCOPES
    if not scopes <= APP_SCOPES:
        return oauth_error("invalid_scope", "invalid scope")
    return _token_response("client_credentials", scopes=scopes, profile_id=None, refresh=False)


@csrf_exempt
@store.one_generation()
def token(request: HttpRequest) -> HttpResponse:
    """POST /v1/connect/oauth2/token: form-encoded, client authenticated with HTTP Basic."""
    if request.method != "POST":
        return JsonResponse({}, status=405, headers={"Allow": "POST"})
    fault = store.get_fault("token")  # one reading of the fault for the whole call
    if (response := apply_faults("token", fault)) is not None:
        return response
    return finish_timeout("token", fault, _grant(request))


def _grant(request: HttpRequest) -> JsonResponse:
    if request.content_type != "application/x-www-form-urlencoded":
        return oauth_error("invalid_request", "Content-Type must be application/x-www-form-urlencoded")
    authenticated = _client_is_authenticated(request)
    grant_type = request.POST.get("grant_type", "")
    if grant_type == "authorization_code":
        return _authorization_code_grant(request, authenticated)
    if not authenticated:
        return oauth_error("unauthorized", "invalid credentials")
    if grant_type == "refresh_token":
        return _refresh_token_grant(request)
    if grant_type == "client_credentials":
        return _client_credentials_grant(request)
    return oauth_error("unsupported_grant_type", "invalid grant_type")
