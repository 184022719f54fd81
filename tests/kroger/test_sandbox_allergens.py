"""The sandbox serves catalogue.txt's allergens and ingredients, and stock.txt's pinned levels."""

import shutil

import pytest
from django.test import Client

from kroger import Allergen
from kroger.gateway import get_client
from kroger.sandbox import catalogue, store

BASE = "/sandbox/kroger/v1"
HOME = "01400943"
OTHER = "70100138"
LEVELS = {"Contains": "contains", "May contain": "may_contain", "Free from": "free_from"}


def annotated() -> list[catalogue.Product]:
    products = [product for product in catalogue.all_products() if product.allergens]
    assert products, "catalogue.txt has no product with allergens"
    return products


def with_ingredients() -> list[catalogue.Product]:
    return [product for product in catalogue.all_products() if product.ingredients]


def get_product(upc: str, location_id: str | None = None) -> dict:
    token = store.issue_access_token(
        client_id="tests", scopes=frozenset({"product.compact"}), profile_id=None, lifetime=1800
    )
    query = {"filter.locationId": location_id} if location_id else {}
    response = Client().get(f"{BASE}/products/{upc}", query, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.json()["data"]


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    """A copy of the sandbox data directory the test may write stock.txt or catalogue.txt into."""
    shutil.copy(catalogue.DATA_DIR / "catalogue.txt", tmp_path / "catalogue.txt")
    monkeypatch.setattr(catalogue, "DATA_DIR", tmp_path)
    caches = (catalogue.all_products, catalogue.products_by_upc, catalogue.pinned_stock)
    for cached in caches:
        cached.cache_clear()
    yield tmp_path
    monkeypatch.undo()
    for cached in caches:
        cached.cache_clear()


# --- catalogue.txt's 7th and 8th fields ------------------------------------------------------


def test_annotated_peanut_butter_line_is_parsed():
    jif = [p for p in catalogue.all_products() if p.description == "Jif Creamy Peanut Butter"]

    assert [p.size for p in jif] == ["16 oz", "40 oz"]
    for product in jif:
        assert ("Contains", "Peanuts") in product.allergens
        assert product.ingredients.startswith("Roasted peanuts, sugar")


def test_allergen_groups_are_split_by_level_case_insensitively():
    assert catalogue.parse_allergens("Contains: Milk, Wheat, Soy; may CONTAIN: Tree Nuts, Peanuts") == (
        ("Contains", "Milk"),
        ("Contains", "Wheat"),
        ("Contains", "Soy"),
        ("May contain", "Tree Nuts"),
        ("May contain", "Peanuts"),
    )
    assert catalogue.parse_allergens("FREE FROM: Gluten;") == (("Free from", "Gluten"),)
    assert catalogue.parse_allergens("") == ()


@pytest.mark.parametrize("bad", ["Milk, Wheat", "Contain: Milk", "Traces: Peanuts"])
def test_an_allergen_group_without_a_known_level_is_an_error(bad):
    with pytest.raises(ValueError, match="Contains:, May contain:, Free from:"):
        catalogue.parse_allergens(bad)


def test_allergens_and_ingredients_are_not_search_words(data_dir):
    (data_dir / "catalogue.txt").write_text(
        "## pantry | Pantry | Ambient | Aisle 3 | 3\n"
        "jar | Acme | Acme Sunflower Spread | 16 oz@3.99 | 5 | seed butter"
        " | May contain: Sesame | Sunflower seeds, cane sugar (organic), salt\n"
        "jar | Acme | Acme Plain Spread | 16 oz@2.99 | 5\n"
    )

    spread, plain = catalogue.all_products()
    assert spread.allergens == (("May contain", "Sesame"),)
    assert spread.ingredients == "Sunflower seeds, cane sugar (organic), salt"
    assert {"seed", "butter"} <= spread.words
    assert catalogue.search(term="sesame") == []
    assert catalogue.search(term="cane sugar") == []
    assert (plain.allergens, plain.ingredients) == ((), "")


def test_a_line_with_too_many_fields_is_an_error(data_dir):
    (data_dir / "catalogue.txt").write_text(
        "## pantry | Pantry | Ambient | Aisle 3 | 3\njar | Acme | Acme Spread | 16 oz@3.99 | 5 | | | | oops\n"
    )

    with pytest.raises(ValueError, match="5 to 8 fields"):
        catalogue.all_products()


# --- The payload --------------------------------------------------------------------------------


def test_product_payload_carries_allergens_and_their_description():
    for product in annotated():
        data = get_product(product.upc)

        assert data["allergens"] == [
            {"levelOfContainmentName": level, "name": name} for level, name in product.allergens
        ]
        description = data["allergensDescription"]
        assert description.endswith(".")
        for level, name in product.allergens:
            assert f"{level}:" in description and name in description


def test_description_groups_names_by_level(data_dir):
    (data_dir / "catalogue.txt").write_text(
        "## pantry | Pantry | Ambient | Aisle 3 | 3\n"
        "cereal | Acme | Acme Nut Clusters | 12 oz@3.99 | 5 | "
        "| Contains: Milk, Wheat; May contain: Tree Nuts |\n"
    )
    (product,) = catalogue.all_products()

    data = get_product(product.upc)

    assert data["allergensDescription"] == "Contains: Milk, Wheat. May contain: Tree Nuts."
    assert "nutritionInformation" not in data  # no ingredient statement on that line


def test_ingredient_statement_comes_as_an_array_of_one_or_a_bare_object():
    shapes = set()
    for product in with_ingredients():
        nutrition = get_product(product.upc)["nutritionInformation"]
        if isinstance(nutrition, list):
            assert len(nutrition) == 1
            nutrition = nutrition[0]
            shapes.add("array")
        else:
            shapes.add("object")
        assert nutrition == {"ingredientStatement": product.ingredients}
    assert shapes == {"array", "object"}  # the two Jif sizes alone get one shape each


def test_the_shape_of_a_product_is_the_same_on_every_request():
    upc = next(p.upc for p in with_ingredients() if catalogue.is_carried(p, HOME))

    assert get_product(upc)["nutritionInformation"] == get_product(upc, HOME)["nutritionInformation"]


def test_products_without_data_have_no_allergen_or_nutrition_keys():
    plain = next(p for p in catalogue.all_products() if not (p.allergens or p.ingredients))

    data = get_product(plain.upc, HOME)

    assert not {"allergens", "allergensDescription", "nutritionInformation"} & set(data)


# --- Through our client ---------------------------------------------------------------------


def test_client_parses_allergens_and_ingredients_from_the_sandbox(kroger_sandbox):
    for expected in annotated():
        product = get_client().get_product(expected.upc)

        assert product.allergens == tuple(
            Allergen(name=name, level=LEVELS[level]) for level, name in expected.allergens
        )
        assert product.ingredients == expected.ingredients
        assert product.allergens_description.startswith(f"{expected.allergens[0][0]}:")


def test_search_results_carry_allergens_and_drift_mode_still_parses(kroger_sandbox):
    expected = {p.upc: p for p in catalogue.all_products() if p.description == "Jif Creamy Peanut Butter"}

    def jif(page):
        return [p for p in page.products if p.product_id in expected]

    plain = jif(get_client().search_products(term="peanut butter", location_id=HOME, limit=50))
    kroger_sandbox.set_drift(True)
    drifted = jif(get_client().search_products(term="creamy peanut butter", location_id=HOME, limit=50))

    assert plain and drifted
    for product in plain + drifted:
        want = expected[product.product_id]
        assert product.allergens == tuple(
            Allergen(name=n, level=LEVELS[level]) for level, n in want.allergens
        )
        assert product.ingredients == want.ingredients


# --- stock.txt ----------------------------------------------------------------------------------


def test_the_shipped_stock_file_parses():
    catalogue.pinned_stock.cache_clear()
    assert isinstance(catalogue.pinned_stock(), dict)


def test_pinned_stock_overrides_the_roll_at_that_store_or_everywhere(data_dir):
    milk, eggs = "0001111041700", next(p.upc for p in catalogue.all_products() if p.kind == "eggs")
    (data_dir / "stock.txt").write_text(
        "# header comment\n"
        "\n"
        f"{milk} | {HOME} | TEMPORARILY_OUT_OF_STOCK\n"
        f"{milk} | * | low\n"
        f"{eggs} | * | HIGH\n"
    )
    by_upc = catalogue.products_by_upc()

    assert catalogue.stock_level(by_upc[milk], HOME) == "TEMPORARILY_OUT_OF_STOCK"  # the store's own line
    assert catalogue.stock_level(by_upc[milk], OTHER) == "LOW"
    assert get_product(milk, HOME)["items"][0]["inventory"] == {"stockLevel": "TEMPORARILY_OUT_OF_STOCK"}
    assert get_product(milk, OTHER)["items"][0]["inventory"] == {"stockLevel": "LOW"}
    for location_id in (HOME, OTHER, "01400376"):
        assert catalogue.stock_level(by_upc[eggs], location_id) == "HIGH"


def test_a_pinned_product_is_carried_at_its_store(data_dir):
    niche = next(
        (p, location)
        for p in catalogue.all_products()
        for location in (HOME, OTHER, "01400376", "62000005")
        if not catalogue.is_carried(p, location)
    )
    product, location_id = niche
    (data_dir / "stock.txt").write_text(f"{product.upc} | {location_id} | LOW\n")
    catalogue.pinned_stock.cache_clear()

    assert catalogue.is_carried(product, location_id)
    assert get_product(product.upc, location_id)["items"][0]["inventory"] == {"stockLevel": "LOW"}


def test_without_a_stock_file_the_rolled_levels_apply(data_dir):
    levels = {catalogue.stock_level(p, HOME) for p in catalogue.all_products()}

    assert {"HIGH", "LOW", "TEMPORARILY_OUT_OF_STOCK", None} <= levels


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("0009999999999 | * | LOW", "no product '0009999999999'"),
        ("0001111041700 | 0140 | LOW", "a location ID has 8 characters"),
        ("0001111041700 | * | GONE", "level must be one of"),
        ("0001111041700 | LOW", "want UPC"),
    ],
)
def test_a_bad_stock_line_is_an_error_naming_the_line(data_dir, line, message):
    (data_dir / "stock.txt").write_text(f"# pinned\n{line}\n")

    with pytest.raises(ValueError, match=f"stock.txt line 2: {message}"):
        catalogue.pinned_stock()
