"""Guidance as families write it: people's names, numbers, "and" inside product names, rules that
name no product, "on sale for less", and the size a line asks for when it isn't there."""

from shopping.picking.exclusions import excluded_by
from shopping.picking.reading import read_guidance
from shopping.picking.rules import RuleKind

from .picking_products import product
from .test_picking_sizes_stock import pick_for_line

OUT = "TEMPORARILY_OUT_OF_STOCK"


def rules_of(*lines):
    return read_guidance(lines).rules


def test_a_persons_name_is_not_a_brand_and_a_brand_rule_naming_no_product_is_about_its_products():
    [rule] = rules_of("Jonas only drinks Starbucks Pike Place")
    assert (rule.kind, rule.value, rule.scope, rule.strong) == (RuleKind.BRAND, "starbucks", (), True)
    starbucks = product("Starbucks Pike Place Roast Ground Coffee", "Starbucks", "12 oz", "9.99")
    kroger = product("Kroger® Classic Roast Ground Coffee", "Kroger", "30.5 oz", "8.99")
    guidance = "Jonas only drinks Starbucks Pike Place"
    assert pick_for_line("coffee", [kroger, starbucks], guidance).product == starbucks
    milk = product("Kroger® 2% Reduced Fat Milk", "Kroger", "1 gal", "3.49")
    assert not pick_for_line("2% milk", [milk], guidance).needs_choice  # no Starbucks milk here


def test_a_number_before_a_colon_is_not_a_product():
    [rule] = rules_of("Family of seven: only buy the bigger package if it's actually cheaper per unit")
    assert (rule.kind, rule.value, rule.scope) == (RuleKind.PRICE, "unit_price", ())


def test_and_inside_a_product_name_keeps_it_one_product():
    [rule] = rules_of("Mac and cheese means Kraft")
    assert rule.scope == ("macaroni and cheese",)
    kraft = product("Kraft Original Macaroni & Cheese Dinner", "Kraft", "7.25 oz", "1.59")
    kroger = product("Kroger® Original Macaroni & Cheese Dinner", "Kroger", "7.25 oz", "0.99")
    chosen = pick_for_line("mac n cheese", [kroger, kraft], "Mac and cheese means Kraft")
    assert (chosen.product, chosen.needs_choice) == (kraft, False)


def test_a_brand_insisted_on_that_the_store_does_not_sell_is_the_shoppers_call():
    [rule] = rules_of("Coffee is Cafe Bustelo and nothing else")
    assert rule.strong
    kroger = product("Kroger® Classic Roast Ground Coffee", "Kroger", "30.5 oz", "8.99")
    assert pick_for_line("coffee", [kroger], "Coffee is Cafe Bustelo and nothing else").needs_choice


def test_name_brand_on_sale_for_less_must_beat_the_store_brand_per_unit():
    [rule] = rules_of("We buy store brand unless the name brand is on sale for less")
    assert (rule.kind, rule.margin_kind) == (RuleKind.STORE_BRAND, "sale_saving")
    guidance = "We buy store brand unless the name brand is on sale for less"
    kroger = product("Kroger® Shredded Mozzarella", "Kroger", "8 oz", "2.79")
    kraft = product("Kraft Shredded Mozzarella", "Kraft", "8 oz", "3.99", promo="3.19")
    assert pick_for_line("shredded mozzarella", [kraft, kroger], guidance).product == kroger
    deal = product("Kraft Shredded Mozzarella", "Kraft", "8 oz", "3.99", promo="2.49")
    assert pick_for_line("shredded mozzarella", [deal, kroger], guidance).product == deal


def test_loose_produce_has_no_name_brand_for_a_store_brand_rule_to_avoid():
    loose = product("Roma Tomatoes", "", "1 lb", "1.39", sold_by="WEIGHT", categories=("Produce",))
    crushed = product(
        "Kroger® Crushed Tomatoes", "Kroger", "28 oz", "1.89", categories=("Canned & Packaged",)
    )
    assert pick_for_line("tomatoes", [crushed, loose], "Store brand for everything").product == loose


def test_cheapest_per_pound_is_a_unit_price_not_a_one_pound_pack():
    kinds = {r.kind for r in rules_of("Produce: whatever's cheapest per pound")}
    assert kinds == {RuleKind.PRICE}
    loose = product("Bananas", "", "1 lb", "0.79", sold_by="WEIGHT", categories=("Produce",))
    bag = product("Kroger® Bananas Bag", "Kroger", "3 lb", "2.19", categories=("Produce",))
    assert pick_for_line("bananas", [loose, bag], "Produce: whatever's cheapest per pound").product == bag


def test_juice_boxes_are_as_vague_as_juice():
    apple = product("Kroger® 100% Apple Juice Boxes", "Kroger", "8 ct / 6.75 fl oz", "3.49")
    lemonade = product("Kroger® Lemonade Juice Boxes", "Kroger", "8 ct / 6.75 fl oz", "3.49")
    assert pick_for_line("juice boxes", [apple, lemonade]).needs_choice


def test_trail_mix_counts_as_nuts_when_kroger_sends_no_label():
    mix = product("Kroger® Trail Mix", "Kroger", "26 oz", "8.99")
    assert excluded_by(mix, rules_of("Tobi is allergic to peanuts")) is not None
    assert excluded_by(mix, rules_of("tree nut allergy")) is not None


def test_berries_are_the_berries_of_every_kind():
    guidance = "Spinach and berries always organic"
    blueberries = product("Blueberries", "", "6 oz", "2.99", categories=("Produce",))
    assert pick_for_line("blueberries", [blueberries], guidance).needs_choice


def test_one_size_of_a_product_with_a_label_vouches_for_its_other_sizes():
    dozen = product(
        "Simple Truth Organic® Free Range Eggs", "Simple Truth Organic", "12 ct", "5.49", promo="4.69"
    )
    labelled = product(
        "Simple Truth Organic® Free Range Eggs",
        "Simple Truth Organic",
        "18 ct",
        "8.19",
        allergens=(("contains", "Egg"),),
    )
    chosen = pick_for_line("eggs", [labelled, dozen], "No peanuts - allergy")
    assert chosen.product == dozen  # cheaper per egg; the 18 ct's label speaks for both


def test_the_size_on_the_line_not_being_there_is_the_shoppers_call():
    gallon = product("Kroger® 2% Reduced Fat Milk", "Kroger", "1 gal", "3.49", stock=OUT)
    half = product("Kroger® 2% Reduced Fat Milk", "Kroger", "1/2 gal", "2.29")
    chosen = pick_for_line("gallon of 2% milk", [gallon, half])
    assert chosen.needs_choice
    assert (
        chosen.reason == "Please choose: Kroger® 2% Reduced Fat Milk 1 gal is out of stock; this is 1/2 gal"
    )
    dozen = product("Kroger® Grade A Large White Eggs", "Kroger", "12 ct", "2.49")
    assert pick_for_line("30 eggs", [dozen]).needs_choice


def test_a_number_of_packs_on_the_line_asks_for_that_many_of_one_pack():
    dozen = product("Kroger® Grade A Large White Eggs", "Kroger", "12 ct", "2.49")
    eighteen = product("Kroger® Grade A Large White Eggs", "Kroger", "18 ct", "3.59")
    chosen = pick_for_line("2 dozen eggs", [eighteen, dozen])
    assert (chosen.product, chosen.needs_choice) == (dozen, False)
