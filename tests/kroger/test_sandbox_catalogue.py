"""Sandbox Products and Locations APIs: Kroger's filters, validation, shapes (kroger-api.md §5, §6)."""

from xml.dom import minidom

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from kroger.sandbox import catalogue, locations, store

BASE = "/sandbox/kroger/v1"
HOME = "01400943"
MUST_FIND = {
    "milk": "milk",
    "eggs": "eggs",
    "bananas": "banana",
    "ground beef": "beef",
    "bread": "bread",
    "butter": "butter",
    "coffee": "coffee",
    "chicken breast": "chicken",
    "apples": "apple",
    "cheddar cheese": "cheese",
    "yogurt": "yogurt",
    "rice": "rice",
    "pasta": "pasta",
    "orange juice": "juice",
    "paper towels": "paper-towels",
    "cereal": "cereal",
    "tomatoes": "tomato",
    "onions": "onion",
    "potatoes": "potato",
    "bacon": "bacon",
}


def token(scopes=("product.compact",)) -> str:
    return store.issue_access_token(
        client_id="tests", scopes=frozenset(scopes), profile_id=None, lifetime=1800
    )


def get(path: str, params: dict | None = None, scopes=("product.compact",)):
    return Client().get(f"{BASE}{path}", params or {}, headers={"Authorization": f"Bearer {token(scopes)}"})


def search(**params):
    return get("/products", {f"filter.{key}": value for key, value in params.items()})


def reason(response) -> str:
    assert response.status_code == 400
    return response.json()["errors"]["reason"]


# --- Catalogue ----------------------------------------------------------------------------


def test_catalogue_covers_every_aisle_and_the_store_brands():
    products = catalogue.all_products()

    assert len(products) >= 300
    aisles = {category for product in products for category in product.categories}
    for aisle in ("Produce", "Dairy", "Eggs", "Meat & Seafood", "Bakery", "Frozen", "Snacks", "Beverages"):
        assert aisle in aisles
    assert {"Pasta, Sauces, Grain", "Canned & Packaged", "Paper Products"} <= aisles  # pantry, household
    brands = {product.brand for product in products}
    assert {"Kroger", "Simple Truth", "Simple Truth Organic", "Private Selection"} <= brands
    assert {"Horizon Organic", "Vital Farms", "Tillamook", "Folgers", "Barilla", "Bounty"} <= brands
    assert all(len(product.upc) == 13 and product.upc.isdigit() for product in products)


@pytest.mark.parametrize("term", sorted(MUST_FIND))
def test_common_terms_find_that_kind_of_product_first_at_every_store(term):
    for location in locations.all_locations():
        found = [p for p in catalogue.search(term=term) if catalogue.is_carried(p, location["locationId"])]

        assert len(found) >= 2, location["locationId"]
        assert {product.kind for product in found[:2]} == {MUST_FIND[term]}, location["locationId"]


def test_milk_finds_milks_before_milk_chocolate():
    descriptions = [product["description"] for product in search(term="milk", limit=50).json()["data"]]

    chocolate = next(i for i, d in enumerate(descriptions) if "Milk Chocolate" in d)
    assert all("Milk" in d and "Chocolate" not in d for d in descriptions[:5])
    assert chocolate > 10


def test_the_last_word_of_a_search_names_the_kind_found_first():
    # As a relevance search ranks it: "cheese pizza" is pizza, before cheeses that are cheese.
    descriptions = [product["description"] for product in search(term="cheese pizza", limit=5).json()["data"]]

    assert descriptions and all("Pizza" in d for d in descriptions[:3])


def test_search_order_is_stable():
    first = search(term="cheddar cheese", locationId=HOME).json()
    assert search(term="cheddar cheese", locationId=HOME).json() == first


# --- Product search -------------------------------------------------------------------------


def test_store_fields_appear_only_with_a_location():
    with_store = search(term="eggs", locationId=HOME, limit=20).json()["data"]
    without = search(term="eggs", limit=20).json()["data"]

    for product in without:
        assert "aisleLocations" not in product
        assert set(product["items"][0]) == {"itemId", "favorite", "size", "soldBy"}
    for product in with_store:
        item = product["items"][0]
        assert {"regular", "promo"} <= set(item["price"])
        assert set(item["fulfillment"]) == {"curbside", "delivery", "inStore", "shipToHome"}
        assert product["aisleLocations"]
    assert [p["productId"] for p in with_store] == [p["productId"] for p in without]


def test_prices_differ_by_store_and_some_items_are_on_sale():
    def prices(location_id):
        data = search(term="milk", locationId=location_id, limit=20).json()["data"]
        return {p["productId"]: p["items"][0]["price"] for p in data}

    home, other = prices(HOME), prices("70100138")
    assert any(home[upc]["regular"] != other[upc]["regular"] for upc in home.keys() & other.keys())
    promos = [price["promo"] for price in home.values()]
    assert 0 in promos
    assert any(0 < price["promo"] < price["regular"] for price in home.values())


def test_stock_levels_vary_and_are_sometimes_omitted():
    items = [
        p["items"][0]
        for p in get(
            "/products", {"filter.brand": "Kroger", "filter.limit": 50, "filter.locationId": HOME}
        ).json()["data"]
    ]
    levels = {item.get("inventory", {}).get("stockLevel") for item in items}

    assert {"HIGH", "LOW", None} <= levels


def test_produce_is_sold_by_weight_with_an_aisle_and_featured_front_image():
    product = search(term="bananas", locationId=HOME).json()["data"][0]

    assert product["upc"] == "0000000004011"
    assert product["items"][0]["soldBy"] == "WEIGHT"
    assert product["aisleLocations"] == [{"description": "PRODUCE", "number": "0"}]
    featured = [image for image in product["images"] if image.get("featured")]
    assert featured[0]["perspective"] == "front"
    url = featured[0]["sizes"][0]["url"]
    assert url == "http://testserver/static/sandbox/img/banana.svg"


def test_every_product_image_is_a_bundled_well_formed_svg():
    for kind in {product.kind for product in catalogue.all_products()} | {"back"}:
        path = finders.find(f"sandbox/img/{kind}.svg")
        assert path, kind
        assert minidom.parse(path).documentElement.tagName == "svg"


def test_pagination_reports_start_limit_and_total():
    everything = search(term="pasta", limit=50).json()
    page = search(term="pasta", start=2, limit=3).json()

    assert page["meta"]["pagination"] == {
        "start": 2,
        "limit": 3,
        "total": everything["meta"]["pagination"]["total"],
    }
    assert page["data"] == everything["data"][2:5]


def test_brand_filter_is_case_sensitive_and_pipe_separated():
    both = search(brand="Vital Farms|Eggland's Best", limit=50).json()["data"]

    assert {p["brand"] for p in both} == {"Vital Farms", "Eggland's Best"}
    assert search(brand="vital farms").json()["data"] == []
    assert {p["brand"] for p in search(term="eggs", brand="Kroger").json()["data"]} == {"Kroger"}


def test_fulfillment_filter_keeps_only_items_offered_that_way():
    data = search(term="coffee", locationId=HOME, fulfillment="sth", limit=50).json()["data"]

    assert data
    assert all(p["items"][0]["fulfillment"]["shipToHome"] for p in data)
    assert reason(search(term="coffee", fulfillment="xyz")) == (
        "Field 'fulfillment' must be one or more of: ais, csp, dth, sth"
    )


def test_product_id_filter_returns_those_products_capped_by_limit():
    ids = [p.upc for p in catalogue.all_products()[:12]]

    default = search(productId=",".join(ids)).json()["data"]
    all_twelve = search(productId=",".join(ids), limit=12).json()["data"]

    assert len(default) == 10
    assert [p["productId"] for p in all_twelve] == ids
    assert search(productId=ids[0], term="coffee").json()["data"][0]["productId"] == ids[0]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"term": "mi"}, "Field 'term' must have a minimum length of 3 characters"),
        ({"term": "one two three four five six seven eight nine"}, "Field 'term' must have at most 8 words"),
        ({"term": "milk & eggs"}, "Field 'term' contains invalid characters"),
        ({"term": "#1 coffee"}, "Field 'term' contains invalid characters"),
        ({"term": "milk@home"}, "Field 'term' contains invalid characters"),
        ({}, "Invalid parameters: one of filter.term, filter.brand or filter.productId is required"),
        ({"term": "milk", "limit": "51"}, "Field 'limit' must be a number between 1 and 50 (inclusive)"),
        ({"term": "milk", "limit": "0"}, "Field 'limit' must be a number between 1 and 50 (inclusive)"),
        ({"term": "milk", "limit": "ten"}, "Field 'limit' must be a number between 1 and 50 (inclusive)"),
        ({"term": "milk", "locationId": "0140094"}, "Field 'locationId' must have a length of 8 characters"),
        ({"term": "milk", "locationId": "99999999"}, "Field 'locationId' 99999999 is not a valid location"),
        ({"productId": "011110417008"}, "UPC must have a length of 13 characters"),
    ],
)
def test_invalid_product_searches_get_krogers_wrapped_400(params, message):
    response = search(**params)

    assert reason(response) == message
    assert response.json()["errors"]["code"] == "PRODUCT-2011-400"
    assert isinstance(response.json()["errors"]["timestamp"], int)


def test_product_search_needs_the_product_scope():
    response = get("/products", {"filter.term": "milk"}, scopes=("profile.compact",))

    assert response.status_code == 403


def test_product_detail():
    found = get("/products/0001111041700", {"filter.locationId": HOME})

    assert found.json()["data"]["description"] == "Kroger® 2% Reduced Fat Milk"
    assert found.json()["data"]["items"][0]["size"] == "1 gal"
    assert "price" not in get("/products/0001111041700").json()["data"]["items"][0]
    assert reason(get("/products/001111041700")) == "UPC must have a length of 13 characters"
    assert get("/products/0009999999999").status_code == 404
    assert get("/products/0009999999999").json() == {}


# --- Locations ------------------------------------------------------------------------------


def location_ids(response) -> list[str]:
    assert response.status_code == 200
    return [location["locationId"] for location in response.json()["data"]]


def test_zip_search_finds_nearby_stores_nearest_first_within_the_radius():
    near = location_ids(get("/locations", {"filter.zipCode.near": "45202"}))
    wider = location_ids(get("/locations", {"filter.zipCode.near": "45202", "filter.radiusInMiles": 30}))

    assert near[0] == HOME
    assert len(near) >= 3 and "01400376" in near
    assert "01400090" not in near  # Mason is ~20 miles out
    assert "01400090" in wider
    assert "62000005" not in wider


def test_location_search_honours_limit_chain_and_departments():
    query = {"filter.zipCode.near": "45202", "filter.radiusInMiles": 30}

    assert len(location_ids(get("/locations", {**query, "filter.limit": 2}))) == 2
    assert location_ids(get("/locations", {"filter.chain": "King Soopers"})) == ["62000005", "62000081"]
    assert location_ids(get("/locations", {"filter.chain": "Fred Meyer"})) == ["70100138"]
    beer = location_ids(get("/locations", {**query, "filter.department": "0K,LY"}))
    assert beer and set(beer) <= {"01400376", "01400090"}


def test_location_search_by_lat_long_and_location_ids():
    by_point = location_ids(get("/locations", {"filter.latLong.near": "39.7376,-104.9176"}))
    by_ids = location_ids(get("/locations", {"filter.locationId": "01400376,70600190"}))

    assert by_point == ["62000005"]
    assert set(by_ids) == {"01400376", "70600190"}


def test_location_objects_are_complete():
    location = get(f"/locations/{HOME}").json()["data"]

    assert location["address"]["zipCode"] == "45202" and location["address"]["city"] == "Cincinnati"
    assert location["chain"] == "KROGER"
    assert location["geolocation"]["latLng"]
    assert location["hours"]["monday"] == {"open": "06:00", "close": "23:00", "open24": False}
    assert {"departmentId": "94", "name": "Pickup"} in location["departments"]
    assert location["phone"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"filter.zipCode.near": "4520"}, "Field 'filter.zipCode.near' must 5 digits"),
        (
            {"filter.latLong.near": "99,10"},
            "Field 'filter.latLong.near' improper coordinate location, must be on Earth",
        ),
        (
            {"filter.zipCode.near": "45202", "filter.radiusInMiles": "101"},
            "Field 'filter.radiusInMiles' outside of distance limits, distance range is 1 - 100 miles.",
        ),
        (
            {"filter.zipCode.near": "45202", "filter.limit": "201"},
            "Field 'limit' must be a number between 1 and 200 (inclusive)",
        ),
        (
            {"filter.zipCode.near": "45202", "filter.department": "ZZ"},
            "Field 'filter.department' contains invalid department ID(s)",
        ),
        ({"filter.locationId": "123"}, "Field 'locationId' must have a length of 8 characters"),
    ],
)
def test_invalid_location_searches_get_krogers_messages(params, message):
    response = get("/locations", params)

    assert reason(response) == message
    assert response.json()["errors"]["code"] == "LOCATION-2011-400"


def test_any_valid_token_reads_locations_but_a_token_is_required():
    assert get("/locations/01400376", scopes=()).status_code == 200
    assert Client().get(f"{BASE}/locations/01400376").status_code == 401


def test_location_by_id_and_head():
    auth = {"Authorization": f"Bearer {token()}"}

    assert get("/locations/01400376").json()["data"]["name"] == "Kroger - Hyde Park Plaza"
    assert get("/locations/99999999").status_code == 404
    assert get("/locations/99999999").json() == {}
    assert reason(get("/locations/123")) == "Field 'locationId' must have a length of 8 characters"
    assert Client().head(f"{BASE}/locations/01400376", headers=auth).status_code == 204
    assert Client().head(f"{BASE}/locations/99999999", headers=auth).status_code == 404
    assert Client().head(f"{BASE}/locations/123", headers=auth).status_code == 400


def test_chains_and_departments():
    chains = get("/chains").json()["data"]
    kroger = get("/chains/Kroger").json()["data"]
    auth = {"Authorization": f"Bearer {token()}"}

    assert {"KROGER", "KINGSOOPERS", "RALPHS", "FRED", "SMITHS"} <= {chain["name"] for chain in chains}
    assert kroger["domain"] == "kroger.com" and "014" in kroger["divisionNumbers"]
    assert Client().head(f"{BASE}/chains/King%20Soopers", headers=auth).status_code == 204
    assert Client().head(f"{BASE}/chains/Nope", headers=auth).status_code == 404
    assert {"departmentId": "94", "name": "Pickup"} in get("/departments").json()["data"]
    assert get("/departments/0K").json()["data"]["name"] == "Full Strength Beer"
    assert get("/departments/123").json()["errors"]["code"] == "LOCATION-2119"
    assert get("/departments/ZZ").status_code == 404
