"""Reading guidance into rules with explicit scopes, and rules that settle conflicts."""

from decimal import Decimal

import pytest

from shopping.picking.pick import rules_for_line
from shopping.picking.reading import explain_line, read_guidance
from shopping.picking.rules import RuleKind
from shopping.picking.scoring import pick_product

from .picking_products import product


def pick(term, candidates, *guidance, **line):
    rules = rules_for_line(read_guidance(guidance), term, candidates)
    return pick_product(term=term, candidates=candidates, rules=rules, **line)


def rules_of(*lines):
    return read_guidance(lines).rules


@pytest.mark.parametrize(
    ("line", "brand", "scope"),
    [
        ("Heinz for ketchup", "heinz", ("ketchup",)),
        ("our bread is Dave's Killer Bread", "dave's killer bread", ("bread",)),
        ("Honest Kids apple juice boxes", "honest kids", ("apple juice boxes",)),
        ("tillamook for cheddar", "tillamook", ("cheddar",)),
    ],
)
def test_a_brand_rule_is_scoped_to_the_product_it_names(line, brand, scope):
    (rule,) = rules_of(line)
    assert (rule.kind, rule.value, rule.scope) == (RuleKind.BRAND, brand, scope)


@pytest.mark.parametrize(
    "line",
    [
        "Our family loves fruit",
        "We shop on Sundays",
        "Tree nut allergy",
        "Salted butter",
        "Organic when possible",
    ],
)
def test_ordinary_capitalised_words_are_never_brands(line):
    assert not [rule for rule in rules_of(line) if rule.kind == RuleKind.BRAND]


def test_a_list_of_store_brands_inside_a_clause_is_one_rule_with_its_condition():
    (rule,) = rules_of(
        "store brand (Kroger, Simple Truth, Private Selection) unless a name brand is more than 50¢ cheaper"
    )
    assert (rule.kind, rule.margin, rule.margin_kind) == (RuleKind.STORE_BRAND, Decimal("0.50"), "saving")


def test_category_scopes_apply_through_krogers_categories():
    (rule,) = rules_of("canned goods: cheapest per ounce")
    assert (rule.kind, rule.value, rule.scope) == (RuleKind.PRICE, "unit_price", ("canned goods",))
    assert rule.applies_to("black beans", ["Canned & Packaged"])
    assert not rule.applies_to("bananas", ["Produce"])


def test_the_guidance_page_shows_the_reading_and_what_was_not_understood():
    reading = explain_line("Heinz for ketchup; we shop on Sundays")
    assert reading.understood == ("Prefers: Heinz brand (ketchup)",)
    assert reading.note == "Not understood, so ignored: “we shop on Sundays”"


def test_a_brand_rule_with_a_qualifier_must_match_the_qualifier_too():
    apple = product(
        "Honest Kids Appley Ever After Organic Apple Juice Drink Boxes", "Honest", "8 ct / 6 fl oz", "4.99"
    )
    berry = product("Honest Kids Berry Berry Good Lemonade Boxes", "Honest", "8 ct / 6 fl oz", "4.99")
    other = product("Juicy Juice 100% Apple Juice Boxes", "Juicy Juice", "8 ct / 6.75 fl oz", "3.99")
    chosen = pick("apple juice boxes", [other, berry, apple], "Honest Kids apple juice boxes")
    assert chosen.product == apple
    assert chosen.reason == "Your guidance: “Honest Kids apple juice boxes”"


def test_store_brand_unless_a_name_brand_is_under_a_margin_more_compares_per_unit():
    store = product("Kroger® Spaghetti", "Kroger", "16 oz", "1.19")
    big = product("Barilla Spaghetti", "Barilla", "32 oz", "3.29")  # $1.65 per 16 oz: 46¢ more
    assert pick("spaghetti", [store, big], "store brand unless a name brand is under $1 more").product == big
    pricey = product("De Cecco Spaghetti", "De Cecco", "16 oz", "3.49")
    assert (
        pick("spaghetti", [store, pricey], "store brand unless a name brand is under $1 more").product
        == store
    )


def test_organic_only_when_it_is_under_the_premium():
    plain = product("Gala Apples", "", "3 lb", "3.99")
    organic = product("Simple Truth Organic® Gala Apples", "Simple Truth Organic", "3 lb", "4.49")
    assert pick("apples", [plain, organic], "organic produce when it's under $1 more").product == organic
    dear = product("Simple Truth Organic® Gala Apples", "Simple Truth Organic", "3 lb", "5.99")
    assert pick("apples", [plain, dear], "organic produce when it's under $1 more").product == plain


def test_the_more_specific_rule_beats_the_general_one():
    store = product("Kroger® Frosted Flakes Cereal", "Kroger", "15 oz", "2.49", categories=("Breakfast",))
    name = product("Kellogg's Frosted Flakes Cereal", "Kellogg's", "15 oz", "4.29", categories=("Breakfast",))
    chosen = pick("frosted flakes", [store, name], "store brand for everything", "never Kroger-brand cereal")
    assert chosen.product == name
    assert pick("frosted flakes", [store, name], "store brand for everything").product == store


def test_a_lines_own_words_beat_household_defaults():
    whole = product("Kroger® Whole Milk", "Kroger", "1 gal", "3.49")
    skim = product("Kroger® Fat Free Skim Milk", "Kroger", "1 gal", "3.49")
    assert pick("milk", [whole, skim], "whole milk").product == whole
    assert pick("skim milk", [whole, skim], "whole milk").product == skim
    heinz = product("Heinz Tomato Ketchup", "Heinz", "20 oz", "3.49")
    store = product("Kroger® Tomato Ketchup", "Kroger", "20 oz", "1.99")
    assert pick("heinz ketchup", [store, heinz], "store brand for everything").product == heinz


def test_a_hard_exclusion_beats_every_preference():
    reeses = product("Reese's Peanut Butter Cups", "Reese's", "1.5 oz", "1.29")
    kit_kat = product("Kit Kat Wafer Bar", "Kit Kat", "1.5 oz", "1.29")
    chosen = pick("candy bar", [reeses, kit_kat], "Reese's for candy", "no peanuts")
    assert chosen.product == kit_kat


@pytest.mark.parametrize(
    ("line", "kind", "value"),
    [
        ("best price per ounce", RuleKind.PRICE, "unit_price"),
        ("cheapest paper towels", RuleKind.PRICE, "cheapest"),
        ("biggest pack of paper towels", RuleKind.SIZE, "largest"),
        ("family pack when it's meat", RuleKind.SIZE, "largest"),
        ("on sale if it's the same", RuleKind.ON_SALE, "on_sale"),
    ],
)
def test_price_rules(line, kind, value):
    assert (rules_of(line)[0].kind, rules_of(line)[0].value) == (kind, value)


def test_best_price_per_unit_beats_the_cheapest_pack():
    small = product("Kroger® Long Grain White Rice", "Kroger", "2 lb", "1.99")  # $1.00/lb
    large = product("Kroger® Long Grain White Rice", "Kroger", "5 lb", "3.99")  # $0.80/lb
    assert pick("white rice", [small, large], "best price per ounce").product == large
    assert pick("white rice", [small, large], "cheapest").product == small


def test_on_sale_breaks_ties_only():
    regular = product("Kroger® Black Beans", "Kroger", "15 oz", "0.89")
    sale = product("Bush's Black Beans", "Bush's", "15 oz", "1.29", promo="0.89")
    chosen = pick("black beans", [regular, sale], "on sale if it's the same")
    assert chosen.product == sale
