"""The client end to end through the bundled sandbox (real request/response code paths)."""

import pytest

from kroger import CartItem, KrogerBadRequest, KrogerNotFound, KrogerUnavailable
from kroger.gateway import get_client
from tests.helpers import SAM


def test_search_milk_at_a_cincinnati_store_returns_priced_products(kroger_sandbox):
    page = get_client().search_products(term="milk", location_id="01400943", limit=10)

    assert page.products
    assert page.total >= len(page.products)
    assert all(product.price is not None for product in page.products)
    assert any("milk" in product.description.lower() for product in page.products)


def test_search_without_a_store_has_no_prices(kroger_sandbox):
    page = get_client().search_products(term="milk")

    assert page.products
    assert all(product.price is None for product in page.products)


def test_store_lookup_and_existence(kroger_sandbox):
    client = get_client()

    stores = client.search_locations(zip_code="45202")

    assert "01400943" in [store.location_id for store in stores]
    assert client.get_location("01400943").city
    assert client.location_exists("01400376") is True
    assert client.location_exists("01409999") is False


def test_product_details_and_batch_lookup(kroger_sandbox):
    client = get_client()
    found = client.search_products(term="eggs", location_id="01400943", limit=5).products

    one = client.get_product(found[0].product_id, location_id="01400943")
    batch = client.get_products([p.product_id for p in found], location_id="01400943")

    assert one.product_id == found[0].product_id
    assert [p.product_id for p in batch] == [p.product_id for p in found]
    with pytest.raises(KrogerNotFound):
        client.get_product("0000000000001", location_id="01400943")


def test_invalid_filter_is_a_bad_request_with_krogers_reason(kroger_sandbox):
    with pytest.raises(KrogerBadRequest) as caught:
        get_client().search_products(term="milk", location_id="123")

    assert "locationId" in caught.value.message


def test_drifted_payloads_parse_the_same(kroger_sandbox):
    plain = get_client().search_products(term="milk", location_id="01400943", limit=5)
    kroger_sandbox.set_drift(True)

    drifted = get_client().search_products(term="bread", location_id="01400943", limit=5)

    assert any(product.fulfillment["in_store"] for product in plain.products)
    assert any(product.fulfillment["in_store"] for product in drifted.products)
    # `default` marks the front image; the back one, listed first, must not be picked.
    assert all("/back" not in product.image_url() for product in drifted.products)


def test_unwrapped_bad_request_still_carries_the_reason(kroger_sandbox):
    kroger_sandbox.set_drift(True)

    with pytest.raises(KrogerBadRequest) as caught:
        get_client().search_products(term="milk", location_id="123")

    assert "locationId" in caught.value.message


def test_failing_sandbox_is_unavailable(kroger_sandbox, settings):
    settings.KROGER_MAX_RETRIES = 0
    kroger_sandbox.set_fault("products", error_rate=1.0, status=503)

    with pytest.raises(KrogerUnavailable):
        get_client().search_products(term="milk", location_id="01400943")


def test_add_to_cart_lands_in_the_shoppers_sandbox_cart(kroger_sandbox, settings):
    profile_id = SAM
    token = kroger_sandbox.issue_access_token(
        client_id=settings.KROGER_CLIENT_ID,
        scopes=frozenset({"cart.basic:write", "profile.compact"}),
        profile_id=profile_id,
        lifetime=1800,
    )
    client = get_client()
    milk = client.search_products(term="milk", location_id="01400943", limit=1).products[0]

    client.add_to_cart(token=token, items=[CartItem(upc=milk.upc, quantity=2)])

    assert client.get_profile(token=token).id == profile_id
    assert kroger_sandbox.cart_for(profile_id) == [{"upc": milk.upc, "quantity": 2, "modality": "PICKUP"}]
