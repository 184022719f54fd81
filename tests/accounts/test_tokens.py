"""accounts.tokens: refresh ahead of expiry, Basic auth, rotation, reconnect, retry once on 401."""

import json
import threading
from datetime import timedelta

import pytest
import requests
import responses
import time_machine
from django.db import connection
from django.utils import timezone

from accounts.models import KrogerToken
from accounts.tokens import call_with_access_token, get_access_token
from kroger.errors import KrogerAuthError, KrogerReconnectRequired, KrogerUnavailable
from tests.factories import KrogerTokenFactory, UserFactory
from tests.helpers import STORE

from .conftest import basic_auth_header, form, token_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def kroger_token_endpoint():
    """Kroger's token endpoint, rotating refresh tokens: refresh N returns AT-new-N / RT-new-N."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        issued = []

        def refresh(request):
            issued.append(request)
            n = len(issued)
            body = {
                "access_token": f"AT-new-{n}",
                "refresh_token": f"RT-new-{n}",
                "token_type": "bearer",
                "expires_in": 1800,
            }
            return 200, {"Content-Type": "application/json"}, json.dumps(body)

        mock.add_callback(responses.POST, token_url(), callback=refresh)
        mock.issued = issued
        yield mock


def expiring_token(*, seconds: int, **kwargs) -> KrogerToken:
    return KrogerTokenFactory(
        access_token="AT-old",
        refresh_token="RT-old",
        access_expires_at=timezone.now() + timedelta(seconds=seconds),
        **kwargs,
    )


def test_a_fresh_token_is_returned_without_asking_kroger(kroger_token_endpoint):
    token = expiring_token(seconds=600)

    assert get_access_token(token.user) == "AT-old"
    assert len(kroger_token_endpoint.calls) == 0


def test_refreshes_ahead_of_expiry_with_basic_auth_and_saves_the_rotated_pair(kroger_token_endpoint):
    token = expiring_token(seconds=1800)

    with time_machine.travel(timezone.now() + timedelta(seconds=1750)):  # 50 s left: inside the margin
        assert get_access_token(token.user) == "AT-new-1"
        refreshed_at = timezone.now()

    [request] = kroger_token_endpoint.issued
    assert request.headers["Authorization"] == basic_auth_header()
    assert form(request) == {"grant_type": "refresh_token", "refresh_token": "RT-old"}
    stored = KrogerToken.objects.get(pk=token.pk)
    assert (stored.access_token, stored.refresh_token) == ("AT-new-1", "RT-new-1")
    assert stored.access_expires_at == pytest.approx(
        refreshed_at + timedelta(seconds=1800), abs=timedelta(seconds=5)
    )


def test_no_refresh_just_outside_the_margin(kroger_token_endpoint):
    token = expiring_token(seconds=1800)

    with time_machine.travel(timezone.now() + timedelta(seconds=1700)):  # 100 s left
        assert get_access_token(token.user) == "AT-old"

    assert len(kroger_token_endpoint.calls) == 0


def test_an_expired_token_is_refreshed_once_then_reused(kroger_token_endpoint):
    token = expiring_token(seconds=-5)

    assert get_access_token(token.user) == "AT-new-1"
    assert get_access_token(token.user) == "AT-new-1"
    assert len(kroger_token_endpoint.issued) == 1


def test_a_refresh_response_without_a_refresh_token_keeps_the_old_one():
    token = expiring_token(seconds=-5)
    with responses.RequestsMock() as mock:
        mock.post(token_url(), json={"access_token": "AT-x", "token_type": "bearer", "expires_in": 1800})
        assert get_access_token(token.user) == "AT-x"

    assert KrogerToken.objects.get(pk=token.pk).refresh_token == "RT-old"


@pytest.mark.parametrize(
    "body",
    [
        {"error": "invalid_request", "error_description": "invalid refresh_token"},
        {"error": "invalid_grant", "error_description": "refresh token already used"},
        {},
    ],
    ids=["invalid_request", "invalid_grant", "no-body"],
)
def test_a_rejected_refresh_marks_reconnect_needed_and_loses_nothing_else(body):
    token = expiring_token(seconds=-5)
    user = token.user
    user.preferred_location_id = STORE
    user.save()
    with responses.RequestsMock() as mock:
        mock.post(token_url(), status=400, json=body)
        with pytest.raises(KrogerReconnectRequired):
            get_access_token(user)

    stored = KrogerToken.objects.get(pk=token.pk)
    assert stored.needs_reconnect is True
    assert (stored.access_token, stored.refresh_token) == ("AT-old", "RT-old")
    user.refresh_from_db()
    assert user.preferred_location_id == STORE


def test_after_a_rejected_refresh_kroger_is_not_asked_again(kroger_token_endpoint):
    token = expiring_token(seconds=600, needs_reconnect=True)

    with pytest.raises(KrogerReconnectRequired):
        get_access_token(token.user)

    assert len(kroger_token_endpoint.calls) == 0


def test_a_shopper_without_tokens_must_reconnect(user):
    with pytest.raises(KrogerReconnectRequired):
        get_access_token(user)


@pytest.mark.parametrize(
    "failure",
    [
        {"body": requests.exceptions.ConnectionError("refused")},
        {"body": requests.exceptions.ReadTimeout("slow")},
        {"status": 500, "json": {"errors": {"reason": "Internal server error"}}},
        {"status": 200, "body": "<html>maintenance</html>"},
    ],
    ids=["unreachable", "timeout", "500", "not-json"],
)
def test_kroger_unavailable_during_refresh_is_not_a_reconnect(failure):
    token = expiring_token(seconds=-5)
    with responses.RequestsMock() as mock:
        mock.post(token_url(), **failure)
        with pytest.raises(KrogerUnavailable):
            get_access_token(token.user)

    stored = KrogerToken.objects.get(pk=token.pk)
    assert stored.needs_reconnect is False
    assert stored.refresh_token == "RT-old"


def test_force_refresh_refreshes_a_token_that_is_not_yet_expired(kroger_token_endpoint):
    token = expiring_token(seconds=1200)

    assert get_access_token(token.user, force_refresh=True) == "AT-new-1"
    assert len(kroger_token_endpoint.issued) == 1


# --- call_with_access_token: one refresh and one retry on a 401 ----------------------------


def test_a_401_refreshes_once_and_retries_once(kroger_token_endpoint):
    token = expiring_token(seconds=1200)
    seen = []

    def call(access_token):
        seen.append(access_token)
        if access_token == "AT-old":
            raise KrogerAuthError(status=401)
        return "cart updated"

    assert call_with_access_token(token.user, call) == "cart updated"
    assert seen == ["AT-old", "AT-new-1"]
    assert len(kroger_token_endpoint.issued) == 1


def test_a_second_401_is_raised_and_never_loops(kroger_token_endpoint):
    token = expiring_token(seconds=1200)
    seen = []

    def call(access_token):
        seen.append(access_token)
        raise KrogerAuthError(status=401)

    with pytest.raises(KrogerAuthError):
        call_with_access_token(token.user, call)

    assert seen == ["AT-old", "AT-new-1"]
    assert len(kroger_token_endpoint.issued) == 1


def test_other_errors_are_not_retried(kroger_token_endpoint):
    token = expiring_token(seconds=1200)
    calls = []

    def call(access_token):
        calls.append(access_token)
        raise KrogerUnavailable()

    with pytest.raises(KrogerUnavailable):
        call_with_access_token(token.user, call)

    assert calls == ["AT-old"]
    assert len(kroger_token_endpoint.calls) == 0


def test_a_401_whose_refresh_is_rejected_asks_for_reconnect():
    token = expiring_token(seconds=1200)
    with responses.RequestsMock() as mock:
        mock.post(token_url(), status=400, json={"error": "invalid_request"})
        with pytest.raises(KrogerReconnectRequired):
            call_with_access_token(token.user, lambda t: (_ for _ in ()).throw(KrogerAuthError(status=401)))

    assert KrogerToken.objects.get(pk=token.pk).needs_reconnect is True


# --- Concurrency: PostgreSQL row locks --------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_on_an_expired_token_refresh_exactly_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: select_for_update() is a no-op on SQLite (CI runs this on PostgreSQL)")
    token = KrogerTokenFactory(
        user=UserFactory(),
        access_token="AT-old",
        refresh_token="RT-old",
        access_expires_at=timezone.now() - timedelta(seconds=5),
    )
    user = token.user
    workers = 6
    barrier = threading.Barrier(workers)
    results, errors = [], []
    used_refresh_tokens = []

    def refresh(request):
        used_refresh_tokens.append(form(request)["refresh_token"])
        if used_refresh_tokens.count(form(request)["refresh_token"]) > 1:  # Kroger: single use
            return (
                400,
                {},
                json.dumps({"error": "invalid_request", "error_description": "invalid refresh_token"}),
            )
        n = len(used_refresh_tokens)
        return (
            200,
            {"Content-Type": "application/json"},
            json.dumps({"access_token": f"AT-new-{n}", "refresh_token": f"RT-new-{n}", "expires_in": 1800}),
        )

    def worker():
        try:
            barrier.wait(timeout=5)
            results.append(get_access_token(user))
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    with responses.RequestsMock() as mock:
        mock.add_callback(responses.POST, token_url(), callback=refresh)
        threads = [threading.Thread(target=worker) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)

    assert errors == []
    assert used_refresh_tokens == ["RT-old"]
    assert results == ["AT-new-1"] * workers
    stored = KrogerToken.objects.get(pk=token.pk)
    assert (stored.refresh_token, stored.needs_reconnect) == ("RT-new-1", False)


@pytest.mark.parametrize("status", [400, 500])
def test_refresh_failures_log_no_token_or_secret(settings, caplog, status):
    caplog.set_level("DEBUG")
    token = expiring_token(seconds=-5)
    with responses.RequestsMock() as mock:
        mock.post(
            token_url(), status=status, json={"error": "invalid_request", "error_description": "RT-old"}
        )
        with pytest.raises((KrogerReconnectRequired, KrogerUnavailable)):
            get_access_token(token.user)

    assert f"user {token.user.pk}" in caplog.text
    for secret in ("AT-old", "RT-old", settings.KROGER_CLIENT_SECRET, basic_auth_header()):
        assert secret not in caplog.text
