"""The sandbox's OAuth server behaves like Kroger's (kroger-api.md §3, §8.2, §10)."""

import base64
import hashlib
import json
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import time_machine
from django.test import Client

from kroger.sandbox import store
from tests.helpers import ALEX, SAM

BASE = "/sandbox/kroger/v1"
SCOPES = "profile.compact cart.basic:write product.compact"
VERIFIER = "sandbox-test-verifier-0123456789-abcdefghijklmnopqrstuvwxyz"
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()


@pytest.fixture
def app(settings):
    settings.KROGER_CLIENT_ID = "test-app"
    settings.KROGER_CLIENT_SECRET = "test-secret"
    settings.KROGER_REDIRECT_URI = "http://testserver/auth/callback"
    return settings


def authorize_query(app, **overrides) -> str:
    params = {
        "client_id": app.KROGER_CLIENT_ID,
        "redirect_uri": app.KROGER_REDIRECT_URI,
        "response_type": "code",
        "scope": SCOPES,
        "state": "state-123",
        "code_challenge": CHALLENGE,
        "code_challenge_method": "S256",
        **overrides,
    }
    return urlencode({key: value for key, value in params.items() if value is not None})


def basic(client_id="test-app", secret="test-secret") -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def post_token(data: dict, headers: dict | None = None):
    return Client().post(
        f"{BASE}/connect/oauth2/token",
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
        headers=basic() if headers is None else headers,
    )


def approve(app, shopper=SAM, decision="approve", **overrides):
    query = authorize_query(app, **overrides)
    return Client().post(
        f"{BASE}/connect/oauth2/authorize?{query}", {"shopper": shopper, "decision": decision}
    )


def code_from(response) -> str:
    assert response.status_code == 302
    return parse_qs(urlsplit(response["Location"]).query)["code"][0]


def exchange(app, code: str, **extra):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": app.KROGER_REDIRECT_URI,
        "code_verifier": VERIFIER,
    }
    return post_token({**data, **extra})


def profile_id(access_token: str, scheme: str = "Bearer"):
    return Client().get(f"{BASE}/identity/profile", headers={"Authorization": f"{scheme} {access_token}"})


def test_consent_page_is_marked_sandbox_and_offers_test_shoppers(app):
    response = Client().get(f"{BASE}/connect/oauth2/authorize?{authorize_query(app)}")

    assert response.status_code == 200
    page = response.content.decode()
    assert "SANDBOX" in page
    assert ">Approve</button>" in page and ">Deny</button>" in page
    assert "Sam Sandbox" in page and "Alex Tester" in page
    assert f'value="{SAM}" checked' in page


@pytest.mark.parametrize(
    ("override", "error"),
    [
        ({"client_id": "someone-else"}, "invalid_request"),
        ({"redirect_uri": "https://evil.example/callback"}, "invalid_request"),
        ({"redirect_uri": "http://testserver/auth/callback/"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "profile.compact cart.basic:rw"}, "invalid_scope"),
        ({"scope": None}, "invalid_scope"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
    ],
)
def test_bad_authorize_requests_get_a_400_and_never_a_redirect(app, override, error):
    response = Client().get(f"{BASE}/connect/oauth2/authorize?{authorize_query(app, **override)}")

    assert response.status_code == 400
    assert response.json()["error"] == error


def test_redirect_mismatch_uses_krogers_wording(app):
    response = Client().get(
        f"{BASE}/connect/oauth2/authorize?{authorize_query(app, redirect_uri='http://x/cb')}"
    )

    assert response.json()["error_description"] == (
        "The redirect_uri did not match the registered redirect_uri for this application"
    )


@pytest.mark.parametrize("space", ["%20", "+"])
def test_scopes_may_be_separated_by_percent_20_or_plus(app, space):
    query = (
        authorize_query(app, scope=None)
        + "&scope="
        + space.join(s.replace(":", "%3A") for s in SCOPES.split())
    )

    response = Client().get(f"{BASE}/connect/oauth2/authorize?{query}")

    assert response.status_code == 200


def test_the_consent_form_is_csrf_protected(app):
    client = Client(enforce_csrf_checks=True)
    url = f"{BASE}/connect/oauth2/authorize?{authorize_query(app)}"

    forged = client.post(url, {"shopper": SAM, "decision": "approve"})
    page = client.get(url)
    token = page.context["csrf_token"]
    genuine = client.post(url, {"shopper": SAM, "decision": "approve", "csrfmiddlewaretoken": token})

    assert forged.status_code == 403
    assert genuine.status_code == 302


def test_approve_redirects_to_the_registered_uri_with_code_and_state(app):
    response = approve(app)

    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == app.KROGER_REDIRECT_URI
    assert parse_qs(location.query)["state"] == ["state-123"]
    assert code_from(response)


def test_deny_redirects_with_access_denied_and_state(app):
    response = approve(app, decision="deny")

    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query) == {
        "error": ["access_denied"],
        "error_description": ["The resource owner denied the request"],
        "state": ["state-123"],
    }


def test_code_exchange_returns_rotating_tokens_for_the_chosen_shopper(app):
    response = exchange(app, code_from(approve(app, shopper=ALEX)))

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == app.KROGER_SANDBOX_TOKEN_LIFETIME
    assert body["access_token"].count(".") == 2  # JWT-looking
    assert profile_id(body["access_token"]).json() == {"data": {"id": ALEX}, "meta": {}}


def test_lifetime_setting_is_read_per_request(app):
    app.KROGER_SANDBOX_TOKEN_LIFETIME = 42

    assert exchange(app, code_from(approve(app))).json()["expires_in"] == 42


def test_a_code_works_only_once(app):
    code = code_from(approve(app))
    assert exchange(app, code).status_code == 200

    second = exchange(app, code)

    assert second.status_code == 400
    assert second.json() == {"error": "invalid_request", "error_description": "invalid code"}


def test_a_code_expires_after_five_minutes(app):
    with time_machine.travel(datetime(2026, 5, 1, 12, 0, tzinfo=UTC), tick=False) as traveller:
        code = code_from(approve(app))
        traveller.shift(301)

        assert exchange(app, code).json()["error_description"] == "invalid code"


def test_pkce_verifier_must_match_the_challenge(app):
    response = exchange(app, code_from(approve(app)), code_verifier="x" * 50)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_redirect_uri_must_match_on_exchange(app):
    response = exchange(app, code_from(approve(app)), redirect_uri="http://testserver/other")

    assert response.status_code == 400


def test_without_pkce_no_verifier_is_needed(app):
    code = code_from(approve(app, code_challenge=None, code_challenge_method=None))

    assert exchange(app, code, code_verifier="").status_code == 200


def test_token_endpoint_requires_the_client_secret_over_basic_auth(app):
    code = code_from(approve(app, code_challenge=None, code_challenge_method=None))
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": app.KROGER_REDIRECT_URI}

    wrong_secret = post_token(data, headers=basic(secret="nope"))
    secret_in_body = post_token({**data, "client_id": "test-app", "client_secret": "test-secret"}, headers={})

    assert wrong_secret.status_code == 400
    assert wrong_secret.json() == {"error": "unauthorized", "error_description": "invalid credentials"}
    assert secret_in_body.status_code == 400


def test_a_public_pkce_client_may_name_itself_in_the_body(app):
    code = code_from(approve(app))
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": app.KROGER_REDIRECT_URI,
        "code_verifier": VERIFIER,
        "client_id": "test-app",
    }

    response = post_token(data, headers={})

    assert response.status_code == 200


def test_token_endpoint_only_takes_form_encoded_bodies(app):
    response = Client().post(
        f"{BASE}/connect/oauth2/token",
        json.dumps({"grant_type": "client_credentials"}),
        content_type="application/json",
        headers=basic(),
    )

    assert response.status_code == 400


def test_unknown_grant_type_is_refused(app):
    response = post_token({"grant_type": "password"})

    assert response.json() == {"error": "unsupported_grant_type", "error_description": "invalid grant_type"}


def test_refresh_rotates_tokens_and_each_refresh_token_works_once(app):
    first = exchange(app, code_from(approve(app))).json()

    refreshed = post_token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    reused = post_token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})

    assert refreshed.status_code == 200
    new = refreshed.json()
    assert new["refresh_token"] != first["refresh_token"]
    assert new["access_token"] != first["access_token"]
    assert profile_id(new["access_token"]).json()["data"]["id"] == SAM
    assert reused.status_code == 400
    assert reused.json() == {"error": "invalid_request", "error_description": "invalid refresh_token"}
    assert store.grants_issued() == {"authorization_code": 1, "refresh_token": 1}


def test_refresh_needs_client_authentication(app):
    first = exchange(app, code_from(approve(app))).json()

    response = post_token(
        {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}, headers={}
    )

    assert response.status_code == 400
    assert (
        post_token({"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}).status_code
        == 200
    )


def test_client_credentials_gives_a_product_token_without_refresh(app):
    response = post_token({"grant_type": "client_credentials", "scope": "product.compact"})

    body = response.json()
    assert response.status_code == 200
    assert "refresh_token" not in body
    products = Client().get(
        f"{BASE}/products",
        {"filter.term": "milk"},
        headers={"Authorization": f"Bearer {body['access_token']}"},
    )
    assert products.status_code == 200
    forbidden = profile_id(body["access_token"])
    assert forbidden.status_code == 403
    assert forbidden.json()["errors"]["code"] == "Forbidden"
    assert forbidden.json()["errors"]["reason"] == "missing required scopes"


def test_client_credentials_scope_is_optional_but_user_scopes_are_refused(app):
    assert post_token({"grant_type": "client_credentials"}).status_code == 200
    refused = post_token({"grant_type": "client_credentials", "scope": "cart.basic:write"})
    assert refused.json() == {"error": "invalid_scope", "error_description": "invalid scope"}


def test_expired_access_token_gets_401_invalid_token(app):
    app.KROGER_SANDBOX_TOKEN_LIFETIME = 60
    with time_machine.travel(datetime(2026, 5, 1, 12, 0, tzinfo=UTC), tick=False) as traveller:
        token = exchange(app, code_from(approve(app))).json()["access_token"]
        assert profile_id(token).status_code == 200
        traveller.shift(61)

        response = profile_id(token)

    assert response.status_code == 401
    assert response.json() == {
        "error": "invalid_token",
        "error_description": "The access token is invalid or has expired",
    }


def test_missing_token_gets_401_invalid_request(app):
    response = Client().get(f"{BASE}/identity/profile")

    assert response.status_code == 401
    assert response.json() == {"error": "invalid_request", "error_description": "The access_token is missing"}


def test_lower_case_bearer_is_accepted(app):
    token = exchange(app, code_from(approve(app))).json()["access_token"]

    assert profile_id(token, scheme="bearer").status_code == 200
