"""The shared app token and the daily quota guard."""

from datetime import UTC, datetime, timedelta

import pytest
import responses
import time_machine

from kroger import KrogerAuthError, KrogerDailyLimitReached, KrogerReconnectRequired, KrogerUnavailable
from kroger.quota import QuotaGuard

from .kroger_fakes import (
    APP_TOKEN,
    BASE,
    TOKEN_URL,
    add_token,
    calls_to,
    make_client,
    new_cache,
    payload,
)

PRODUCTS = f"{BASE}/v1/products"
START = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def token_calls(http) -> int:
    return len(calls_to(http, "/v1/connect/oauth2/token"))


# --- App token ----------------------------------------------------------------------------


def test_clients_sharing_a_cache_share_one_app_token(http):
    add_token(http)
    cache = new_cache()

    first, second = make_client(cache=cache), make_client(cache=cache)

    assert first.get_app_token() == APP_TOKEN
    assert second.get_app_token() == APP_TOKEN
    assert token_calls(http) == 1


def test_clients_with_separate_caches_each_fetch_a_token(http):
    add_token(http)

    make_client().get_app_token()
    make_client().get_app_token()

    assert token_calls(http) == 2


def test_app_token_is_renewed_a_minute_before_it_expires(http):
    add_token(http, token="first-token", expires_in=1800)
    add_token(http, token="second-token", expires_in=1800)
    client = make_client()

    with time_machine.travel(START, tick=False) as clock:
        assert client.get_app_token() == "first-token"
        clock.shift(timedelta(seconds=1739))
        assert client.get_app_token() == "first-token"
        clock.shift(timedelta(seconds=2))
        assert client.get_app_token() == "second-token"

    assert token_calls(http) == 2


def test_very_short_lived_token_is_not_cached(http):
    add_token(http, expires_in=30)
    client = make_client()

    client.get_app_token()
    client.get_app_token()

    assert token_calls(http) == 2


def test_rejected_app_token_is_replaced_once_and_the_call_retried(http):
    add_token(http, token="stale-token")
    add_token(http, token="fresh-token")
    http.add(responses.GET, PRODUCTS, status=401, json={"error": "invalid_token"})
    http.add(responses.GET, PRODUCTS, json=payload("product_search.json"))
    cache = new_cache()

    page = make_client(cache=cache).search_products(term="milk")

    searches = calls_to(http, "/v1/products")
    assert [c.request.headers["Authorization"] for c in searches] == [
        "Bearer stale-token",
        "Bearer fresh-token",
    ]
    assert page.products
    assert make_client(cache=cache).get_app_token() == "fresh-token"  # the new token is shared


def test_app_token_rejected_twice_is_an_auth_error_not_a_loop(http):
    add_token(http)
    http.add(responses.GET, PRODUCTS, status=401, json={"error": "invalid_token"})

    with pytest.raises(KrogerAuthError):
        make_client().search_products(term="milk")

    assert token_calls(http) == 2
    assert len(calls_to(http, "/v1/products")) == 2


def test_wrong_app_credentials_are_an_auth_error_for_the_site_not_the_shopper(http):
    http.add(
        responses.POST,
        TOKEN_URL,
        status=400,
        json={"error": "unauthorized", "error_description": "invalid credentials"},
    )

    with pytest.raises(KrogerAuthError) as caught:
        make_client().search_products(term="milk")

    assert not isinstance(caught.value, KrogerReconnectRequired)
    assert caught.value.message == "Kroger is not accepting this site's credentials right now."
    assert token_calls(http) == 1


def test_token_endpoint_down_is_unavailable(http):
    http.add(responses.POST, TOKEN_URL, status=500, json={"errors": {"reason": "Internal server error"}})

    with pytest.raises(KrogerUnavailable):
        make_client(max_retries=1).get_app_token()


# --- Daily quota guard --------------------------------------------------------------------


def test_quota_guard_refuses_before_calling_kroger(http):
    add_token(http)
    http.add(responses.GET, PRODUCTS, json=payload("product_search.json"))
    client = make_client(daily_limits={"products": 2})

    client.search_products(term="milk")
    client.search_products(term="eggs")
    with pytest.raises(KrogerDailyLimitReached) as caught:
        client.search_products(term="bread")

    assert len(calls_to(http, "/v1/products")) == 2
    assert "daily Kroger limit" in caught.value.message
    assert caught.value.retry_after > 0
    assert client.usage_today()["products"] == 2


def test_cached_searches_do_not_use_quota(http):
    add_token(http)
    http.add(responses.GET, PRODUCTS, json=payload("product_search.json"))
    client = make_client(daily_limits={"products": 1})

    client.search_products(term="milk")
    client.search_products(term="milk")

    assert client.usage_today() == {"auth": 1, "products": 1, "locations": 0, "cart": 0, "identity": 0}


def test_quota_is_shared_between_clients_and_resets_the_next_utc_day(http):
    add_token(http)
    http.add(responses.GET, f"{BASE}/v1/locations", json=payload("locations_search.json"))
    cache = new_cache()

    with time_machine.travel(START, tick=False) as clock:
        make_client(cache=cache, daily_limits={"locations": 1}).search_locations(zip_code="45202")
        with pytest.raises(KrogerDailyLimitReached):
            make_client(cache=cache, daily_limits={"locations": 1}).search_locations(zip_code="45203")
        clock.move_to(START + timedelta(days=1))
        make_client(cache=cache, daily_limits={"locations": 1}).search_locations(zip_code="45203")

    assert len(calls_to(http, "/v1/locations")) == 2


def test_retries_count_against_the_quota(http):
    add_token(http)
    http.add(responses.GET, PRODUCTS, status=500)
    client = make_client(max_retries=2)

    with pytest.raises(KrogerUnavailable):
        client.search_products(term="milk")

    assert client.usage_today()["products"] == 3


@pytest.mark.parametrize(
    ("group", "limit"), [("products", 10_000), ("locations", 1_600), ("cart", 5_000), ("identity", 5_000)]
)
def test_default_limits_are_krogers_published_ones(group, limit):
    guard = QuotaGuard(new_cache())
    for _ in range(limit):
        guard.spend(group)

    with pytest.raises(KrogerDailyLimitReached):
        guard.spend(group)
    assert guard.usage_today()[group] == limit
