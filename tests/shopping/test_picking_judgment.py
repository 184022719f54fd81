"""Judgment calls a household would make the same way: which pack, which cut, which kind a named
brand settles, and when an out-of-stock usual or a household rule means the shopper decides."""

from shopping.picking.exclusions import excluded_by
from shopping.picking.reading import read_guidance
from shopping.picking.rules import RuleKind, conflicts

from .picking_products import product
from .test_picking_sizes_stock import pick_for_line

OUT = "TEMPORARILY_OUT_OF_STOCK"


def test_one_pack_of_the_size_on_the_line_beats_two_of_another_kind():
    whole_gallon = product("Simple Truth Organic® Whole Milk", "Simple Truth Organic", "1 gal", "6.49")
    two_percent_half = product(
        "Simple Truth Organic® 2% Reduced Fat Milk", "Simple Truth Organic", "half gal", "3.79"
    )
    chosen = pick_for_line("gallon of organic milk", [two_percent_half, whole_gallon], "Organic milk")
    assert chosen.product == whole_gallon
    assert not chosen.needs_choice


def test_a_household_kind_rule_still_beats_one_pack_of_the_size():
    conventional = product("Kroger® 80% Lean Ground Beef Chuck", "Kroger", "2 lb", "8.99")
    grass_fed = product(
        "Simple Truth Organic® 85% Lean Grass-Fed Ground Beef", "Simple Truth Organic", "1 lb", "7.99"
    )
    chosen = pick_for_line("2 lb ground beef", [conventional, grass_fed], "Grass-fed beef when we can get it")
    assert chosen.product == grass_fed  # two of the 1 lb grass-fed packs make the 2 lb


def test_a_cut_the_line_does_not_ask_for_is_set_aside_when_the_whole_one_is_there():
    block = product("Tillamook Medium Cheddar Cheese Block", "Tillamook", "8 oz", "4.29")
    slices = product("Tillamook Extra Sharp Cheddar Cheese Slices", "Tillamook", "12 oz", "3.99")
    chosen = pick_for_line("cheddar", [slices, block], "Tillamook is our cheese")
    assert chosen.product == block
    assert not chosen.needs_choice
    assert pick_for_line("sliced cheddar", [block, slices]).product == slices


def test_a_brand_the_household_buys_by_name_settles_the_kind_when_it_has_one():
    kroger_sharp = product("Kroger® Sharp Cheddar Cheese Block", "Kroger", "8 oz", "2.59")
    kroger_mild = product("Kroger® Mild Cheddar Cheese Block", "Kroger", "8 oz", "2.59")
    private = product("Private Selection® Aged White Cheddar Cheese", "Private Selection", "7 oz", "5.49")
    candidates = [kroger_sharp, kroger_mild, private]
    assert pick_for_line("cheddar", candidates).needs_choice  # sharp or mild: nothing says
    chosen = pick_for_line("cheddar", candidates, "Buy Private Selection when they have it")
    assert chosen.product == private
    assert chosen.reason == "Your guidance: “Buy Private Selection when they have it”"


def test_a_named_brand_settles_a_vague_line_with_its_plain_kind():
    classic = product("Coca-Cola Classic Soda", "Coca-Cola", "2 L", "2.59")
    mexican = product(
        "Coca-Cola Mexican Cane Sugar Soda Glass Bottles", "Coca-Cola", "4 ct / 12 fl oz", "1.99"
    )
    pepsi = product("Pepsi Cola Soda", "Pepsi", "2 L", "2.29")
    assert pick_for_line("soda", [classic, mexican, pepsi]).needs_choice
    chosen = pick_for_line("soda", [mexican, classic, pepsi], "Coke, not Pepsi", "Cheapest of everything")
    assert chosen.product == classic  # not the cheaper specialty bottles


def test_guidance_asking_for_diet_makes_diet_sodas_the_households_soda():
    classic = product("Coca-Cola Classic Soda", "Coca-Cola", "12 ct / 12 fl oz", "8.99")
    zero = product("Coca-Cola Zero Sugar Soda", "Coca-Cola", "12 ct / 12 fl oz", "9.29")
    diet_pepsi = product("Diet Pepsi Cola Soda", "Pepsi", "12 ct / 12 fl oz", "7.99")
    chosen = pick_for_line("soda", [classic, diet_pepsi, zero], "Soda: diet only, Coke Zero")
    assert chosen.product == zero
    assert not chosen.needs_choice


def test_the_usual_of_a_named_brand_out_of_stock_is_the_shoppers_call_even_with_a_price_rule():
    usual = product("Eggland's Best Grade A Large White Eggs", "Eggland's Best", "12 ct", "3.99", stock=OUT)
    bigger = product("Eggland's Best Grade A Large White Eggs", "Eggland's Best", "18 ct", "5.49")
    cage_free = product(
        "Eggland's Best Cage Free Large Brown Eggs", "Eggland's Best", "12 ct", "4.99", promo="3.49"
    )
    chosen = pick_for_line("eggland's best eggs", [usual, bigger, cage_free], "cheapest of everything")
    assert chosen.needs_choice
    assert "Eggland's Best Grade A Large White Eggs is out of stock here" in chosen.reason
    assert bigger in (chosen.product, *chosen.alternatives[:2])


def test_an_on_sale_exception_is_not_met_by_a_deal_whose_stock_is_unknown():
    organic = product(
        "Simple Truth Organic® Baby Spinach",
        "Simple Truth Organic",
        "10 oz",
        "4.99",
        promo="3.99",
        stock=None,
    )
    regular = product("Kroger® Baby Spinach", "Kroger", "10 oz", "3.29", categories=("Produce",))
    chosen = pick_for_line("baby spinach", [organic, regular], "Organic spinach only when it's on sale")
    assert chosen.product == regular


def test_name_brand_only_on_sale_flags_a_line_whose_every_match_is_full_price():
    cheerios = product(
        "General Mills Cheerios Toasted Whole Grain Oat Cereal", "General Mills", "8.9 oz", "4.69"
    )
    rule_text = "Name brand only if it's on sale - otherwise store brand"
    chosen = pick_for_line("toasted oat cereal", [cheerios], rule_text)
    assert chosen.needs_choice
    assert chosen.reason == f"Please choose: nothing here meets your guidance “{rule_text}”"


def test_a_list_line_naming_a_name_brand_clashes_with_a_strong_store_brand_rule():
    guidance = read_guidance(["Name brand only if it's on sale - otherwise store brand"])
    [clash] = conflicts(guidance, "cheerios")
    assert clash.kind == RuleKind.STORE_BRAND
    assert conflicts(guidance, "kroger toasted oats") == ()
    assert conflicts(read_guidance(["Store brand is fine"]), "cheerios") == ()


def test_a_grade_named_alone_is_a_rule_about_its_product():
    guidance = read_guidance(["Real Parmigiano Reggiano, never the green can"])
    [rule] = [r for r in guidance.rules if r.kind == RuleKind.ATTRIBUTE]
    assert (rule.value, rule.scope, rule.strong) == ("parmigiano reggiano", ("parmesan",), True)
    wedge = product(
        "Private Selection® Parmigiano Reggiano Cheese Wedge", "Private Selection", "6 oz", "7.99", stock=OUT
    )
    grated = product("Kroger® 100% Grated Parmesan Cheese", "Kroger", "8 oz", "3.79")
    chosen = pick_for_line("parmesan", [wedge, grated], "Real Parmigiano Reggiano, never the green can")
    assert chosen.needs_choice


def test_no_swaps_allows_the_same_product_in_another_size_but_not_a_missing_count():
    big = product(
        "Vital Farms Pasture-Raised Grade A Large Brown Eggs", "Vital Farms", "18 ct", "9.99", stock=OUT
    )
    dozen = product("Vital Farms Pasture-Raised Grade A Large Brown Eggs", "Vital Farms", "12 ct", "6.99")
    guidance = ("Pasture-raised eggs or nothing", "If the exact thing on the list isn't there, don't swap")
    assert not pick_for_line("eggs", [big, dozen], *guidance).needs_choice
    assert pick_for_line("18 pasture raised eggs", [big, dozen], *guidance).needs_choice


def test_indifference_to_brand_keeps_the_price_rule_of_the_same_line():
    crisco = product("Crisco Pure Vegetable Oil", "Crisco", "48 fl oz", "5.89")
    kroger = product("Kroger® Vegetable Oil", "Kroger", "48 fl oz", "4.69", promo="3.79")
    guidance = "Store brand vs name brand: whichever is cheaper per unit"
    assert pick_for_line("veg oil", [crisco, kroger], guidance).product == kroger


def test_free_and_clear_is_unscented_and_canned_is_only_packaging():
    clear = product("Kroger® Free & Clear Liquid Laundry Detergent", "Kroger", "100 fl oz", "7.49")
    tide = product("Tide Original Liquid Laundry Detergent", "Tide", "92 fl oz", "14.39")
    chosen = pick_for_line("unscented laundry detergent", [tide, clear])
    assert (chosen.product, chosen.needs_choice) == (clear, False)
    tuna = product("Kroger® Chunk Light Tuna in Water", "Kroger", "5 oz", "0.99")
    sauce = product("Kroger® Tomato Sauce", "Kroger", "15 oz", "0.89")
    assert pick_for_line("canned tuna", [sauce, tuna]).product == tuna


def test_a_pescatarian_keeps_fish_that_kroger_files_under_meat_and_seafood():
    salmon = product(
        "Kroger® Atlantic Salmon Fillet", "Kroger", "1 lb", "9.99", categories=("Meat & Seafood",)
    )
    chicken = product("Kroger® Chicken Breasts", "Kroger", "1 lb", "4.99", categories=("Meat & Seafood",))
    pescatarian = read_guidance(["Pescatarian: fish is fine, no other meat or poultry"]).rules
    assert excluded_by(salmon, pescatarian) is None
    assert excluded_by(chicken, pescatarian) is not None
    vegetarian = read_guidance(["We're vegetarian"]).rules
    assert excluded_by(salmon, vegetarian) is not None


def test_things_named_after_a_meat_without_containing_it_are_not_excluded():
    buns = product("Kroger® Hamburger Buns", "Kroger", "8 ct", "1.59", categories=("Bakery",))
    beef = product("Kroger® 80% Lean Ground Beef", "Kroger", "1 lb", "4.99")
    rules = read_guidance(["We're vegetarian - no meat, no fish"]).rules
    assert excluded_by(buns, rules) is None
    assert excluded_by(beef, rules) is not None


def test_clauses_after_a_product_colon_stay_about_that_product():
    rules = read_guidance(["Soda: diet only, Coke Zero or Diet Coke"]).rules
    brand = next(r for r in rules if r.kind == RuleKind.BRAND)
    assert (brand.value, brand.scope) == ("coke", ("soda",))
    # A person before the colon is not a product: the next clause keeps its own scope.
    organic = next(
        r for r in read_guidance(["Kids: no peanuts, and organic milk"]).rules if r.kind == RuleKind.ATTRIBUTE
    )
    assert (organic.value, organic.scope) == ("organic", ("milk",))


def test_a_fragment_with_a_rule_of_its_own_does_not_join_an_exclusion_list():
    values = {
        r.value for r in read_guidance(["No peanuts, and organic milk"]).rules if r.kind == RuleKind.EXCLUDE
    }
    assert values == {"peanuts"}  # not "no organic milk"
    celiac = read_guidance(["no wheat, barley or rye"]).rules
    assert {r.kind for r in celiac} == {RuleKind.EXCLUDE}
