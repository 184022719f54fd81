"""The deterministic picker: term match, each rule kind, unit price, availability, confidence."""

from decimal import Decimal

import pytest

from shopping.picking.reading import read_guidance
from shopping.picking.scoring import CONFIDENCE_THRESHOLD, measure, pick_product

from .picking_products import IN_STORE, product


def pick(term, candidates, *guidance, **line):
    rules = read_guidance(guidance).for_term(term)
    return pick_product(term=term, candidates=candidates, rules=rules, **line)


@pytest.fixture
def milks():
    return {
        "chocolate": product("Hershey's Milk Chocolate Bar", "Hershey's", "1.55 oz", "1.25"),
        "kroger_gallon": product("Kroger® 2% Reduced Fat Milk", "Kroger", "1 gal", "3.49"),
        "kroger_half": product("Kroger® Whole Milk", "Kroger", "half gal", "2.29"),
        "horizon": product("Horizon Organic Whole Milk", "Horizon Organic", "half gal", "5.99"),
        "fairlife": product("Fairlife Lactose Free 2% Milk", "Fairlife", "52 fl oz", "4.79"),
    }


def test_milk_chocolate_is_not_milk(milks):
    chosen = pick("milk", list(milks.values()))
    assert chosen.product != milks["chocolate"]
    assert milks["chocolate"] in chosen.alternatives or len(chosen.alternatives) == 4


def test_milk_of_several_fat_levels_needs_the_households_choice(milks):
    chosen = pick("milk", list(milks.values()))
    assert chosen.needs_choice
    assert chosen.reason == "Please choose: they come as 2%, whole"
    assert chosen.product == milks["kroger_half"]  # a typical size, the best price per unit


def test_without_guidance_the_best_unit_price_among_interchangeable_matches_wins(milks):
    chosen = pick("whole milk", list(milks.values()))
    assert chosen.product == milks["kroger_half"]
    assert chosen.reason == 'Best match for "whole milk" at this store'
    assert chosen.confidence >= CONFIDENCE_THRESHOLD


def test_preferred_brand_wins_and_the_reason_names_the_guidance(milks):
    chosen = pick("milk", list(milks.values()), "Prefer Horizon milk")
    assert chosen.product == milks["horizon"]
    assert chosen.reason == "Your guidance: “Prefer Horizon milk”"


def test_avoided_brand_loses_and_the_reason_names_the_guidance(milks):
    chosen = pick("whole milk", list(milks.values()), "Never Kroger")
    assert chosen.product.brand != "Kroger"
    assert "Never Kroger" in chosen.reason


def test_attribute_rule_prefers_matching_products(milks):
    assert pick("milk", list(milks.values()), "organic milk").product == milks["horizon"]
    assert pick("milk", list(milks.values()), "lactose-free milk").product == milks["fairlife"]


def test_a_rule_scoped_to_another_item_changes_nothing(milks):
    chosen = pick("whole milk", list(milks.values()), "organic strawberries")
    assert chosen == pick("whole milk", list(milks.values()))


def test_cheapest_rule_takes_the_lowest_shelf_price_among_real_matches(milks):
    chosen = pick("2% milk", list(milks.values()), "cheapest milk")
    assert chosen.product == milks["kroger_gallon"]  # $3.49 beats $4.79 on the shelf
    assert chosen.reason == "Your guidance: “cheapest milk”"
    # A price rule chooses among the same kind of product, never which kind: whole or 2%?
    assert pick("milk", list(milks.values()), "cheapest milk").needs_choice


def test_size_rules(milks):
    assert pick("milk", list(milks.values()), "largest size").product == milks["kroger_gallon"]
    assert pick("milk", list(milks.values()), "smallest size").product == milks["fairlife"]
    assert pick("milk", list(milks.values()), "milk by the half gallon").product == milks["kroger_half"]


def test_the_size_on_the_list_line_counts(milks):
    chosen = pick("whole milk", list(milks.values()), amount=Decimal(1), unit="half gal")
    assert chosen.product == milks["kroger_half"]
    assert chosen.reason == 'Best match for "whole milk" in the size on your list'


def test_store_brand_rule():
    national = product("Barilla Spaghetti", "Barilla", "16 oz", "1.89")
    store = product("Kroger® Spaghetti", "Kroger", "16 oz", "1.19")
    assert pick("spaghetti", [national, store], "store brand").product == store
    assert pick("spaghetti", [national, store], "no store brand").product == national


def test_store_brand_unless_the_name_brand_is_under_a_margin_more():
    national = product("Barilla Spaghetti", "Barilla", "16 oz", "1.89")
    store = product("Kroger® Spaghetti", "Kroger", "16 oz", "1.19")
    line = "store brand unless the name brand is under $1 more"
    assert pick("spaghetti", [national, store], line).product == national  # 70¢ more: worth it
    pricey = product("De Cecco Spaghetti", "De Cecco", "16 oz", "3.49")
    assert pick("spaghetti", [pricey, store], line).product == store  # $2.30 more: store brand


def test_on_sale_rule_and_promo_prices():
    regular = product("Tillamook Sharp Cheddar Cheese", "Tillamook", "8 oz", "3.99")
    sale = product("Cabot Sharp Cheddar Cheese", "Cabot", "8 oz", "4.49", promo="3.49")
    chosen = pick("sharp cheddar cheese", [regular, sale], "buy things on sale")
    assert chosen.product == sale
    assert chosen.reason.endswith("(on sale)")


def test_exclusions_remove_candidates_and_say_so():
    granola = [
        product("Nature Valley Peanut Butter Granola", "Nature Valley", "11 oz", "3.49"),
        product("Kroger® Honey Oat Granola", "Kroger", "12 oz", "2.99"),
    ]
    chosen = pick("granola", granola, "no peanuts")
    assert chosen.product == granola[1]
    assert "left out 1 against your guidance (“no peanuts”)" in chosen.reason
    assert granola[0] not in chosen.alternatives


def test_when_every_candidate_is_excluded_nothing_is_picked():
    bacon = [product("Oscar Mayer Bacon", "Oscar Mayer", "16 oz", "6.99")]
    chosen = pick("bacon", bacon, "We don't eat pork")
    assert chosen.product is None
    assert (
        chosen.reason == "Every match for “bacon” goes against your guidance: has bacon (from its name)"
        " (“We don't eat pork”)"
    )


def test_dairy_free_labels_do_not_trip_a_dairy_word_exclusion():
    almond = product("Silk Peanut-Free Almond Milk", "Silk", "64 fl oz", "3.99")
    assert pick("almond milk", [almond], "no peanuts").product == almond


def test_out_of_stock_is_never_picked_and_not_sold_here_is_excluded():
    out = product("Kroger® Large Eggs", "Kroger", "12 ct", "2.49", stock="TEMPORARILY_OUT_OF_STOCK")
    low = product("Eggland's Best Large Eggs", "Eggland's Best", "12 ct", "3.99", stock="LOW")
    gone = product(
        "Vital Farms Eggs", "Vital Farms", "12 ct", "5.99", fulfillment=dict.fromkeys(IN_STORE, False)
    )
    chosen = pick("eggs", [out, low, gone])
    assert chosen.product == low
    assert gone not in chosen.alternatives
    assert pick("eggs", [out]).needs_choice


def test_a_poor_match_is_flagged_for_the_shopper_not_guessed_quietly():
    chosen = pick("banana", [product("Jell-O Banana Cream Pudding", "Jell-O", "3.4 oz", "1.29")])
    assert chosen.product is not None
    assert chosen.confidence < CONFIDENCE_THRESHOLD
    assert chosen.needs_choice
    assert chosen.reason == "Please choose: nothing here is plainly “banana”"


def test_close_calls_have_lower_confidence_than_clear_winners(milks):
    clear = pick("milk", list(milks.values()), "Prefer Horizon milk")
    close = pick("milk", [milks["kroger_half"], milks["horizon"]])
    assert clear.confidence > close.confidence


def test_no_candidates_means_nothing_found():
    chosen = pick("dragonfruit", [])
    assert (chosen.product, chosen.reason, chosen.confidence) == (
        None,
        'Nothing for "dragonfruit" at this store',
        0.0,
    )


def test_at_most_five_alternatives():
    eggs = [product(f"Brand {n} Large Eggs", f"Brand {n}", "12 ct", f"{2 + n / 10:.2f}") for n in range(9)]
    chosen = pick("eggs", eggs)
    assert len(chosen.alternatives) == 5
    assert chosen.product not in chosen.alternatives


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ("1 gal", (Decimal(128), "volume")),
        ("half gal", (Decimal(64), "volume")),
        ("1/2 gal", (Decimal(64), "volume")),
        ("3/4 lb", (Decimal(12), "weight")),
        ("64 fl oz", (Decimal(64), "volume")),
        ("12 pk / 12 fl oz", (Decimal(144), "volume")),
        ("18 ct", (Decimal(18), "count")),
        ("2 lbs", (Decimal(32), "weight")),
        ("5 lb bag", (Decimal(80), "weight")),
        ("1 dozen", (Decimal(12), "count")),
        ("each", None),
    ],
)
def test_sizes_are_read_for_unit_prices(size, expected):
    assert measure(size) == expected
