"""Parsing real-shaped Kroger payloads, including every drift listed in kroger-api.md §5.3/§9."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from kroger import Location, PayloadError, Product, ProductPage, Profile, TokenGrant

from .kroger_fakes import payload

SANDBOX_PAYLOADS = Path(__file__).resolve().parents[2] / "kroger" / "sandbox" / "data" / "payloads"


def products(name: str) -> dict[str, Product]:
    page = ProductPage.from_api(payload(name))
    return {product.product_id: product for product in page.products}


# --- Products: the documented shape ------------------------------------------------------


def test_search_page_reads_pagination_and_every_product():
    page = ProductPage.from_api(payload("product_search.json"))

    assert (page.total, page.start, page.limit) == (388, 0, 2)
    assert [p.product_id for p in page.products] == ["0001111041700", "0001111042908"]


def test_product_on_promotion_is_on_sale_at_the_promo_price():
    milk = products("product_search.json")["0001111041700"]

    assert milk.regular_price == Decimal("3.49")
    assert milk.promo_price == Decimal("2.99")
    assert milk.on_sale is True
    assert milk.price == Decimal("2.99")


def test_promo_zero_means_no_sale():
    organic = products("product_search.json")["0001111042908"]

    assert organic.on_sale is False
    assert organic.promo_price is None
    assert organic.price == Decimal("4.99")


def test_catalogue_and_store_fields_are_parsed():
    milk = products("product_search.json")["0001111041700"]

    assert milk.upc == "0001111041700"
    assert milk.brand == "Kroger"
    assert milk.description == "Kroger 2% Reduced Fat Milk"
    assert milk.size == "1 gal"
    assert milk.sold_by == "UNIT"
    assert milk.categories == ("Dairy",)
    assert milk.stock_level == "HIGH"
    assert milk.in_stock is True
    assert milk.fulfillment == {"curbside": True, "delivery": True, "in_store": True, "ship_to_home": False}
    assert milk.aisle == "Aisle 35"
    assert milk.temperature == "Refrigerated"
    assert milk.page_url == (
        "https://www.kroger.com/p/kroger-2-reduced-fat-milk/0001111041700"
        "?cid=dis.api.tpi_products-api_20240521_b:all_c:p_t:myapp"
    )


def test_featured_image_sizes_are_used_and_missing_sizes_fall_back():
    milk = products("product_search.json")["0001111041700"]

    assert milk.images["medium"] == "https://www.kroger.com/product/images/medium/front/0001111041700"
    assert milk.image_url() == milk.images["medium"]
    assert milk.image_url("large") == milk.images["medium"]  # no large: the next best size
    assert milk.image_url("thumbnail").endswith("/thumbnail/front/0001111041700")


def test_product_without_images_has_no_image_url():
    assert products("product_search.json")["0001111042908"].image_url() is None


def test_without_a_store_there_is_no_price_stock_or_aisle():
    milk = products("product_search_no_location.json")["0001111041700"]

    assert milk.description == "Kroger 2% Reduced Fat Milk"
    assert milk.price is None
    assert milk.regular_price is None
    assert milk.on_sale is False
    assert milk.stock_level is None
    assert milk.in_stock is None
    assert milk.aisle is None
    assert milk.fulfillment == {}  # unknown without a store, not "not available"


# --- Products: drift -------------------------------------------------------------------


def test_lowercase_fulfillment_keys_are_understood():
    banana = products("product_drift.json")["0000000004011"]

    assert banana.fulfillment == {"curbside": True, "delivery": False, "in_store": True, "ship_to_home": True}


def test_fulfillment_keys_in_any_case_and_string_booleans():
    eggs = products("product_drift.json")["0001111060903"]

    assert eggs.fulfillment == {"curbside": True, "delivery": False, "in_store": True, "ship_to_home": False}


def test_spec_default_image_is_used_like_featured():
    banana = products("product_drift.json")["0000000004011"]

    assert banana.images == {
        "large": "https://www.kroger.com/product/images/large/front/0000000004011",
        "small": "https://www.kroger.com/product/images/small/front/0000000004011",
    }
    assert banana.image_url("medium").endswith("/large/front/0000000004011")


def test_front_image_is_used_when_none_is_flagged():
    eggs = products("product_drift.json")["0001111060903"]

    assert eggs.image_url() == "https://www.kroger.com/product/images/thumbnail/front/0001111060903"


def test_sold_by_is_upper_cased_whatever_kroger_sends():
    drift = products("product_drift.json")

    assert drift["0000000004011"].sold_by == "WEIGHT"
    assert drift["0001111060903"].sold_by == "UNIT"


def test_missing_brand_duplicate_categories_and_sparse_aisle():
    banana = products("product_drift.json")["0000000004011"]

    assert banana.brand == ""
    assert banana.categories == ("Produce",)
    assert banana.aisle == "Produce"
    assert banana.stock_level is None  # inventory omitted when unknown


def test_prices_become_cents_and_promo_above_regular_is_not_a_sale():
    eggs = products("product_drift.json")["0001111060903"]

    assert eggs.regular_price == Decimal("3.00")  # "2.999" as a string, rounded to cents
    assert eggs.promo_price == Decimal("3.49")
    assert eggs.on_sale is False
    assert eggs.price == Decimal("3.00")
    assert eggs.in_stock is False


def test_date_time_and_date_effective_dates_and_both_nutrition_shapes_parse():
    # Both products carry the odd shapes; parsing them at all is the point.
    assert len(products("product_drift.json")) == 2


def test_product_without_any_id_is_rejected_and_skipped_in_a_page():
    with pytest.raises(PayloadError):
        Product.from_api({"description": "Mystery"})
    body = {"data": [{"description": "Mystery"}, "junk", payload("product_search.json")["data"][0]]}

    assert [p.product_id for p in ProductPage.from_api(body).products] == ["0001111041700"]


def test_page_without_a_data_list_is_rejected():
    with pytest.raises(PayloadError):
        ProductPage.from_api({"data": {"productId": "0001111041700"}})


# --- Locations -------------------------------------------------------------------------


def test_location_is_parsed_with_address_hours_and_departments():
    store = Location.from_api(payload("location.json")["data"])

    assert store.location_id == "62000005"
    assert store.chain == "KINGSOOPERS"
    assert store.name == "King Soopers - MAYFAIR"
    assert store.phone == "3033991086"
    assert store.address == "1355 Krameria St, Denver, CO 80220"
    assert (store.latitude, store.longitude) == (39.7376325, -104.9176554)
    assert store.open24 is False
    assert store.hours["monday"].open == "06:00"
    assert store.hours["sunday"].close == "23:00"
    assert len(store.hours) == 7
    assert store.timezone == "America/Denver"
    assert [d.department_id for d in store.departments] == ["01", "0K", "09", "94"]
    assert store.departments[2].name == "Pharmacy"


def test_spec_spelling_open24_and_minute_times_are_understood():
    data = payload("locations_search.json")["data"][0]
    store = Location.from_api(data)

    assert store.open24 is True
    assert store.hours["monday"].open24 is True
    assert store.hours["sunday"].open24 is False
    assert (store.hours["sunday"].open, store.hours["sunday"].close) == ("06:00", "23:00")
    assert store.address == "1 Main St, Cincinnati, OH 45202"


def test_sparse_location_parses_and_chain_is_upper_cased():
    store = Location.from_api(payload("locations_search.json")["data"][2])

    assert store.chain == "KROGER"
    assert store.address == ""
    assert store.latitude is None
    assert store.hours == {}


def test_location_without_id_is_rejected():
    with pytest.raises(PayloadError):
        Location.from_api({"storeNumber": "00001"})


# --- Identity and tokens ----------------------------------------------------------------


def test_profile_and_token_grant_parse():
    assert Profile.from_api({"id": "53990804-cfd1-43f3-8256-bdc9817a4fd0"}).id == (
        "53990804-cfd1-43f3-8256-bdc9817a4fd0"
    )
    grant = TokenGrant.from_api({"access_token": "abc", "token_type": "bearer", "expires_in": 1800})
    assert (grant.access_token, grant.expires_in, grant.refresh_token) == ("abc", 1800, None)


def test_token_grant_repr_never_shows_tokens():
    grant = TokenGrant.from_api({"access_token": "tok-123", "refresh_token": "ref-456", "expires_in": 1800})

    assert "tok-123" not in repr(grant)
    assert "ref-456" not in repr(grant)


# --- Drift control: the very files the sandbox serves -----------------------------------


def sandbox_payload(name: str) -> dict:
    path = SANDBOX_PAYLOADS / name
    if not path.exists():
        pytest.skip(f"the sandbox has not published {name} yet")
    return json.loads(path.read_text())


def test_sandbox_search_payload_parses_with_prices():
    page = ProductPage.from_api(sandbox_payload("product_search.json"))

    assert page.products
    assert all(p.product_id and p.description and p.price is not None for p in page.products)
    assert all(p.fulfillment for p in page.products)


def test_sandbox_search_without_a_store_parses_without_prices():
    page = ProductPage.from_api(sandbox_payload("product_search_no_location.json"))

    assert page.products
    assert all(p.price is None and p.fulfillment == {} for p in page.products)


def test_sandbox_drifted_products_parse_exactly_like_the_plain_ones():
    plain = ProductPage.from_api(sandbox_payload("product_search.json")).products
    drifted = ProductPage.from_api(sandbox_payload("product_drift.json")).products

    assert drifted == plain


def test_sandbox_product_detail_parses():
    product = Product.from_api(sandbox_payload("product_detail.json")["data"])

    assert product.product_id and product.description
    assert product.image_url()


def test_sandbox_drifted_location_parses_exactly_like_the_plain_one():
    plain = Location.from_api(sandbox_payload("location.json")["data"])
    drifted = Location.from_api(sandbox_payload("location_drift.json")["data"])

    assert drifted == plain
    assert len(plain.hours) == 7
    assert plain.address


def test_sandbox_location_search_parses():
    stores = [Location.from_api(item) for item in sandbox_payload("locations_search.json")["data"]]

    assert stores
    assert all(store.location_id and store.name and store.address for store in stores)
