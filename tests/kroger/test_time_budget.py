"""One time budget for all of a request's Kroger calls: retries and backoff draw on one deadline."""

from datetime import UTC, datetime

import pytest
import requests
import responses
import time_machine

from kroger import KrogerSlow, KrogerUnavailable
from kroger.http import time_budget

from .kroger_fakes import BASE, add_token, calls_to, make_client, payload

PRODUCTS = f"{BASE}/v1/products"


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        add_token(mock)
        yield mock


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2026, 3, 1, 12, tzinfo=UTC), tick=False) as traveller:
        yield traveller


def search(client):
    return client.search_products(term="milk", location_id="01400943")


def test_retries_stop_once_the_next_backoff_would_pass_the_deadline(http, clock):
    http.add(responses.GET, PRODUCTS, status=500)
    client = make_client(sleep=clock.shift, max_retries=5, jitter=lambda: 1.0)

    with time_budget(0.6), pytest.raises(KrogerUnavailable) as caught:
        search(client)

    # 0.25 s backoff fits the 0.6 s; the next 0.5 s would not: 2 calls, not 6.
    assert len(calls_to(http, "/v1/products")) == 2
    assert caught.value.message == "Kroger is not responding right now. Please try again in a few minutes."


def test_each_attempt_waits_at_most_what_is_left_of_the_budget(http, clock):
    http.add(responses.GET, PRODUCTS, json=payload("product_search.json"))
    client = make_client(timeout=8.0)

    with time_budget(3.0):
        clock.shift(1.0)
        search(client)

    (call,) = calls_to(http, "/v1/products")
    assert call.request.req_kwargs["timeout"] == pytest.approx(2.0)


def test_a_timed_out_call_with_no_time_left_to_retry_says_kroger_is_slow(http, clock):
    http.add(responses.GET, PRODUCTS, body=requests.exceptions.ReadTimeout("read timed out"))
    client = make_client(sleep=clock.shift, max_retries=2, jitter=lambda: 1.0)

    with time_budget(0.2), pytest.raises(KrogerSlow):
        search(client)

    assert len(calls_to(http, "/v1/products")) == 1


def test_with_the_budget_spent_nothing_is_sent(http, clock):
    with time_budget(1.0):
        clock.shift(1.5)
        with pytest.raises(KrogerSlow):
            search(make_client())

    assert len(http.calls) == 0


def test_a_nested_budget_cannot_outlast_the_one_around_it(http, clock):
    http.add(responses.GET, PRODUCTS, json=payload("product_search.json"))

    with time_budget(2.0), time_budget(10.0):
        search(make_client(timeout=8.0))

    (call,) = calls_to(http, "/v1/products")
    assert call.request.req_kwargs["timeout"] == pytest.approx(2.0)
