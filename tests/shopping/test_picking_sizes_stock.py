"""Sizes, counts and weights; stock; confidence that means something; reasons that tell the truth."""

from decimal import Decimal

from shopping.parsing import parse_line
from shopping.picking.identity import expand_shorthand
from shopping.picking.pick import rules_for_line, wanted_size
from shopping.picking.reading import read_guidance
from shopping.picking.scoring import CONFIDENCE_THRESHOLD, pick_product
from shopping.units import measure

from .picking_products import product


def pick_for_line(text, candidates, *guidance):
    """As the list resolver picks a pasted line."""
    parsed = parse_line(text)
    term = expand_shorthand(parsed.term)
    rules = rules_for_line(read_guidance(guidance), term, candidates)
    size = wanted_size(parsed.term, parsed.amount, parsed.unit)
    return pick_product(term=term, candidates=candidates, rules=rules, wanted_size=size)


def test_roll_counts_compare_in_regular_roll_equivalents():
    assert measure("12 double rolls") == (Decimal(24), "count")
    assert measure("6 mega rolls") == (Decimal(24), "count")
    assert measure("8 ct") == (Decimal(8), "count")


def test_a_weight_on_the_line_prefers_a_pack_near_it():
    one = product("Kroger® 80% Lean Ground Beef", "Kroger", "1 lb", "4.99")
    two = product("Kroger® 80% Lean Ground Beef", "Kroger", "2 lb", "9.49")
    family = product("Kroger® 80% Lean Ground Beef Family Pack", "Kroger", "3 lb", "13.49")
    chosen = pick_for_line("2 lb ground beef", [one, family, two])
    assert chosen.product == two
    assert chosen.reason == 'Best match for "ground beef" in the size on your list'


def test_a_count_of_rolls_on_the_line_finds_that_pack():
    six = product("Bounty Select-A-Size Paper Towels", "Bounty", "6 mega rolls", "19.99")
    two = product("Bounty Select-A-Size Paper Towels", "Bounty", "2 double rolls", "5.99")
    assert pick_for_line("6 mega rolls paper towels", [two, six]).product == six


def test_eggs_counted_on_the_line_pick_the_carton_of_that_count():
    dozen = product("Kroger® Grade A Large White Eggs", "Kroger", "12 ct", "2.49")
    eighteen = product("Kroger® Grade A Large White Eggs", "Kroger", "18 ct", "3.59")
    assert pick_for_line("18 eggs", [dozen, eighteen]).product == eighteen


def test_biggest_pack_and_unit_prices_across_sizes():
    small = product("Charmin Ultra Soft Bath Tissue", "Charmin", "6 mega rolls", "8.99")
    big = product("Charmin Ultra Soft Bath Tissue", "Charmin", "18 mega rolls", "23.99")
    assert pick_for_line("toilet paper", [small, big], "biggest pack of toilet paper").product == big
    assert pick_for_line("tp", [small, big], "best price per roll").product == big


def test_out_of_stock_is_never_picked_nor_offered():
    out = product("Kroger® Whole Milk", "Kroger", "1 gal", "3.49", stock="TEMPORARILY_OUT_OF_STOCK")
    other = product("Horizon Organic Whole Milk", "Horizon", "half gal", "5.99")
    chosen = pick_for_line("whole milk", [out, other])
    assert chosen.product == other and out not in chosen.alternatives


def test_when_the_usual_size_is_out_the_same_product_in_another_size_is_picked_and_said():
    out = product(
        "Dave's Killer Bread 21 Whole Grains",
        "Dave's Killer Bread",
        "27 oz",
        "6.99",
        stock="TEMPORARILY_OUT_OF_STOCK",
    )
    smaller = product("Dave's Killer Bread 21 Whole Grains", "Dave's Killer Bread", "20.5 oz", "5.49")
    store = product("Kroger® Whole Wheat Bread", "Kroger", "20 oz", "1.99")
    chosen = pick_for_line("bread", [out, store, smaller], "our bread is Dave's Killer Bread")
    assert chosen.product == smaller
    assert not chosen.needs_choice
    assert chosen.reason == (
        "Your guidance: “our bread is Dave's Killer Bread”; 27 oz is out of stock; same product in 20.5 oz"
    )


def test_when_the_usual_brand_is_gone_the_closest_equivalent_is_flagged():
    out = product("Heinz Tomato Ketchup", "Heinz", "20 oz", "3.49", stock="TEMPORARILY_OUT_OF_STOCK")
    store = product("Kroger® Tomato Ketchup", "Kroger", "20 oz", "1.99")
    chosen = pick_for_line("ketchup", [out, store], "Heinz for ketchup")
    assert chosen.product == store
    assert chosen.needs_choice


def test_a_vague_line_with_several_kinds_and_no_preference_is_flagged():
    cereals = [
        product("Cheerios Cereal", "General Mills", "8.9 oz", "3.99"),
        product("Kellogg's Frosted Flakes Cereal", "Kellogg's", "13.5 oz", "4.29"),
        product("Kroger® Raisin Bran Cereal", "Kroger", "20 oz", "2.99"),
    ]
    chosen = pick_for_line("cereal", cereals)
    assert chosen.needs_choice
    assert chosen.reason == "Please choose: “cereal” could be several things"
    assert pick_for_line("cereal", cereals, "Cheerios for cereal").confidence >= CONFIDENCE_THRESHOLD


def test_the_reason_names_the_rule_that_decided_and_never_a_broken_one():
    heinz = product("Heinz Tomato Ketchup", "Heinz", "20 oz", "3.49")
    store = product("Kroger® Tomato Ketchup", "Kroger", "20 oz", "1.99")
    chosen = pick_for_line("ketchup", [store, heinz], "Heinz for ketchup", "cheapest everything")
    assert chosen.product == heinz
    assert chosen.reason == "Your guidance: “Heinz for ketchup”"
    assert "cheapest" not in chosen.reason
