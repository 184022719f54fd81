"""Parsing allergens, allergensDescription and nutritionInformation (kroger-api.md §5.3, §9 item 3).

The payloads are the sandbox's captured product shape with the spec v1.3.0 fields added as
Kroger sends them, including `nutritionInformation` as an object *or* an array.
"""

import json
from pathlib import Path

import pytest

from kroger import Allergen, Product, ProductPage

SANDBOX_PAYLOADS = Path(__file__).resolve().parents[2] / "kroger" / "sandbox" / "data" / "payloads"
STATEMENT = "Whole grain oats, sugar, corn syrup, wheat flour, almonds (roasted in soybean oil), salt."


def captured(**extra) -> dict:
    """The captured product-detail shape, plus the given top-level keys."""
    data = json.loads((SANDBOX_PAYLOADS / "product_detail.json").read_text())["data"]
    for key in ("allergens", "allergensDescription", "nutritionInformation"):
        data.pop(key, None)  # the captured milk now carries them: start from the plain shape
    return {**data, **extra}


def test_allergens_are_parsed_with_normalised_levels_in_krogers_order():
    product = Product.from_api(
        captured(
            allergens=[
                {"levelOfContainmentName": "Contains", "name": "Wheat"},
                {"levelOfContainmentName": "Contains", "name": "Tree Nuts"},
                {"levelOfContainmentName": "May Contain", "name": "Peanuts"},
                {"levelOfContainmentName": "Free From", "name": "Milk"},
            ],
            allergensDescription="Contains: Wheat, Tree Nuts. May contain: Peanuts.",
        )
    )

    assert product.allergens == (
        Allergen(name="Wheat", level="contains"),
        Allergen(name="Tree Nuts", level="contains"),
        Allergen(name="Peanuts", level="may_contain"),
        Allergen(name="Milk", level="free_from"),
    )
    assert product.allergens_description == "Contains: Wheat, Tree Nuts. May contain: Peanuts."


@pytest.mark.parametrize(
    ("spelling", "level"),
    [
        ("CONTAINS", "contains"),
        ("may contain", "may_contain"),
        ("  May   Contain ", "may_contain"),
        ("MAY_CONTAIN", "may_contain"),
        ("free-from", "free_from"),
        ("Produced In A Facility With", "produced_in_a_facility_with"),
        ("", ""),
        (None, ""),
        (3, "3"),
    ],
)
def test_unknown_or_oddly_spelled_levels_become_snake_case(spelling, level):
    product = Product.from_api(captured(allergens=[{"levelOfContainmentName": spelling, "name": "Soy"}]))

    assert product.allergens == (Allergen(name="Soy", level=level),)


def test_level_key_case_drift_is_tolerated_and_repeats_are_dropped():
    product = Product.from_api(
        captured(
            allergens=[
                {"levelofcontainmentname": "Contains", "name": "Egg"},
                {"levelOfContainmentName": "Contains", "name": "Egg"},
            ]
        )
    )

    assert product.allergens == (Allergen(name="Egg", level="contains"),)


def test_ingredient_statement_from_an_array_of_one_object():
    product = Product.from_api(
        captured(nutritionInformation=[{"ingredientStatement": STATEMENT, "servingSize": {"quantity": 1}}])
    )

    assert product.ingredients == STATEMENT


def test_ingredient_statement_from_a_bare_object():
    product = Product.from_api(captured(nutritionInformation={"ingredientStatement": f"  {STATEMENT}\n"}))

    assert product.ingredients == STATEMENT


def test_first_non_empty_statement_of_an_array_wins():
    product = Product.from_api(
        captured(
            nutritionInformation=[
                {"servingSize": {}},
                {"ingredientStatement": ""},
                {"ingredientStatement": "Water."},
            ]
        )
    )

    assert product.ingredients == "Water."


def test_products_without_the_new_fields_have_none():
    product = Product.from_api(captured())

    assert product.allergens == ()
    assert product.allergens_description == ""
    assert product.ingredients == ""


@pytest.mark.parametrize(
    "odd",
    [
        {"allergens": "Contains: Milk"},
        {"allergens": {"name": "Milk"}},
        {"allergens": [None, 7, "Milk", [], {"levelOfContainmentName": "Contains"}, {"name": ""}]},
        {"allergens": [{"name": {"en": "Milk"}, "levelOfContainmentName": "Contains"}]},
        {"allergensDescription": ["Contains: Milk."]},
        {"allergensDescription": None},
        {"nutritionInformation": "Milk, salt"},
        {"nutritionInformation": None},
        {"nutritionInformation": 12},
        {"nutritionInformation": []},
        {"nutritionInformation": [None, "x", 3, []]},
        {"nutritionInformation": {"ingredientStatement": None}},
        {"nutritionInformation": {"ingredientStatement": ["Milk"]}},
        {"nutritionInformation": [{"ingredientStatement": {"text": "Milk"}}]},
    ],
)
def test_odd_shapes_never_raise_and_read_as_no_data(odd):
    product = Product.from_api(captured(**odd))

    assert product.allergens == ()
    assert product.allergens_description == ""
    assert product.ingredients == ""
    assert product.description == "Kroger® 2% Reduced Fat Milk"  # the rest still parses


def test_a_page_mixing_both_nutrition_shapes_parses_every_product():
    base = captured()
    page = ProductPage.from_api(
        {
            "data": [
                {**base, "productId": "0000000000001", "nutritionInformation": {"ingredientStatement": "A."}},
                {
                    **base,
                    "productId": "0000000000002",
                    "nutritionInformation": [{"ingredientStatement": "B."}],
                },
                {**base, "productId": "0000000000003", "nutritionInformation": "garbage"},
            ],
            "meta": {"pagination": {"start": 0, "limit": 3, "total": 3}},
        }
    )

    assert [p.ingredients for p in page.products] == ["A.", "B.", ""]
