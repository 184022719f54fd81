"""Limits that hold across processes: per-shopper Kroger budget, atomic throttles, failed-auth throttling."""

import pytest
from rest_framework.test import APIClient

from tests.factories import ApiTokenFactory, UserFactory
from tests.helpers import STORE

pytestmark = pytest.mark.django_db


def _rates(settings, **rates):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], **rates},
    }


def test_a_shopper_over_their_daily_kroger_budget_gets_429_with_retry_after(
    api_client, kroger_sandbox, settings
):
    settings.KROGER_DAILY_BUDGET_PER_USER = 2
    first = api_client.get("/api/products", {"term": "milk", "location_id": STORE})
    second = api_client.get("/api/products", {"term": "eggs", "location_id": STORE})
    over = api_client.get("/api/products", {"term": "bread", "location_id": STORE})
    cached = api_client.get("/api/products", {"term": "milk", "location_id": STORE})

    assert (first.status_code, second.status_code, over.status_code) == (200, 200, 429)
    assert over.json()["code"] == "kroger_budget_exhausted"
    assert "Kroger lookups" in over.json()["detail"]
    assert 0 < int(over["Retry-After"]) <= 24 * 60 * 60
    assert cached.status_code == 200  # answered from the cache: no Kroger call, no budget spent


def test_one_shoppers_budget_does_not_touch_anothers(api_client, kroger_sandbox, settings):
    settings.KROGER_DAILY_BUDGET_PER_USER = 1
    other = APIClient()
    other.force_authenticate(UserFactory())

    api_client.get("/api/products", {"term": "milk", "location_id": STORE})
    mine = api_client.get("/api/products", {"term": "eggs", "location_id": STORE})
    theirs = other.get("/api/products", {"term": "eggs", "location_id": STORE})

    assert (mine.status_code, theirs.status_code) == (429, 200)


def test_the_user_throttle_counts_every_request_and_says_when_to_come_back(api_client, settings):
    _rates(settings, user="3/min")

    statuses = [api_client.get("/api/guidance").status_code for _ in range(5)]
    throttled = api_client.get("/api/guidance")

    assert statuses == [200, 200, 200, 429, 429]
    assert throttled.json()["code"] == "throttled"
    assert 1 <= int(throttled["Retry-After"]) <= 60


def test_failed_token_attempts_are_throttled_per_client_address(settings):
    _rates(settings, anon="3/min")
    good = ApiTokenFactory(secret="ps_the-real-one")
    guesser, elsewhere = APIClient(REMOTE_ADDR="203.0.113.9"), APIClient(REMOTE_ADDR="198.51.100.7")

    guesses = [
        guesser.get("/api/user", HTTP_AUTHORIZATION=f"Bearer ps_guess-{n}").status_code for n in range(3)
    ]
    blocked = guesser.get("/api/user", HTTP_AUTHORIZATION="Bearer ps_the-real-one")
    other_address = elsewhere.get("/api/user", HTTP_AUTHORIZATION="Bearer ps_the-real-one")

    assert guesses == [401, 401, 401]
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) >= 1
    assert blocked.json()["code"] == "throttled"
    assert other_address.status_code == 200
    assert other_address.json()["id"] == good.user.pk


def test_anonymous_requests_are_throttled_per_client_address(settings):
    _rates(settings, anon="2/min")
    anonymous = APIClient(REMOTE_ADDR="203.0.113.10")

    statuses = [anonymous.get("/api/guidance").status_code for _ in range(4)]

    assert statuses == [401, 401, 429, 429]
