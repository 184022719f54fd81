"""Exclusions are hard filters, household-wide: never picked, never offered, always explained."""

from functools import cache

import pytest
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kroger.sandbox import catalogue
from kroger.sandbox.render import product_json
from kroger.schemas import Product
from shopping.picking import why_excluded
from shopping.picking.reading import read_guidance
from shopping.picking.scoring import pick_product
from tests.helpers import STORE

from .picking_products import product


def pick(term, candidates, *guidance):
    return pick_product(term=term, candidates=candidates, rules=read_guidance(guidance).for_term(term))


@pytest.mark.parametrize(
    ("guidance", "bad", "good"),
    [
        (
            "No peanuts — allergy",
            ("Reese's Peanut Butter Cups", "Reese's"),
            ("Hershey's Milk Chocolate Bar", "Hershey's"),
        ),
        (
            "tree nut allergy",
            ("Nature Valley Almond Granola", "Nature Valley"),
            ("Kroger® Honey Oat Granola", "Kroger"),
        ),
        (
            "we avoid pork",
            ("Johnsonville Breakfast Sausage", "Johnsonville"),
            ("Jennie-O Turkey Sausage", "Jennie-O"),
        ),
        (
            "no high-fructose corn syrup",
            ("Kroger® Ketchup with High Fructose Corn Syrup", "Kroger"),
            ("Heinz Simply Ketchup", "Heinz"),
        ),
        ("Maya is allergic to sesame", ("Everything Bagels", "Thomas'"), ("Plain Bagels", "Thomas'")),
        ("We are vegetarian", ("Swanson Chicken Broth", "Swanson"), ("Swanson Vegetable Broth", "Swanson")),
        ("we keep kosher", ("Kroger® Cooked Shrimp", "Kroger"), ("Kroger® Tilapia Fillets", "Kroger")),
    ],
)
def test_a_product_named_with_an_excluded_ingredient_is_never_picked(guidance, bad, good):
    bad_product, good_product = product(*bad, price="1.00"), product(*good, price="9.99")
    term = good_product.description.split()[-1]
    chosen = pick(term, [bad_product, good_product], guidance)
    assert chosen.product != bad_product
    assert bad_product not in chosen.alternatives
    assert why_excluded(bad_product, read_guidance([guidance]))
    assert why_excluded(good_product, read_guidance([guidance])) == ""


def test_kroger_allergen_data_counts_and_may_contain_counts_too():
    cookie = product(
        "Chocolate Chip Cookies", "Kroger", "13 oz", "2.99", allergens=(("may_contain", "Peanuts"),)
    )
    plain = product(
        "Chocolate Chip Cookies", "Chips Ahoy!", "13 oz", "3.99", allergens=(("contains", "Wheat"),)
    )
    chosen = pick("chocolate chip cookies", [cookie, plain], "no peanuts")
    assert chosen.product == plain
    assert (
        why_excluded(cookie, read_guidance(["no peanuts"]))
        == "May contain peanuts — your guidance: “no peanuts”"
    )


def test_an_ingredient_statement_counts_when_the_name_says_nothing():
    sauce = product(
        "Kroger® Barbecue Sauce",
        "Kroger",
        "18 oz",
        "1.99",
        ingredients="Tomato puree, high fructose corn syrup, vinegar",
    )
    other = product(
        "Stubb's Original Barbecue Sauce",
        "Stubb's",
        "18 oz",
        "3.99",
        ingredients="Tomato paste, sugar, vinegar",
    )
    assert pick("barbecue sauce", [sauce, other], "no HFCS").product == other


def test_free_from_labels_do_not_trip_the_name_check():
    butter = product("SunButter Peanut-Free Sunflower Butter", "SunButter", "16 oz", "4.99")
    assert why_excluded(butter, read_guidance(["no peanuts"])) == ""
    oat = product("Oatly Oat Milk", "Oatly", "64 fl oz", "4.49")
    assert why_excluded(oat, read_guidance(["no dairy"])) == ""


def test_when_every_match_is_excluded_the_line_says_so_and_offers_nothing_unsafe():
    jif = product("Jif Creamy Peanut Butter", "Jif", "16 oz", "2.99", allergens=(("contains", "Peanuts"),))
    chosen = pick("peanut butter", [jif], "No peanuts — allergy")
    assert chosen.product is None and chosen.alternatives == ()
    assert (
        chosen.reason == "Every match for “peanut butter” goes against your guidance: contains peanuts"
        " (“No peanuts — allergy”)"
    )


def test_an_exclusion_with_a_scope_holds_only_for_that_product():
    cereal = product(
        "Honey Nut Cheerios", "General Mills", "10.8 oz", "4.29", allergens=(("contains", "Tree Nuts"),)
    )
    guidance = read_guidance([("no nuts", "cereal")])
    assert [rule.value for rule in guidance.for_term("cereal")] == ["nuts"]
    assert guidance.for_term("granola") == ()
    assert pick_product(term="cereal", candidates=[cereal], rules=guidance.for_term("cereal")).product is None


# --- Property: no exclusion is ever violated over the whole sandbox catalogue ----------------

ALLERGEN_KEYS = {"peanuts": "peanuts", "tree nuts": "tree nuts", "milk": "dairy", "eggs": "eggs",
                 "wheat": "wheat", "soy": "soy", "sesame": "sesame", "fish": "fish",
                 "crustacean shellfish": "shellfish"}  # fmt: skip
GUIDANCE = {
    "peanuts": "No peanuts — allergy",
    "tree nuts": "tree nut allergy",
    "dairy": "dairy-free household",
    "eggs": "egg allergy",
    "wheat": "no wheat",
    "soy": "soy allergy",
    "sesame": "allergic to sesame",
    "fish": "no fish",
    "shellfish": "shellfish allergy",
}


@cache
def store_catalogue() -> tuple[Product, ...]:
    """Every product the sandbox sells at STORE, as our client parses Kroger's payload."""
    request = RequestFactory().get("/")
    return tuple(
        Product.from_api(product_json(p, request, STORE))
        for p in catalogue.all_products()
        if catalogue.is_carried(p, STORE)
    )


def declared(product: Product, key: str) -> bool:
    """The oracle: the sandbox's own allergen data says the product holds `key`."""
    return any(
        a.level in ("contains", "may_contain") and ALLERGEN_KEYS.get(a.name.lower()) == key
        for a in product.allergens
    )


def test_the_sandbox_serves_allergen_data_for_a_realistic_share():
    products = store_catalogue()
    with_data = [p for p in products if p.allergens]
    assert 0.25 < len(with_data) / len(products) < 0.9


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    key=st.sampled_from(sorted(GUIDANCE)),
    picks=st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=25),
)
def test_no_exclusion_is_ever_violated(key, picks):
    products = store_catalogue()
    candidates = [products[i % len(products)] for i in picks]
    # Stack the deck: at least one product that declares the allergen, when the catalogue has one.
    holders = [p for p in products if declared(p, key)]
    if holders:
        candidates.append(holders[picks[0] % len(holders)])
    term = candidates[0].description.split()[-1].strip("®")
    chosen = pick(term, candidates, GUIDANCE[key])
    for offered in (chosen.product, *chosen.alternatives):
        assert offered is None or not declared(offered, key), (key, offered.description)
