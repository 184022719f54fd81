"""GET /api/products and /api/products/{id}: validation, store defaults, caching, failures."""

import pytest
import requests
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import GuidanceFactory, UserFactory
from tests.helpers import OTHER_STORE, STORE

pytestmark = pytest.mark.django_db

BASE = "https://kroger.sandbox.test"
CINCINNATI = STORE


def product_calls(mock):
    return [call for call in mock.calls if call.request.path_url.startswith("/v1/products")]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "term"),
        ({"term": "mi"}, "term"),
        ({"term": "  m  "}, "term"),
        ({"term": "one two three four five six seven eight nine"}, "term"),
        ({"term": "milk & eggs"}, "term"),
        ({"term": "milk#2"}, "term"),
        ({"term": "milk", "limit": "0"}, "limit"),
        ({"term": "milk", "limit": "51"}, "limit"),
        ({"term": "milk", "start": "-1"}, "start"),
        ({"term": "milk", "fulfillment": "pickup"}, "fulfillment"),
        ({"term": "milk", "location_id": "0140094"}, "location_id"),
        ({"term": "milk", "brand": "B" * 101}, "brand"),
    ],
)
def test_bad_search_input_is_a_400_naming_the_field(api_client, kroger_http, params, field):
    response = api_client.get("/api/products", params)

    assert response.status_code == 400
    assert field in response.json()
    assert product_calls(kroger_http) == []


def test_special_characters_get_a_clear_message(api_client, kroger_http):
    response = api_client.get("/api/products", {"term": "milk & eggs"})

    assert "remove characters like &" in response.json()["term"][0]


def test_search_at_a_store_has_prices_and_the_search_term_matches(api_client, kroger_sandbox):
    response = api_client.get("/api/products", {"term": "milk", "location_id": CINCINNATI, "limit": "5"})

    assert response.status_code == 200
    body = response.json()
    assert body["location_id"] == CINCINNATI
    assert "notice" not in body
    assert 1 <= len(body["results"]) <= 5
    assert body["total"] >= len(body["results"])
    assert any("milk" in product["description"].lower() for product in body["results"])
    priced = [product for product in body["results"] if product["price"] is not None]
    assert priced, "a store search should show prices"
    for product in body["results"]:
        assert len(product["product_id"]) == 13
        if product["on_sale"]:
            assert float(product["promo_price"]) < float(product["regular_price"])
            assert product["price"] == product["promo_price"]


def test_the_store_defaults_to_the_shoppers_preferred_store(api_client, user, kroger_sandbox):
    user.preferred_location_id = OTHER_STORE
    user.save()

    response = api_client.get("/api/products", {"term": "eggs"})

    assert response.json()["location_id"] == OTHER_STORE
    assert any(product["price"] is not None for product in response.json()["results"])


def test_without_any_store_prices_are_null_and_a_notice_says_why(api_client, kroger_sandbox):
    response = api_client.get("/api/products", {"term": "bananas"})

    assert response.status_code == 200
    body = response.json()
    assert body["location_id"] is None
    assert body["notice"] == "Choose a store to see prices and availability."
    assert body["results"]
    assert all(product["price"] is None and product["aisle"] is None for product in body["results"])


def test_pages_move_through_the_results(api_client, kroger_sandbox):
    first = api_client.get("/api/products", {"term": "milk", "location_id": CINCINNATI, "limit": "2"}).json()
    second = api_client.get(
        "/api/products", {"term": "milk", "location_id": CINCINNATI, "limit": "2", "start": "2"}
    ).json()

    first_ids = {product["product_id"] for product in first["results"]}
    second_ids = {product["product_id"] for product in second["results"]}
    assert first_ids and second_ids and not first_ids & second_ids


def test_a_repeated_search_makes_no_second_kroger_call(api_client, kroger_http):
    kroger_http.get(
        f"{BASE}/v1/products",
        json={
            "data": [{"productId": "0001111041700", "upc": "0001111041700", "description": "Kroger 2% Milk"}],
            "meta": {"pagination": {"start": 0, "limit": 10, "total": 1}},
        },
    )

    first = api_client.get("/api/products", {"term": "milk", "location_id": CINCINNATI})
    second = api_client.get("/api/products", {"term": "milk", "location_id": CINCINNATI})

    assert second.json() == first.json()
    assert first.json()["results"][0]["description"] == "Kroger 2% Milk"
    assert len(product_calls(kroger_http)) == 1


def test_a_different_store_is_a_different_search(api_client, kroger_http):
    kroger_http.get(f"{BASE}/v1/products", json={"data": [], "meta": {}})

    api_client.get("/api/products", {"term": "milk", "location_id": CINCINNATI})
    api_client.get("/api/products", {"term": "milk", "location_id": OTHER_STORE})

    assert len(product_calls(kroger_http)) == 2


def test_a_product_is_found_by_id_with_its_store_price(api_client, kroger_sandbox):
    search = api_client.get("/api/products", {"term": "butter", "location_id": CINCINNATI, "limit": "1"})
    product_id = search.json()["results"][0]["product_id"]

    response = api_client.get(f"/api/products/{product_id}", {"location_id": CINCINNATI})

    assert response.status_code == 200
    assert response.json()["product_id"] == product_id
    assert response.json()["price"] is not None


@pytest.mark.parametrize("product_id", ["12345", "٠" * 13, "0001111041700%0A"])
def test_a_malformed_product_id_is_a_400_without_calling_kroger(api_client, kroger_http, product_id):
    response = api_client.get(f"/api/products/{product_id}")

    assert response.status_code == 400
    assert "product_id" in response.json()
    assert product_calls(kroger_http) == []


def test_an_unknown_product_is_a_404(api_client, kroger_sandbox):
    response = api_client.get("/api/products/0000000000001", {"location_id": CINCINNATI})

    assert response.status_code == 404
    assert response.json()["code"] == "kroger_not_found"


def test_kroger_down_is_a_503_with_retry_after(api_client, kroger_http):
    kroger_http.get(
        f"{BASE}/v1/products",
        status=503,
        json={"errors": {"reason": "Internal server error", "code": "PRODUCT-4000-503", "timestamp": 1}},
    )

    response = api_client.get("/api/products", {"term": "milk"})

    assert response.status_code == 503
    assert response.json() == {
        "code": "kroger_unavailable",
        "detail": "Kroger is not responding right now. Please try again in a few minutes.",
    }
    assert int(response["Retry-After"]) > 0


def test_kroger_unreachable_is_a_503(api_client, kroger_http):
    kroger_http.get(f"{BASE}/v1/products", body=requests.exceptions.ConnectionError("refused"))

    response = api_client.get("/api/products", {"term": "milk"})

    assert response.status_code == 503


def test_kroger_rate_limiting_is_a_429(api_client, kroger_http):
    kroger_http.get(f"{BASE}/v1/products", status=429, json={"errors": {"reason": "rate limit exceeded"}})

    response = api_client.get("/api/products", {"term": "milk"})

    assert response.status_code == 429
    assert response.json()["code"] == "kroger_rate_limited"
    assert int(response["Retry-After"]) > 0


def test_kroger_refusing_the_input_is_a_400_with_its_reason(api_client, kroger_http):
    kroger_http.get(
        f"{BASE}/v1/products",
        status=400,
        json={"errors": {"timestamp": 1, "code": "PRODUCT-2011-400", "reason": "Invalid parameters"}},
    )

    response = api_client.get("/api/products", {"term": "milk"})

    assert response.status_code == 400
    assert response.json()["code"] == "kroger_bad_request"
    assert "Invalid parameters" in response.json()["detail"]


def test_our_daily_quota_guard_answers_429_before_kroger_would(api_client, settings, kroger_sandbox):
    settings.KROGER_DAILY_LIMITS = {"products": 1}
    assert api_client.get("/api/products", {"term": "milk"}).status_code == 200

    response = api_client.get("/api/products", {"term": "eggs"})

    assert response.status_code == 429
    assert response.json()["code"] == "kroger_daily_limit_reached"


def test_kroger_calls_are_throttled_per_shopper(api_client, settings, kroger_sandbox):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**rates, "kroger": "2/min"},
    }
    other = UserFactory()

    codes = [api_client.get("/api/products", {"term": "milk"}).status_code for _ in range(3)]
    api_client.force_authenticate(other)

    assert codes == [200, 200, 429]
    assert api_client.get("/api/products", {"term": "milk"}).status_code == 200


def test_brand_and_fulfillment_filters_reach_kroger(api_client, kroger_sandbox):
    response = api_client.get(
        "/api/products", {"term": "milk", "location_id": CINCINNATI, "brand": "Kroger", "fulfillment": "csp"}
    )

    results = response.json()["results"]
    assert response.status_code == 200
    assert results
    assert {product["brand"] for product in results} == {"Kroger"}
    assert all(product["fulfillment"]["curbside"] for product in results)


def test_products_the_households_guidance_rules_out_say_why(api_client, user, kroger_sandbox):
    GuidanceFactory(owner=user, text="no peanuts - allergy")

    with CaptureQueriesContext(connection) as queries:
        response = api_client.get("/api/products", {"term": "peanut butter", "location_id": CINCINNATI})

    peanut = [p for p in response.json()["results"] if "peanut" in p["description"].lower()]
    assert len(peanut) >= 2
    for product in peanut:
        assert "no peanuts - allergy" in product["excluded_reason"], product["description"]
    assert len([q for q in queries.captured_queries if "shopping_guidance" in q["sql"]]) == 1

    one = api_client.get(f"/api/products/{peanut[0]['product_id']}", {"location_id": CINCINNATI})
    assert "no peanuts - allergy" in one.json()["excluded_reason"]


def test_without_such_guidance_no_product_is_ruled_out(api_client, kroger_sandbox):
    response = api_client.get("/api/products", {"term": "peanut butter", "location_id": CINCINNATI})

    results = response.json()["results"]
    assert results and {product["excluded_reason"] for product in results} == {""}
