"""A product search for more than 10 products that Kroger answers with a 5xx (PRODUCT-4011).

Kroger has been seen failing such searches because of their size, so the one retry is a page
of 10, never the same big page again. Every other 5xx keeps the normal retries. Kroger is faked
with `responses`; the tests count the calls it receives, since each one spends the daily quota.
"""

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from kroger import KrogerUnavailable
from tests.kroger.kroger_fakes import BASE, Sleeps, add_token, calls_to, make_client, payload

PRODUCTS = f"{BASE}/v1/products"
FAILURE = '{"errors": {"reason": "Internal server error", "code": "PRODUCT-4011-500"}}'
NOT_RESPONDING = "Kroger is not responding right now. Please try again in a few minutes."


def _limits_asked(http) -> list[str]:
    return [
        parse_qs(urlsplit(c.request.url).query)["filter.limit"][0] for c in calls_to(http, "/v1/products")
    ]


def _kroger_fails_big_pages(http, small_page_status: int = 200) -> None:
    """Kroger's PRODUCT-4011 quirk: a 500 to every search asking for more than 10 products."""
    add_token(http)
    # The small page carries no pagination of its own: what the caller pages by comes from us.
    small_page = json.dumps({"data": payload("product_search.json")["data"]})

    def by_limit(request):
        if parse_qs(urlsplit(request.url).query)["filter.limit"][0] == "10":
            return small_page_status, {}, small_page if small_page_status == 200 else FAILURE
        return 500, {}, FAILURE

    http.add_callback(responses.GET, PRODUCTS, callback=by_limit)


@pytest.mark.parametrize("limit", [11, 20, 50])
def test_a_5xx_on_a_big_search_goes_straight_to_one_page_of_10(http, limit):
    _kroger_fails_big_pages(http)
    sleeps = Sleeps()
    client = make_client(max_retries=2, sleep=sleeps)

    page = client.search_products(term="milk", limit=limit)

    assert _limits_asked(http) == [str(limit), "10"]  # no second try at the size that failed
    assert [p.product_id for p in page.products] == ["0001111041700", "0001111042908"]
    assert sleeps == []  # nor any backoff before the small page
    assert client.usage_today()["products"] == 2


def test_the_small_page_answers_the_search_asked_for_and_is_cached_for_it(http):
    _kroger_fails_big_pages(http)
    client = make_client(max_retries=2)

    page = client.search_products(term="milk", limit=20)
    again = client.search_products(term="milk", limit=20)
    small = client.search_products(term="milk", limit=10)

    assert _limits_asked(http) == ["20", "10"]  # one small page, then the cache for both
    assert page.products and page.limit == 10  # the caller's next page starts 10 on, not 20
    assert again == page
    assert small.products == page.products


def test_the_small_page_is_the_only_retry_a_5xx_to_it_is_a_clear_error(http):
    _kroger_fails_big_pages(http, small_page_status=500)
    sleeps = Sleeps()

    with pytest.raises(KrogerUnavailable) as failed:
        make_client(max_retries=2, sleep=sleeps).search_products(term="milk", limit=20)

    assert failed.value.message == NOT_RESPONDING
    assert _limits_asked(http) == ["20", "10"]
    assert sleeps == []


def test_a_failed_fallback_is_not_cached_the_next_search_asks_kroger_again(http):
    _kroger_fails_big_pages(http, small_page_status=500)
    client = make_client(max_retries=2)

    for _ in range(2):
        with pytest.raises(KrogerUnavailable):
            client.search_products(term="milk", limit=20)

    assert _limits_asked(http) == ["20", "10", "20", "10"]


def test_a_5xx_on_a_search_of_10_gets_the_normal_retries(http):
    add_token(http)
    http.add(responses.GET, PRODUCTS, status=500, body=FAILURE)
    sleeps = Sleeps()

    with pytest.raises(KrogerUnavailable, match="not responding"):
        make_client(max_retries=2, sleep=sleeps).search_products(term="milk", limit=10)

    assert _limits_asked(http) == ["10", "10", "10"]  # never retried smaller
    assert len(sleeps) == 2  # backing off between them


def test_a_search_of_10_that_kroger_answers_on_a_retry_shows_its_results(http):
    add_token(http)
    http.add(responses.GET, PRODUCTS, status=503, body=FAILURE)
    http.add(responses.GET, PRODUCTS, json=payload("product_search.json"))

    page = make_client(max_retries=2).search_products(term="milk", limit=10)

    assert _limits_asked(http) == ["10", "10"]
    assert page.products and page.limit == 2  # Kroger's own pagination, as it sent it


@pytest.mark.parametrize(
    "trouble",
    [
        {"body": requests.exceptions.ConnectionError("connection reset")},
        {"status": 429, "headers": {"Retry-After": "1"}},
    ],
    ids=["connection-error", "rate-limited"],
)
def test_a_big_search_is_retried_at_its_own_size_when_the_trouble_is_not_a_5xx(http, trouble):
    add_token(http)
    http.add(responses.GET, PRODUCTS, **trouble)
    http.add(responses.GET, PRODUCTS, json=payload("product_search.json"))

    page = make_client(max_retries=2).search_products(term="milk", limit=20)

    assert _limits_asked(http) == ["20", "20"]  # nothing says the size was the trouble
    assert page.products and page.limit == 2  # Kroger's own pagination, not relabelled as a page of 10


def test_a_big_search_that_fails_at_its_own_size_after_other_trouble_still_gets_the_small_page(http):
    # The first try never reaches Kroger's search; the second gets its PRODUCT-4011 answer.
    http.add(responses.GET, PRODUCTS, body=requests.exceptions.ConnectionError("connection reset"))
    _kroger_fails_big_pages(http)

    page = make_client(max_retries=2).search_products(term="milk", limit=20)

    assert len(calls_to(http, "/v1/products")) == 3
    assert _limits_asked(http)[1:] == ["20", "10"]
    assert page.products and page.limit == 10


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda c: c.get_products([f"{n:013d}" for n in range(1, 21)]), "/v1/products"),
        (lambda c: c.get_product("0001111041700"), "/v1/products/0001111041700"),
        (lambda c: c.search_locations(zip_code="45202", limit=20), "/v1/locations"),
    ],
    ids=["products-by-id-20", "one-product", "locations-20"],
)
def test_a_5xx_on_other_calls_gets_the_normal_retries(http, call, path):
    add_token(http)
    http.add(responses.GET, BASE + path, status=500, body=FAILURE)
    sleeps = Sleeps()

    with pytest.raises(KrogerUnavailable, match="not responding"):
        call(make_client(max_retries=2, sleep=sleeps))

    assert len(calls_to(http, path)) == 3
    assert len(sleeps) == 2
    if path == "/v1/products":
        assert _limits_asked(http) == ["20", "20", "20"]  # a batch by id is never cut to 10


# --- Through the site: the shopper sees results, or a clear message, never our own 500 ---

SITE_KROGER = "https://kroger.sandbox.test"  # KROGER_API_BASE_URL in shopper/test_settings.py


@pytest.fixture
def site_kroger(settings):
    """Kroger failing big pages behind the site, with the site's normal retries (2)."""
    settings.KROGER_MAX_RETRIES = 2
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(
            f"{SITE_KROGER}/v1/connect/oauth2/token",
            json={"access_token": "app-token", "token_type": "bearer", "expires_in": 1800},
        )
        yield mock


def _site_fails_big_pages(mock, small_page_status: int) -> None:
    small_page = json.dumps({"data": payload("product_search.json")["data"]})

    def by_limit(request):
        if parse_qs(urlsplit(request.url).query)["filter.limit"][0] != "10":
            return 500, {}, FAILURE
        return small_page_status, {}, small_page if small_page_status == 200 else FAILURE

    mock.add_callback(responses.GET, f"{SITE_KROGER}/v1/products", callback=by_limit)


def _site_limits_asked(mock) -> list[str]:
    return [
        parse_qs(urlsplit(c.request.url).query)["filter.limit"][0]
        for c in mock.calls
        if c.request.path_url.startswith("/v1/products")
    ]


@pytest.mark.django_db
def test_the_api_shows_the_page_of_10_for_a_big_search_kroger_fails(api_client, site_kroger):
    _site_fails_big_pages(site_kroger, small_page_status=200)

    response = api_client.get("/api/products", {"term": "milk", "limit": "20"})

    assert response.status_code == 200
    body = response.json()
    assert body["limit"] == 10
    assert [p["product_id"] for p in body["results"]] == ["0001111041700", "0001111042908"]
    assert _site_limits_asked(site_kroger) == ["20", "10"]


@pytest.mark.django_db
@pytest.mark.parametrize("small_page_status", [500, 502, 503])
def test_the_api_says_kroger_is_down_when_the_page_of_10_fails_too(
    api_client, site_kroger, small_page_status
):
    _site_fails_big_pages(site_kroger, small_page_status=small_page_status)

    response = api_client.get("/api/products", {"term": "milk", "limit": "20"})

    assert response.status_code == 503
    assert response.json() == {"code": "kroger_unavailable", "detail": NOT_RESPONDING}
    assert int(response["Retry-After"]) > 0
    assert _site_limits_asked(site_kroger) == ["20", "10"]


@pytest.mark.django_db
def test_the_products_page_shows_a_friendly_banner_when_the_page_of_10_fails_too(
    logged_in_client, site_kroger
):
    _site_fails_big_pages(site_kroger, small_page_status=500)

    response = logged_in_client.get("/products/", {"term": "milk"})  # the page asks for 12

    assert response.status_code == 200
    assert "We couldn't search Kroger just now." in response.content.decode()
    assert NOT_RESPONDING in response.content.decode()
    assert _site_limits_asked(site_kroger) == ["12", "10"]
