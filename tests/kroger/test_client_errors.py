"""Error mapping, retries with backoff, the never-retry rule for cart adds, and secret-free logs."""

import logging
import socket

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError

from kroger import (
    CartItem,
    KrogerAuthError,
    KrogerBadRequest,
    KrogerCartOutcomeUnknown,
    KrogerNotFound,
    KrogerRateLimited,
    KrogerUnavailable,
)

from .kroger_fakes import APP_TOKEN, BASE, CLIENT_SECRET, Sleeps, add_token, calls_to, make_client, payload

PRODUCTS = f"{BASE}/v1/products"
CART = f"{BASE}/v1/cart/add"
ITEMS = [CartItem(upc="0001111041700", quantity=1)]


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        add_token(mock)
        yield mock


def search(client=None):
    return (client or make_client()).search_products(term="milk", location_id="01400943")


def refused_connection() -> requests.ConnectionError:
    reason = NewConnectionError(None, "Failed to establish a new connection: [Errno 111] Connection refused")
    return requests.ConnectionError(MaxRetryError(None, "/v1/cart/add", reason))


# --- Error mapping ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {
            "errors": {
                "timestamp": 1,
                "code": "PRODUCT-2011-400",
                "reason": "Field 'locationId' must have a length of 8 characters",
            }
        },
        {
            "timestamp": 1,
            "code": "API-4101-400",
            "reason": "Field 'locationId' must have a length of 8 characters",
        },
        {
            "error": "invalid_request",
            "error_description": "Field 'locationId' must have a length of 8 characters",
        },
    ],
    ids=["wrapped", "unwrapped", "oauth"],
)
def test_bad_request_carries_krogers_reason(http, body):
    http.add(responses.GET, PRODUCTS, status=400, json=body)

    with pytest.raises(KrogerBadRequest) as caught:
        search()

    assert (
        caught.value.message
        == "Kroger did not accept the request: Field 'locationId' must have a length of 8 characters"
    )
    assert caught.value.status == 400
    assert len(calls_to(http, "/v1/products")) == 1  # never retried


def test_bad_request_without_a_body_still_has_a_readable_message(http):
    http.add(responses.GET, PRODUCTS, status=400, body=b"")

    with pytest.raises(KrogerBadRequest) as caught:
        search()

    assert caught.value.message == "Kroger did not accept that request."


def test_expired_user_token_is_an_auth_error_and_not_retried(http):
    http.add(
        responses.GET,
        f"{BASE}/v1/identity/profile",
        status=401,
        json={"error": "invalid_token", "error_description": "The access token is invalid or has expired"},
    )

    with pytest.raises(KrogerAuthError) as caught:
        make_client().get_profile(token="user-token-1")

    assert caught.value.status == 401
    assert len(http.calls) == 1


def test_missing_scope_is_an_auth_error_with_the_reason(http):
    http.add(
        responses.PUT,
        CART,
        status=403,
        json={
            "errors": {"timestamp": 1564143270221, "code": "Forbidden", "reason": "missing required scopes"}
        },
    )

    with pytest.raises(KrogerAuthError) as caught:
        make_client().add_to_cart(token="user-token-1", items=ITEMS)

    assert caught.value.status == 403
    assert "missing required scopes" in caught.value.message


def test_not_found(http):
    http.add(responses.GET, f"{BASE}/v1/locations/01409999", status=404, body=b"")

    with pytest.raises(KrogerNotFound):
        make_client().get_location("01409999")


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500, "json": {"errors": {"reason": "Internal server error", "code": "PRODUCT-4xxx-xxx"}}},
        {"status": 503, "body": b"<html>Service Unavailable</html>"},
        {"body": requests.exceptions.ReadTimeout("read timed out")},
        {"body": requests.ConnectionError("Connection aborted")},
    ],
    ids=["500", "503-html", "timeout", "connection-error"],
)
def test_kroger_down_is_unavailable_after_bounded_retries(http, failure):
    http.add(responses.GET, PRODUCTS, **failure)
    sleeps = Sleeps()

    with pytest.raises(KrogerUnavailable) as caught:
        search(make_client(sleep=sleeps, max_retries=2))

    assert len(calls_to(http, "/v1/products")) == 3
    assert len(sleeps) == 2
    assert caught.value.permanent is False
    assert caught.value.message == "Kroger is not responding right now. Please try again in a few minutes."


@pytest.mark.parametrize(
    "answer",
    [
        {"body": b"<html>not json</html>", "content_type": "text/html"},
        {"json": {"meta": {}}},
        {"json": {"data": {"productId": "0001111041700"}}},
        {"json": ["not", "an", "object"]},
        {"body": b""},
    ],
    ids=["html", "no-data", "data-not-a-list", "top-level-list", "empty"],
)
def test_unreadable_success_is_unavailable(http, answer):
    http.add(responses.GET, PRODUCTS, status=200, **answer)

    with pytest.raises(KrogerUnavailable) as caught:
        search()

    assert "could not read" in caught.value.message or "empty" in caught.value.message


# --- Retries and backoff ------------------------------------------------------------------


def test_transient_failure_is_retried_with_growing_jittered_backoff(http):
    http.add(responses.GET, PRODUCTS, status=502)
    http.add(responses.GET, PRODUCTS, body=requests.exceptions.ConnectTimeout("connect timed out"))
    http.add(responses.GET, PRODUCTS, json=payload("product_search.json"))
    sleeps = Sleeps()

    page = search(make_client(sleep=sleeps, max_retries=2, jitter=lambda: 1.0))

    assert page.total == 388
    assert len(calls_to(http, "/v1/products")) == 3
    assert sleeps == [0.25, 0.5]


def test_jitter_keeps_each_delay_between_half_and_all_of_the_step(http):
    http.add(responses.GET, PRODUCTS, status=500)
    low, high = Sleeps(), Sleeps()

    for sleeps, jitter in ((low, 0.0), (high, 1.0)):
        with pytest.raises(KrogerUnavailable):
            search(make_client(sleep=sleeps, max_retries=4, jitter=lambda j=jitter: j))

    assert low == [0.125, 0.25, 0.5, 1.0]
    assert high == [0.25, 0.5, 1.0, 2.0]


def test_no_retries_means_exactly_one_call(http):
    http.add(responses.GET, PRODUCTS, status=500)
    sleeps = Sleeps()

    with pytest.raises(KrogerUnavailable):
        search(make_client(sleep=sleeps, max_retries=0))

    assert len(calls_to(http, "/v1/products")) == 1
    assert sleeps == []


def test_rate_limit_waits_for_retry_after_then_succeeds(http):
    http.add(responses.GET, PRODUCTS, status=429, headers={"Retry-After": "2"})
    http.add(responses.GET, PRODUCTS, json=payload("product_search.json"))
    sleeps = Sleeps()

    page = search(make_client(sleep=sleeps))

    assert page.products
    assert sleeps == [2]


def test_persistent_rate_limit_is_reported_with_retry_after(http):
    http.add(
        responses.GET,
        PRODUCTS,
        status=429,
        headers={"Retry-After": "3"},
        json={"errors": {"reason": "rate limit exceeded"}},
    )
    sleeps = Sleeps()

    with pytest.raises(KrogerRateLimited) as caught:
        search(make_client(sleep=sleeps, max_retries=1))

    assert caught.value.retry_after == 3
    assert sleeps == [3]
    assert len(calls_to(http, "/v1/products")) == 2


def test_long_retry_after_fails_fast_instead_of_holding_the_page(http):
    http.add(responses.GET, PRODUCTS, status=429, headers={"Retry-After": "120"})
    sleeps = Sleeps()

    with pytest.raises(KrogerRateLimited) as caught:
        search(make_client(sleep=sleeps))

    assert caught.value.retry_after == 120
    assert sleeps == []
    assert len(calls_to(http, "/v1/products")) == 1


def test_rate_limit_without_retry_after_backs_off(http):
    http.add(responses.GET, PRODUCTS, status=429)
    sleeps = Sleeps()

    with pytest.raises(KrogerRateLimited) as caught:
        search(make_client(sleep=sleeps, max_retries=1, jitter=lambda: 0.0))

    assert caught.value.retry_after is None
    assert sleeps == [0.125]


def test_every_call_has_a_timeout(http):
    http.add(responses.GET, PRODUCTS, json=payload("product_search.json"))

    search(make_client(timeout=4.5))

    assert {call.request.req_kwargs["timeout"] for call in http.calls} == {4.5}


# --- Cart adds are never repeated when Kroger may have acted -------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        {"body": requests.exceptions.ReadTimeout("read timed out")},
        {"body": requests.ConnectionError("Connection aborted: RemoteDisconnected")},
        {"status": 500, "json": {"errors": {"reason": "Internal server error", "code": "CART-4xxx-xxx"}}},
        {"status": 503},
    ],
    ids=["read-timeout", "connection-dropped", "500", "503"],
)
def test_cart_add_with_unknown_outcome_is_sent_exactly_once(http, failure):
    http.add(responses.PUT, CART, **failure)
    sleeps = Sleeps()

    with pytest.raises(KrogerCartOutcomeUnknown) as caught:
        make_client(sleep=sleeps, max_retries=3).add_to_cart(token="user-token-1", items=ITEMS)

    assert len(calls_to(http, "/v1/cart/add")) == 1
    assert sleeps == []
    assert "Check your Kroger cart" in caught.value.message


@pytest.mark.parametrize(
    "never_sent",
    [requests.exceptions.ConnectTimeout("connect timed out"), refused_connection()],
    ids=["connect-timeout", "refused"],
)
def test_cart_add_that_never_left_is_retried(http, never_sent):
    http.add(responses.PUT, CART, body=never_sent)
    http.add(responses.PUT, CART, status=204)

    make_client().add_to_cart(token="user-token-1", items=ITEMS)

    assert len(calls_to(http, "/v1/cart/add")) == 2


@pytest.mark.parametrize(
    "failure",
    [{"body": requests.exceptions.ReadTimeout("read timed out")}, {"status": 503}],
    ids=["read-timeout", "503"],
)
def test_cart_add_with_unknown_outcome_is_retried_only_with_the_callers_say_so(http, failure):
    http.add(responses.PUT, CART, **failure)
    http.add(responses.PUT, CART, status=204)
    sleeps = Sleeps()

    make_client(sleep=sleeps, max_retries=3).add_to_cart(
        token="user-token-1", items=ITEMS, retry_unknown=True
    )

    assert len(calls_to(http, "/v1/cart/add")) == 2
    assert len(sleeps) == 1  # backed off before the second try


def test_cart_add_refused_with_429_is_retried_because_nothing_was_added(http):
    http.add(responses.PUT, CART, status=429, headers={"Retry-After": "1"})
    http.add(responses.PUT, CART, status=204)

    make_client().add_to_cart(token="user-token-1", items=ITEMS)

    assert len(calls_to(http, "/v1/cart/add")) == 2


# --- Secrets stay out of the logs ---------------------------------------------------------


def test_logs_show_calls_but_never_secrets_or_tokens(http, caplog):
    http.add(responses.GET, PRODUCTS, status=500)
    http.add(responses.GET, PRODUCTS, status=401, json={"error": "invalid_token"})
    http.add(responses.GET, PRODUCTS, json=payload("product_search.json"))
    http.add(responses.PUT, CART, body=requests.exceptions.ReadTimeout("read timed out"))
    add_token(http, token="second-app-token")  # after the 401
    caplog.set_level(logging.DEBUG)
    client = make_client(max_retries=1)

    search(client)
    with pytest.raises(KrogerCartOutcomeUnknown):
        client.add_to_cart(token="user-secret-token", items=ITEMS)

    assert "GET /v1/products -> 500" in caplog.text
    assert "PUT /v1/cart/add -> ReadTimeout" in caplog.text
    for secret in (
        CLIENT_SECRET,
        APP_TOKEN,
        "second-app-token",
        "user-secret-token",
        "filter.term",
    ):
        assert secret not in caplog.text
    assert CLIENT_SECRET not in repr(client)


# --- The same rules against real sockets on loopback (no fakes in the way) -----------------


def test_real_refused_connection_is_known_not_sent_and_retried():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again below: nothing listens there
    sleeps = Sleeps()
    client = make_client(base_url=f"http://127.0.0.1:{port}", sleep=sleeps, max_retries=1)

    with pytest.raises(KrogerUnavailable) as caught:
        client.add_to_cart(token="user-token-1", items=ITEMS)

    assert not isinstance(caught.value, KrogerCartOutcomeUnknown)
    assert len(sleeps) == 1
    assert client.usage_today()["cart"] == 2


def test_real_read_timeout_on_cart_add_is_an_unknown_outcome_sent_once():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()  # the kernel completes the handshake; nobody ever answers
        port = server.getsockname()[1]
        client = make_client(base_url=f"http://127.0.0.1:{port}", timeout=0.2, max_retries=3)

        with pytest.raises(KrogerCartOutcomeUnknown):
            client.add_to_cart(token="user-token-1", items=ITEMS)

    assert client.usage_today()["cart"] == 1
