"""Personal API tokens: creation, bearer auth, revocation, expiry, CSRF and throttling."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from tests.factories import ApiTokenFactory, GuidanceFactory

pytestmark = pytest.mark.django_db

TOKENS = "/api/tokens"


@pytest.fixture
def session_api(user):
    """The site's own JavaScript: a signed-in session with CSRF enforced, like a browser."""
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/api-access/")  # sets the CSRF cookie
    return client


def csrf_headers(client):
    return {"X-CSRFToken": client.cookies["csrftoken"].value}


def bearer(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_created_token_is_shown_once_and_stored_only_as_a_hash(session_api, user):
    response = session_api.post(
        TOKENS,
        {"name": "Kitchen tablet", "expires_in_days": 30},
        format="json",
        headers=csrf_headers(session_api),
    )

    assert response.status_code == 201
    secret = response.json()["token"]
    assert secret.startswith("ps_") and len(secret) > 40
    token = ApiToken.objects.get(user=user)
    assert token.key_hash == ApiToken.hash_secret(secret)
    assert token.expires_at - timezone.now() > timedelta(days=29)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apitoken")
        assert secret not in repr(cursor.fetchall())
    listed = session_api.get(TOKENS).json()["results"]
    assert listed[0]["name"] == "Kitchen tablet" and listed[0]["status"] == "active"
    assert secret not in repr(listed)


def test_a_valid_bearer_token_authenticates_its_owner(user):
    GuidanceFactory(owner=user, text="mine")
    ApiTokenFactory(user=user, secret="ps_valid-secret")

    response = bearer("ps_valid-secret").get("/api/guidance")

    assert response.status_code == 200
    assert [line["text"] for line in response.json()["results"]] == ["mine"]


def test_token_writes_need_no_csrf(user):
    ApiTokenFactory(user=user, secret="ps_writer")

    assert bearer("ps_writer").post("/api/guidance", {"text": "hi"}, format="json").status_code == 201


@pytest.mark.parametrize(
    "header",
    ["Bearer ps_unknown", "Bearer", "Bearer two parts", "Bearer \u00e9t\u00e9"],
)
def test_bad_bearer_headers_get_401(db, header):
    response = APIClient().get("/api/guidance", HTTP_AUTHORIZATION=header.encode().decode("latin-1"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_revoked_token_gets_401_at_once(session_api, user):
    token = ApiTokenFactory(user=user, secret="ps_revoke-me")
    client = bearer("ps_revoke-me")
    assert client.get("/api/guidance").status_code == 200

    assert session_api.delete(f"{TOKENS}/{token.pk}", headers=csrf_headers(session_api)).status_code == 204

    response = client.get("/api/guidance")
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_expired_token_gets_401(user):
    ApiTokenFactory(user=user, secret="ps_old", expires_at=timezone.now() + timedelta(days=1))
    client = bearer("ps_old")

    with time_machine.travel(timezone.now() + timedelta(days=1, seconds=1)):
        response = client.get("/api/guidance")

    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_inactive_users_token_gets_401(user):
    ApiTokenFactory(user=user, secret="ps_gone")
    user.is_active = False
    user.save()

    assert bearer("ps_gone").get("/api/guidance").status_code == 401


def test_last_used_is_recorded_at_most_once_a_minute(user):
    token = ApiTokenFactory(user=user, secret="ps_used")
    client = bearer("ps_used")
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        client.get("/api/guidance")
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        client.get("/api/guidance")
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        client.get("/api/guidance")
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(seconds=61)


def test_a_token_cannot_create_list_or_revoke_tokens(user):
    token = ApiTokenFactory(user=user, secret="ps_limited")
    client = bearer("ps_limited")

    assert client.post(TOKENS, {"name": "successor"}, format="json").status_code == 403
    assert client.get(TOKENS).status_code == 403
    assert client.delete(f"{TOKENS}/{token.pk}").status_code == 403
    assert ApiToken.objects.count() == 1


def test_stranger_cannot_see_or_revoke_someone_elses_token(session_api, other_user):
    theirs = ApiTokenFactory(user=other_user)

    assert session_api.get(TOKENS).json()["count"] == 0
    response = session_api.delete(f"{TOKENS}/{theirs.pk}", headers=csrf_headers(session_api))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "n" * 101}, "name"),
        ({"name": "x", "expires_in_days": 0}, "expires_in_days"),
        ({"name": "x", "expires_in_days": 10**20}, "expires_in_days"),
    ],
)
def test_invalid_token_requests_get_field_errors(session_api, payload, field):
    response = session_api.post(TOKENS, payload, format="json", headers=csrf_headers(session_api))

    assert response.status_code == 400
    assert field in response.json()


def test_session_writes_without_csrf_are_refused(session_api, user):
    guidance = session_api.post("/api/guidance", {"text": "no csrf"}, format="json")
    token = session_api.post(TOKENS, {"name": "no csrf"}, format="json")

    assert (guidance.status_code, token.status_code) == (403, 403)
    assert "CSRF" in guidance.json()["detail"]
    assert not ApiToken.objects.exists()
    ok = session_api.post(
        "/api/guidance", {"text": "with csrf"}, format="json", headers=csrf_headers(session_api)
    )
    assert ok.status_code == 201


def test_session_reads_need_no_csrf(session_api):
    assert session_api.get("/api/guidance").status_code == 200


def test_throttled_requests_get_429_with_retry_after(user, other_user, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "2/min"},
    }
    ApiTokenFactory(user=user, secret="ps_busy")
    ApiTokenFactory(user=other_user, secret="ps_other")
    client = bearer("ps_busy")

    statuses = [client.get("/api/guidance").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    throttled = client.get("/api/guidance")
    assert 0 < int(throttled["Retry-After"]) <= 60
    assert throttled.json()["code"] == "throttled"
    # The limit is per user: someone else is unaffected.
    assert bearer("ps_other").get("/api/guidance").status_code == 200


class TestApiAccessPage:
    def test_anonymous_visitors_are_sent_to_sign_in(self, db):
        response = Client().get("/api-access/")

        assert response.status_code == 302
        assert response["Location"].startswith("/")

    def test_creating_a_token_shows_it_once(self, logged_in_client, user):
        response = logged_in_client.post("/api-access/", {"name": "Home Assistant", "expires_in_days": ""})

        token = ApiToken.objects.get(user=user)
        secret = response.context["secret"]
        assert token.key_hash == ApiToken.hash_secret(secret)
        assert secret in response.content.decode()
        assert response["Cache-Control"] == "no-store"
        again = logged_in_client.get("/api-access/").content.decode()
        assert "Home Assistant" in again and token.key_prefix in again
        assert secret not in again

    def test_revoking_from_the_page(self, logged_in_client, user):
        token = ApiTokenFactory(user=user, name="Old script")

        response = logged_in_client.post(f"/api-access/{token.pk}/revoke", follow=True)

        token.refresh_from_db()
        assert token.revoked_at is not None
        assert "Revoked “Old script”" in response.content.decode()

    def test_revoking_someone_elses_token_is_404(self, logged_in_client, other_user):
        theirs = ApiTokenFactory(user=other_user)

        assert logged_in_client.post(f"/api-access/{theirs.pk}/revoke").status_code == 404
        theirs.refresh_from_db()
        assert theirs.revoked_at is None

    def test_invalid_form_shows_errors(self, logged_in_client):
        response = logged_in_client.post("/api-access/", {"name": "", "expires_in_days": "0"})

        assert response.status_code == 200
        assert not ApiToken.objects.exists()
        assert response.context["form"].errors.keys() == {"name", "expires_in_days"}


def test_token_list_shows_each_status_without_growing_queries(
    session_api, user, django_assert_max_num_queries
):
    now = timezone.now()
    ApiTokenFactory(user=user, name="revoked", revoked_at=now)
    ApiTokenFactory(user=user, name="expired", expires_at=now - timedelta(days=1))
    with django_assert_max_num_queries(6) as few:
        listed = session_api.get(TOKENS).json()["results"]
    ApiTokenFactory.create_batch(18, user=user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert session_api.get(TOKENS).json()["count"] == 20

    assert {token["name"]: token["status"] for token in listed} == {
        "revoked": "revoked",
        "expired": "expired",
    }
