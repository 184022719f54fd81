"""KrogerClient endpoints: request shapes, parsing, caching and batching (HTTP faked with `responses`)."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
import time_machine

from kroger import CartItem, KrogerBadRequest, KrogerNotFound

from .kroger_fakes import APP_TOKEN, BASE, add_token, calls_to, make_client, new_cache, payload


def query(call) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(call.request.url).query).items()}


def test_search_sends_kroger_filters_with_the_app_token(http):
    add_token(http)
    http.add(responses.GET, f"{BASE}/v1/products", json=payload("product_search.json"))

    page = make_client().search_products(
        term="milk",
        location_id="01400943",
        brand=["Kroger", "Simple Truth"],
        fulfillment=["csp", "ais"],
        limit=2,
    )

    [call] = calls_to(http, "/v1/products")
    assert query(call) == {
        "filter.term": "milk",
        "filter.locationId": "01400943",
        "filter.brand": "Kroger|Simple Truth",
        "filter.fulfillment": "csp,ais",
        "filter.limit": "2",
    }
    assert call.request.headers["Authorization"] == f"Bearer {APP_TOKEN}"
    assert call.request.headers["Accept"] == "application/json"
    assert page.products[0].price == Decimal("2.99")
    assert page.total == 388


def test_search_sends_start_only_for_later_pages(http):
    add_token(http)
    http.add(responses.GET, f"{BASE}/v1/products", json=payload("product_search.json"))

    make_client().search_products(term="milk", start=20, limit=10)

    assert query(calls_to(http, "/v1/products")[0])["filter.start"] == "20"


def test_token_request_uses_basic_auth_and_client_credentials(http):
    add_token(http)
    http.add(responses.GET, f"{BASE}/v1/products", json=payload("product_search.json"))

    make_client().search_products(term="milk")

    [token_call] = calls_to(http, "/v1/connect/oauth2/token")
    assert token_call.request.headers["Authorization"].startswith("Basic ")
    assert parse_qs(token_call.request.body) == {
        "grant_type": ["client_credentials"],
        "scope": ["product.compact"],
    }


def test_repeated_search_is_served_from_the_cache(http):
    add_token(http)
    http.add(responses.GET, f"{BASE}/v1/products", json=payload("product_search.json"))
    client = make_client()

    first = client.search_products(term="milk", location_id="01400943", limit=2)
    second = client.search_products(term="milk", location_id="01400943", limit=2)

    assert len(calls_to(http, "/v1/products")) == 1
    assert second == first


def test_searches_with_different_filters_are_cached_separately(http):
    add_token(http)
    http.add(responses.GET, f"{BASE}/v1/products", json=payload("product_search.json"))
    client = make_client()

    client.search_products(term="milk", location_id="01400943")
    client.search_products(term="milk", location_id="01400376")
    client.search_products(term="milk", location_id="01400943", brand="Kroger")

    assert len(calls_to(http, "/v1/products")) == 3


def test_search_cache_is_shared_by_clients_on_one_cache(http):
    add_token(http)
    http.add(responses.GET, f"{BASE}/v1/products", json=payload("product_search.json"))
    cache = new_cache()

    make_client(cache=cache).search_products(term="ground beef", location_id="01400943")
    make_client(cache=cache).search_products(term="ground beef", location_id="01400943")

    assert len(calls_to(http, "/v1/products")) == 1


def test_searches_expire_after_the_configured_time_and_store_lookups_last_longer(http):
    add_token(http, expires_in=86400 * 2)
    http.add(responses.GET, f"{BASE}/v1/products", json=payload("product_search.json"))
    http.add(responses.GET, f"{BASE}/v1/locations/62000005", json=payload("location.json"))
    client = make_client(product_cache_seconds=600, location_cache_seconds=3600)

    with time_machine.travel(datetime(2026, 5, 1, 12, 0, tzinfo=UTC), tick=False) as clock:
        client.search_products(term="milk", location_id="01400943")
        client.get_location("62000005")
        clock.shift(timedelta(seconds=599))
        client.search_products(term="milk", location_id="01400943")
        assert len(calls_to(http, "/v1/products")) == 1
        clock.shift(timedelta(seconds=2))  # the search is stale, the store is not
        client.search_products(term="milk", location_id="01400943")
        client.get_location("62000005")
        assert len(calls_to(http, "/v1/products")) == 2
        assert len(calls_to(http, "/v1/locations/62000005")) == 1
        clock.shift(timedelta(seconds=3000))
        client.get_location("62000005")

    assert len(calls_to(http, "/v1/locations/62000005")) == 2


def test_get_product_asks_for_the_store_and_caches(http):
    add_token(http)
    body = {"data": payload("product_search.json")["data"][0], "meta": {}}
    http.add(responses.GET, f"{BASE}/v1/products/0001111041700", json=body)
    client = make_client()

    product = client.get_product("0001111041700", location_id="01400943")
    client.get_product("0001111041700", location_id="01400943")

    calls = calls_to(http, "/v1/products/0001111041700")
    assert len(calls) == 1
    assert query(calls[0]) == {"filter.locationId": "01400943"}
    assert product.on_sale


def test_unknown_product_is_not_found(http):
    add_token(http)
    http.add(responses.GET, f"{BASE}/v1/products/0000000000000", status=404, json={})

    with pytest.raises(KrogerNotFound):
        make_client().get_product("0000000000000")


def test_get_products_batches_fifty_ids_per_call_and_keeps_order(http):
    add_token(http)
    ids = [f"{n:013d}" for n in range(1, 121)]
    template = payload("product_search.json")["data"][1]

    def answer(request):
        asked = query_of(request)["filter.productId"].split(",")
        # Kroger returns in its own order: reverse to prove we restore ours.
        data = [{**template, "productId": pid, "upc": pid} for pid in reversed(asked) if pid != ids[5]]
        return 200, {}, json.dumps({"data": data, "meta": {}})

    http.add_callback(responses.GET, f"{BASE}/v1/products", callback=answer)

    found = make_client().get_products(ids + ids[:3], location_id="01400943")

    calls = calls_to(http, "/v1/products")
    assert [len(query(c)["filter.productId"].split(",")) for c in calls] == [50, 50, 20]
    assert [query(c)["filter.limit"] for c in calls] == ["50", "50", "20"]
    assert {query(c)["filter.locationId"] for c in calls} == {"01400943"}
    assert [p.product_id for p in found] == [pid for pid in ids if pid != ids[5]]


def query_of(request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}


def test_get_products_reuses_products_already_fetched(http):
    add_token(http)
    body = {"data": payload("product_search.json")["data"][0], "meta": {}}
    http.add(responses.GET, f"{BASE}/v1/products/0001111041700", json=body)
    http.add(responses.GET, f"{BASE}/v1/products", json={"data": [], "meta": {}})
    client = make_client()
    client.get_product("0001111041700", location_id="01400943")

    found = client.get_products(["0001111041700"], location_id="01400943")

    assert [p.product_id for p in found] == ["0001111041700"]
    assert calls_to(http, "/v1/products") == []


def test_search_locations_near_a_zip(http):
    add_token(http)
    http.add(responses.GET, f"{BASE}/v1/locations", json=payload("locations_search.json"))
    client = make_client()

    stores = client.search_locations(zip_code="45202", radius_miles=25, limit=3, chain="Kroger")
    again = client.search_locations(zip_code="45202", radius_miles=25, limit=3, chain="Kroger")

    [call] = calls_to(http, "/v1/locations")
    assert query(call) == {
        "filter.zipCode.near": "45202",
        "filter.radiusInMiles": "25",
        "filter.limit": "3",
        "filter.chain": "Kroger",
    }
    assert [s.location_id for s in stores] == ["01400943", "01400376"]  # the id-less one is skipped
    assert again == stores


def test_stores_found_by_search_need_no_second_lookup(http):
    add_token(http)
    http.add(responses.GET, f"{BASE}/v1/locations", json=payload("locations_search.json"))
    client = make_client()
    client.search_locations(zip_code="45202")

    store = client.get_location("01400943")

    assert store.address == "1 Main St, Cincinnati, OH 45202"
    assert client.location_exists("01400943") is True
    assert len(http.calls) == 2  # token + one search


def test_get_location_by_id(http):
    add_token(http)
    http.add(responses.GET, f"{BASE}/v1/locations/62000005", json=payload("location.json"))

    assert make_client().get_location("62000005").name == "King Soopers - MAYFAIR"


def test_location_exists_uses_head(http):
    add_token(http)
    http.add(responses.HEAD, f"{BASE}/v1/locations/01400943", status=204)
    http.add(responses.HEAD, f"{BASE}/v1/locations/99999999", status=404)
    http.add(responses.HEAD, f"{BASE}/v1/locations/123", status=400)
    client = make_client()

    assert client.location_exists("01400943") is True
    assert client.location_exists("99999999") is False
    assert client.location_exists("123") is False
    assert client.location_exists("01400943") is True  # cached
    assert len(calls_to(http, "/v1/locations/01400943")) == 1


def test_ids_are_escaped_in_paths(http):
    add_token(http)
    http.add(responses.HEAD, f"{BASE}/v1/locations/..%2Fcart", status=404)

    assert make_client().location_exists("../cart") is False


def test_profile_uses_the_shoppers_token(http):
    http.add(responses.GET, f"{BASE}/v1/identity/profile", json={"data": {"id": "prof-1"}, "meta": {}})

    profile = make_client().get_profile(token="user-token-1")

    assert profile.id == "prof-1"
    assert http.calls[0].request.headers["Authorization"] == "Bearer user-token-1"
    assert calls_to(http, "/v1/connect/oauth2/token") == []


def test_add_to_cart_puts_items_with_modality_and_accepts_204_without_a_body(http):
    http.add(responses.PUT, f"{BASE}/v1/cart/add", status=204, body=b"")

    result = make_client().add_to_cart(
        token="user-token-1",
        items=[CartItem(upc="0001111041700", quantity=2), {"upc": "0001111060903", "modality": "delivery"}],
    )

    assert result is None
    [call] = http.calls
    assert call.request.headers["Authorization"] == "Bearer user-token-1"
    assert json.loads(call.request.body) == {
        "items": [
            {"upc": "0001111041700", "quantity": 2, "modality": "PICKUP"},
            {"upc": "0001111060903", "quantity": 1, "modality": "DELIVERY"},
        ]
    }


def test_add_to_cart_with_nothing_is_refused_without_calling(http):
    with pytest.raises(KrogerBadRequest):
        make_client().add_to_cart(token="user-token-1", items=[])

    assert len(http.calls) == 0


def test_add_to_cart_never_parses_the_answer(http):
    http.add(
        responses.PUT, f"{BASE}/v1/cart/add", status=200, body=b"OK, not JSON", content_type="text/plain"
    )

    assert make_client().add_to_cart(token="user-token-1", items=[CartItem(upc="0001111041700")]) is None
