"""State shared by every process through the cache: quota, app token, budgets; atomic, never read-then-write.

These use Django's configured cache, so the PostgreSQL leg of CI (CACHE_URL=redis://...) runs
them against a real Redis, each thread with its own connection.
"""

import contextlib
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import responses
from django.core.cache import cache

from kroger.client import APP_TOKEN_POLL_SECONDS
from kroger.errors import KrogerDailyLimitReached, KrogerShopperBudgetReached
from kroger.quota import QuotaGuard, ShopperBudget
from tests.kroger.kroger_fakes import APP_TOKEN, BASE, TOKEN_URL, calls_to, make_client, payload

PRODUCTS = f"{BASE}/v1/products"


def _race(function, times: int, workers: int = 8) -> list:
    """Run `function` `times` times on `workers` threads at once; each result or raised exception."""
    start = threading.Barrier(workers)

    def one(_):
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(timeout=5)
        try:
            return function()
        except Exception as exc:
            return exc

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, range(times)))


def test_the_daily_quota_never_overspends_under_concurrency():
    guard = QuotaGuard(cache, {"products": 25})

    results = _race(lambda: guard.spend("products"), times=80)

    refused = [r for r in results if isinstance(r, KrogerDailyLimitReached)]
    assert len(results) - len(refused) == 25
    assert guard.usage_today()["products"] == 25


def test_a_shoppers_budget_never_overspends_under_concurrency():
    budget = ShopperBudget(cache, "user:1", 10)

    results = _race(budget.spend, times=40)

    assert sorted(r for r in results if isinstance(r, int)) == list(range(1, 11))
    assert all(isinstance(r, KrogerShopperBudgetReached) for r in results if not isinstance(r, int))
    assert budget.used_today() == 10 and ShopperBudget(cache, "user:2", 10).used_today() == 0


@pytest.mark.parametrize(
    ("site_limit", "shopper_limit", "refusal"),
    [(1, 10, KrogerDailyLimitReached), (100, 1, KrogerShopperBudgetReached)],
    ids=["site-quota-refuses", "shopper-budget-refuses"],
)
def test_a_refused_call_costs_neither_the_site_quota_nor_the_shoppers_budget(
    http, site_limit, shopper_limit, refusal
):
    http.add(responses.POST, TOKEN_URL, json={"access_token": APP_TOKEN, "expires_in": 1800})
    http.add(responses.GET, PRODUCTS, json=payload("product_search.json"))
    budget = ShopperBudget(cache, "user:1", shopper_limit)
    client = make_client(cache=cache, daily_limits={"products": site_limit}, budget=budget)

    client.search_products(term="milk")
    with pytest.raises(refusal):
        client.search_products(term="bread")

    # Only the search that was made counts, on both counters.
    assert budget.used_today() == 1
    assert client.usage_today()["products"] == 1
    assert len(calls_to(http, "/v1/products")) == 1


def test_one_app_token_per_cluster_the_others_wait_for_it(http):
    asking, everyone_asks = [], threading.Event()

    def ask():
        # A client per "process", all sharing one cache.
        asking.append(threading.get_ident())
        if len(asking) == 8:
            everyone_asks.set()
        return make_client(cache=cache).get_app_token()

    def token_once_everyone_asks(request):
        # Kroger answers the first fetch only once every client has asked for a token, so the
        # others ask while it is in flight (and must wait for it rather than fetch their own).
        assert everyone_asks.wait(timeout=10), "not every client asked for a token"
        return 200, {}, json.dumps({"access_token": APP_TOKEN, "token_type": "bearer", "expires_in": 1800})

    http.add_callback(responses.POST, TOKEN_URL, callback=token_once_everyone_asks)

    results = _race(ask, times=8)

    assert results == [APP_TOKEN] * 8
    assert len(calls_to(http, "/v1/connect/oauth2/token")) == 1


@contextlib.contextmanager
def _another_client_fetching_the_app_token(http, cache):
    """Another process's client holds the app-token lock: Kroger answers it once `release` is set.

    Yields (release, holder): the event, and the future of that client's token.
    """
    fetching, release, answered = threading.Event(), threading.Event(), []

    def answer(request):
        if not answered:
            answered.append(request)
            fetching.set()
            assert release.wait(timeout=5), "the waiting client never let the holder finish"
        return 200, {}, json.dumps({"access_token": APP_TOKEN, "token_type": "bearer", "expires_in": 1800})

    http.add_callback(responses.POST, TOKEN_URL, callback=answer)
    with ThreadPoolExecutor(max_workers=1) as pool:
        holder = pool.submit(make_client(cache=cache).get_app_token)
        try:
            assert fetching.wait(timeout=5), "the other client never asked Kroger for a token"
            yield release, holder
        finally:
            release.set()


def test_a_client_waiting_for_anothers_app_token_polls_with_its_own_sleep(http):
    sleeps = []
    with _another_client_fetching_the_app_token(http, cache) as (release, holder):

        def sleep(seconds):
            # While this client waits, the other one gets Kroger's answer (on the third poll).
            sleeps.append(seconds)
            if len(sleeps) == 3:
                release.set()
                holder.result(timeout=5)

        token = make_client(cache=cache, sleep=sleep).get_app_token()

    assert token == APP_TOKEN
    assert sleeps == [APP_TOKEN_POLL_SECONDS] * 3
    assert len(calls_to(http, "/v1/connect/oauth2/token")) == 1  # read from the cache, not fetched again


def test_a_client_waiting_for_a_silent_holder_gives_up_by_its_own_clock(http):
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds  # time passes only on this client's clock: the holder never answers

    with _another_client_fetching_the_app_token(http, cache):
        waiter = make_client(cache=cache, sleep=sleep, clock=lambda: now[0], timeout=3.0, max_retries=2)
        token = waiter.get_app_token()

    assert token == APP_TOKEN  # its own, fetched once waiting was no longer worth it
    assert now[0] >= 3.0 * 3  # but only after the holder's longest possible fetch (3 attempts)
    assert len(calls_to(http, "/v1/connect/oauth2/token")) == 2
