"""Sign in with Kroger: the authorize redirect, the callback, and every way it can fail."""

import base64
import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import time_machine
from django.test import Client
from django.utils import timezone
from social_django.models import Partial, UserSocialAuth

from accounts.models import KrogerToken, User
from tests.factories import KrogerTokenFactory, UserFactory

from .conftest import (
    ACCESS_TOKEN,
    PROFILE_ID,
    REFRESH_TOKEN,
    basic_auth_header,
    callback,
    form,
    start_login,
    token_url,
)

pytestmark = pytest.mark.django_db


def signed_in_user_id(client) -> str | None:
    return client.session.get("_auth_user_id")


# --- A. Starting the sign-in ----------------------------------------------------------------


def test_login_redirects_to_kroger_authorize_with_exact_parameters(client, settings):
    response = client.get("/auth/login")

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        f"{settings.KROGER_API_BASE_URL}/v1/connect/oauth2/authorize"
    )
    params = {key: values[0] for key, values in parse_qs(location.query, strict_parsing=True).items()}
    assert set(params) == {
        "client_id",
        "redirect_uri",
        "response_type",
        "scope",
        "state",
        "code_challenge",
        "code_challenge_method",
    }
    assert params["client_id"] == settings.KROGER_CLIENT_ID
    assert params["redirect_uri"] == settings.KROGER_REDIRECT_URI
    assert params["response_type"] == "code"
    assert params["scope"] == "profile.compact cart.basic:write product.compact"
    assert "scope=profile.compact%20cart.basic%3Awrite%20product.compact" in location.query
    assert "+" not in location.query
    assert params["code_challenge_method"] == "S256"
    assert len(params["state"]) >= 32
    assert len(base64.urlsafe_b64decode(params["code_challenge"] + "=")) == 32  # a SHA-256 digest
    assert settings.KROGER_CLIENT_SECRET not in response["Location"]
    assert "no-store" in response["Cache-Control"]


def test_redirect_uri_is_the_setting_whatever_host_the_request_came_in_on(client, settings):
    settings.KROGER_REDIRECT_URI = "https://shop.example.com/auth/callback"

    params = start_login(client)

    assert params["redirect_uri"] == "https://shop.example.com/auth/callback"


def test_changing_the_base_url_moves_the_whole_flow(client, settings, fake_kroger):
    settings.KROGER_API_BASE_URL = "https://other-kroger.example"
    fake_kroger.mock.add_callback(
        "POST", "https://other-kroger.example/v1/connect/oauth2/token", callback=fake_kroger._token
    )
    fake_kroger.mock.add_callback(
        "GET", "https://other-kroger.example/v1/identity/profile", callback=fake_kroger._profile
    )

    response = client.get("/auth/login")
    assert response["Location"].startswith("https://other-kroger.example/v1/connect/oauth2/authorize?")
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
    callback(client, code="c0de", state=state)

    hosts = {urlsplit(call.request.url).netloc for call in fake_kroger.mock.calls}
    assert hosts == {"other-kroger.example"}
    assert signed_in_user_id(client)


def test_each_login_start_gets_its_own_state_and_challenge(client):
    first, second = start_login(client), start_login(client)

    assert first["state"] != second["state"]
    assert first["code_challenge"] != second["code_challenge"]


def test_two_tabs_can_finish_their_sign_ins_in_either_order(client, fake_kroger):
    first, second = start_login(client), start_login(client)

    assert callback(client, code="code-2", state=second["state"]).status_code == 302
    assert callback(client, code="code-1", state=first["state"]).status_code == 302
    assert len(fake_kroger.token_requests) == 2


def test_offsite_next_is_not_followed_after_sign_in(client, fake_kroger):
    response = client.get("/auth/login", {"next": "https://evil.example/phish"})
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]

    response = callback(client, code="c0de", state=state)

    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_a_relative_next_survives_and_never_changes_the_redirect_uri(client, settings, fake_kroger):
    response = client.get("/auth/login", {"next": "/picks/"})
    params = {key: values[0] for key, values in parse_qs(urlsplit(response["Location"]).query).items()}

    assert params["redirect_uri"] == settings.KROGER_REDIRECT_URI
    assert "?" not in params["redirect_uri"] and "next" not in params
    assert callback(client, code="c0de", state=params["state"])["Location"] == "/picks/"
    assert form(fake_kroger.token_requests[0])["redirect_uri"] == settings.KROGER_REDIRECT_URI


# --- B. The callback: happy path --------------------------------------------------------------


def test_callback_exchanges_the_code_with_basic_auth_and_pkce_and_signs_in(client, settings, fake_kroger):
    params = start_login(client)

    response = callback(client, code="the-code", state=params["state"])

    assert response.status_code == 302
    assert response["Location"] == "/"
    [token_request] = fake_kroger.token_requests
    assert token_request.headers["Authorization"] == basic_auth_header()
    body = form(token_request)
    assert body.keys() == {"grant_type", "code", "redirect_uri", "code_verifier"}
    assert body["grant_type"] == "authorization_code"
    assert body["code"] == "the-code"
    assert body["redirect_uri"] == params["redirect_uri"] == settings.KROGER_REDIRECT_URI
    challenge = base64.urlsafe_b64encode(hashlib.sha256(body["code_verifier"].encode()).digest())
    assert challenge.decode().rstrip("=") == params["code_challenge"]
    [profile_request] = fake_kroger.profile_requests
    assert profile_request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"

    user = User.objects.get(kroger_profile_id=PROFILE_ID)
    assert signed_in_user_id(client) == str(user.pk)
    token = KrogerToken.objects.get(user=user)
    assert (token.access_token, token.refresh_token) == (ACCESS_TOKEN, REFRESH_TOKEN)
    assert token.needs_reconnect is False
    assert timedelta(minutes=29) < token.access_expires_at - timezone.now() <= timedelta(minutes=30)
    assert token.scopes == "profile.compact cart.basic:write product.compact"


def test_home_after_sign_in_shows_who_you_are(client, fake_kroger):
    callback(client, code="c0de", state=start_login(client)["state"])

    page = client.get("/").content.decode()

    assert PROFILE_ID[:8] in page
    assert "Sign out" in page
    assert "Connect with Kroger" not in page


def test_session_key_changes_at_sign_in(client, fake_kroger):
    params = start_login(client)
    key_before = client.session.session_key
    assert key_before

    callback(client, code="c0de", state=params["state"])

    assert client.session.session_key != key_before
    assert signed_in_user_id(client)


def test_session_cookie_is_httponly_lax_and_secure_outside_debug(client, settings, fake_kroger):
    assert settings.DEBUG is False
    response = callback(client, code="c0de", state=start_login(client)["state"])

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] is True


def test_signing_in_again_updates_the_same_user_and_keeps_a_refresh_token_kroger_did_not_resend(
    client, fake_kroger
):
    callback(client, code="c1", state=start_login(client)["state"])
    fake_kroger.token_body = {"access_token": "AT-second", "token_type": "bearer", "expires_in": 1800}

    other_browser = Client()
    callback(other_browser, code="c2", state=start_login(other_browser)["state"])

    assert User.objects.count() == 1
    token = KrogerToken.objects.get()
    assert (token.access_token, token.refresh_token) == ("AT-second", REFRESH_TOKEN)


def test_an_existing_user_with_the_profile_id_is_reused(client, fake_kroger):
    existing = UserFactory(kroger_profile_id=PROFILE_ID)

    callback(client, code="c0de", state=start_login(client)["state"])

    assert User.objects.count() == 1
    assert signed_in_user_id(client) == str(existing.pk)


def test_signing_in_clears_a_reconnect_flag(client, fake_kroger):
    user = UserFactory(kroger_profile_id=PROFILE_ID)
    KrogerTokenFactory(user=user, needs_reconnect=True, access_expires_at=timezone.now())

    callback(client, code="c0de", state=start_login(client)["state"])

    token = KrogerToken.objects.get(user=user)
    assert token.needs_reconnect is False
    assert token.access_token == ACCESS_TOKEN


def test_signing_in_as_another_kroger_shopper_switches_user_instead_of_merging(client, fake_kroger):
    callback(client, code="c1", state=start_login(client)["state"])
    first_user = User.objects.get()
    fake_kroger.profile_body = {"data": {"id": "11111111-2222-4333-8444-555555555555"}}

    callback(client, code="c2", state=start_login(client)["state"])

    second_user = User.objects.get(kroger_profile_id="11111111-2222-4333-8444-555555555555")
    assert second_user != first_user
    assert signed_in_user_id(client) == str(second_user.pk)
    assert User.objects.get(pk=first_user.pk).kroger_profile_id == PROFILE_ID


# --- B. The callback: every failure is a friendly page -------------------------------------


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    """Runs a failure test with DEBUG off and on: neither may turn a failure into a 500 or a traceback."""
    settings.DEBUG = request.param
    return request.param


def assert_friendly_failure(client, response, *, status: int) -> None:
    assert response.status_code == status
    page = response.content.decode()
    assert "Sign-in didn't complete" in page
    assert 'href="/auth/login"' in page and "Try again" in page
    assert "Traceback" not in page and "Exception" not in page
    assert not User.objects.exists()
    assert not KrogerToken.objects.exists()
    assert not UserSocialAuth.objects.exists()
    assert signed_in_user_id(client) is None


def test_denied_consent_is_a_friendly_page(client, fake_kroger, debug):
    params = start_login(client)

    response = callback(
        client,
        error="access_denied",
        error_description="The resource owner denied the request",
        state=params["state"],
    )

    assert_friendly_failure(client, response, status=400)
    assert "allow Personal Shopper to use your Kroger account" in response.content.decode()
    assert len(fake_kroger.mock.calls) == 0


def test_missing_state_is_rejected_without_asking_kroger(client, fake_kroger, debug):
    start_login(client)

    response = callback(client, code="c0de")

    assert_friendly_failure(client, response, status=400)
    assert len(fake_kroger.mock.calls) == 0


def test_wrong_state_is_rejected_without_asking_kroger(client, fake_kroger, debug):
    start_login(client)

    response = callback(client, code="c0de", state="x" * 43)

    assert_friendly_failure(client, response, status=400)
    assert len(fake_kroger.mock.calls) == 0


def test_a_state_started_in_another_browser_is_rejected(client, fake_kroger, debug):
    attacker = Client()
    params = start_login(attacker)

    response = callback(client, code="attackers-code", state=params["state"])

    assert_friendly_failure(client, response, status=400)
    assert len(fake_kroger.mock.calls) == 0


def test_a_used_state_cannot_be_replayed(client, fake_kroger, debug):
    params = start_login(client)
    assert callback(client, code="c0de", state=params["state"]).status_code == 302
    client.post("/auth/logout")

    response = callback(client, code="c0de", state=params["state"])

    assert response.status_code == 400
    assert signed_in_user_id(client) is None
    assert len(fake_kroger.token_requests) == 1


def test_two_requests_sharing_one_session_cannot_both_claim_the_state(client, fake_kroger):
    params = start_login(client)
    twin = Client()
    twin.cookies = client.cookies  # a copy of the same browser session

    assert callback(client, code="c0de", state=params["state"]).status_code == 302
    response = callback(twin, code="c0de", state=params["state"])

    assert response.status_code == 400
    assert len(fake_kroger.token_requests) == 1


def test_an_expired_state_is_rejected(client, fake_kroger, debug):
    params = start_login(client)

    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = callback(client, code="c0de", state=params["state"])

    assert_friendly_failure(client, response, status=400)
    assert len(fake_kroger.mock.calls) == 0


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, {"error": "invalid_request", "error_description": "invalid code"}, 400),
        (400, {"error": "invalid_grant", "error_description": "code expired"}, 400),
        (401, {"error": "unauthorized", "error_description": "invalid credentials"}, 502),
        (500, {"errors": {"reason": "Internal server error", "code": "Auth-4500-000"}}, 502),
        (503, "<html>Service Unavailable</html>", 502),
        (200, "<html>not json</html>", 502),
        (200, {"token_type": "bearer", "expires_in": 1800}, 502),
    ],
    ids=[
        "400-invalid-code",
        "400-invalid-grant",
        "401",
        "500",
        "503-html",
        "200-not-json",
        "no-access-token",
    ],
)
def test_token_endpoint_failures_are_friendly_pages(client, fake_kroger, debug, status, body, expected):
    fake_kroger.token_status, fake_kroger.token_body = status, body
    params = start_login(client)

    response = callback(client, code="c0de", state=params["state"])

    assert_friendly_failure(client, response, status=expected)
    assert fake_kroger.profile_requests == []


def test_token_endpoint_timeout_is_a_friendly_page(client, fake_kroger, debug):
    fake_kroger.mock.replace("POST", token_url(), body=requests.exceptions.ReadTimeout("slow"))
    params = start_login(client)

    response = callback(client, code="c0de", state=params["state"])

    assert_friendly_failure(client, response, status=502)
    assert "try again" in response.content.decode().lower()


def test_kroger_unreachable_at_the_token_endpoint_is_a_friendly_page(client, fake_kroger, debug):
    fake_kroger.mock.replace("POST", token_url(), body=requests.exceptions.ConnectionError("refused"))

    response = callback(client, code="c0de", state=start_login(client)["state"])

    assert_friendly_failure(client, response, status=502)


@pytest.mark.parametrize(
    "profile_body",
    [{"data": {}}, {"data": {"id": ""}}, {"data": None}, {}, "not json"],
    ids=["no-id", "empty-id", "null-data", "empty", "not-json"],
)
def test_a_profile_without_an_id_signs_nobody_in(client, fake_kroger, debug, profile_body):
    fake_kroger.profile_body = profile_body
    params = start_login(client)

    response = callback(client, code="c0de", state=params["state"])

    assert_friendly_failure(client, response, status=502)


def test_profile_endpoint_error_is_a_friendly_page(client, fake_kroger, debug):
    fake_kroger.profile_status = 500
    fake_kroger.profile_body = {"errors": {"reason": "Internal server error", "code": "IDENTITY-4500"}}

    response = callback(client, code="c0de", state=start_login(client)["state"])

    assert_friendly_failure(client, response, status=502)


def test_failures_never_show_tokens_or_the_client_secret(client, settings, fake_kroger):
    fake_kroger.token_status = 400
    fake_kroger.token_body = {"error": "invalid_request", "error_description": f"bad {REFRESH_TOKEN}"}

    response = callback(client, code="c0de", state=start_login(client)["state"])

    page = response.content.decode()
    assert REFRESH_TOKEN not in page and settings.KROGER_CLIENT_SECRET not in page


def test_no_partial_pipeline_rows_remain(client, fake_kroger):
    callback(client, code="c0de", state=start_login(client)["state"])

    assert signed_in_user_id(client)
    assert not Partial.objects.exists()


def test_auth_error_page_offers_a_way_back(client):
    response = client.get("/auth/error")

    assert response.status_code == 200
    assert 'href="/auth/login"' in response.content.decode()


# --- Signing out --------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_logout_only_answers_post(logged_in_client, method):
    response = getattr(logged_in_client, method)("/auth/logout")

    assert response.status_code == 405
    assert logged_in_client.session.get("_auth_user_id")


def test_logout_without_csrf_token_is_refused(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/auth/logout")

    assert response.status_code == 403
    assert client.session.get("_auth_user_id") == str(user.pk)


def test_logout_with_csrf_token_ends_the_session(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    page = client.get("/")
    csrf_token = page.context["csrf_token"]
    session_key = client.session.session_key

    response = client.post("/auth/logout", {"csrfmiddlewaretoken": str(csrf_token)})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session.get("_auth_user_id") is None
    assert client.session.session_key != session_key
    assert "Connect with Kroger" in client.get("/").content.decode()


# --- Logs and headers ---------------------------------------------------------------------------


def test_logs_never_contain_tokens_or_the_client_secret(client, settings, fake_kroger, caplog):
    caplog.set_level("DEBUG")
    callback(client, code="c0de", state=start_login(client)["state"])  # happy path
    fake_kroger.token_status = 500
    callback(Client(), code="c0de", state="nope")  # state failure
    other = Client()
    callback(other, code="c0de", state=start_login(other)["state"])  # token endpoint failure

    assert caplog.records  # something was logged
    for secret in (ACCESS_TOKEN, REFRESH_TOKEN, settings.KROGER_CLIENT_SECRET, basic_auth_header()):
        assert secret not in caplog.text


def test_callback_and_home_send_security_headers(client, fake_kroger):
    response = callback(client, code="c0de", state=start_login(client)["state"])

    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]
    home = client.get("/")
    assert home["X-Frame-Options"] == "DENY"
    assert home["X-Content-Type-Options"] == "nosniff"
