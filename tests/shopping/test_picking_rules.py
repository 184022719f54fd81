"""Household guidance read into explicit rules; what cannot be read is reported, not dropped."""

from decimal import Decimal

import pytest

from shopping.picking.reading import explain_line, read_guidance

from ..factories import GuidanceFactory


def rules_of(*lines):
    return read_guidance(lines).rules


def only_rule(line):
    rules = rules_of(line)
    assert len(rules) == 1, rules
    return rules[0]


def test_issue_example_becomes_three_rules_with_scopes():
    line = "free-range eggs and poultry; organic doesn't matter; store brand for staples unless it's $1 more"
    guidance = read_guidance([line])
    kinds = [(rule.kind, rule.value, rule.scope) for rule in guidance.rules]
    assert kinds == [
        ("attribute", "free-range", ("eggs", "poultry")),
        ("indifferent", "organic", ()),
        ("store_brand", "store", ("staples",)),
    ]
    assert guidance.rules[2].margin == Decimal(1)
    assert guidance.not_understood == ()


@pytest.mark.parametrize(
    ("line", "value", "prefer"),
    [
        ("Prefer Horizon milk", "horizon", True),
        ("We like Tillamook for cheddar", "tillamook", True),
        ("prefer horizon milk", "horizon", True),
        ("Avoid Great Value", "great value", False),
        ("No Pepsi", "pepsi", False),
        ("prefer Simple Truth Organic for produce", "simple truth organic", True),
    ],
)
def test_brand_preferences(line, value, prefer):
    rule = only_rule(line)
    assert (rule.kind, rule.value, rule.prefer) == ("brand", value, prefer)


@pytest.mark.parametrize(
    ("line", "prefer", "margin"),
    [
        ("Store brand is fine", True, None),
        ("Kroger brand is fine", True, None),
        ("store brand unless the name brand is under $0.50 more", True, Decimal("0.50")),
        ("no store brand", False, None),
        ("generic is fine unless it costs 2 dollars less", True, Decimal(2)),
    ],
)
def test_store_brand_rules(line, prefer, margin):
    rule = only_rule(line)
    assert (rule.kind, rule.prefer, rule.margin) == ("store_brand", prefer, margin)


@pytest.mark.parametrize(
    ("line", "attribute", "scope"),
    [
        ("organic milk", "organic", ("milk",)),
        ("Free-range eggs", "free-range", ("eggs",)),
        ("cage free eggs please", "cage-free", ("eggs",)),
        ("pasture-raised eggs", "pasture-raised", ("eggs",)),
        ("grass-fed beef", "grass-fed", ("beef",)),
        ("unsalted butter", "unsalted", ("butter",)),
        ("gluten-free bread", "gluten-free", ("bread",)),
        ("lactose-free milk", "lactose-free", ("milk",)),
        ("decaf coffee", "decaf", ("coffee",)),
        ("wild-caught salmon", "wild-caught", ("salmon",)),
    ],
)
def test_attribute_rules_are_scoped_to_the_items_they_mention(line, attribute, scope):
    rule = only_rule(line)
    assert (rule.kind, rule.value, rule.prefer, rule.scope) == ("attribute", attribute, True, scope)


def test_only_makes_an_attribute_strong_and_avoid_makes_it_negative():
    strong = only_rule("only organic strawberries")
    assert strong.strong and strong.prefer
    assert only_rule("avoid organic, too expensive").prefer is False


@pytest.mark.parametrize(
    ("line", "excluded"),
    [
        ("no peanuts", {"peanuts"}),
        ("nut-free", {"nuts"}),
        ("We don't eat pork", {"pork"}),
        ("allergic to shellfish", {"shellfish"}),
        ("sesame allergy", {"sesame"}),
        ("no high fructose corn syrup", {"high fructose corn syrup"}),
        ("We are vegetarian", {"meat", "fish", "shellfish"}),
        ("no peanuts or pork", {"peanuts", "pork"}),
    ],
)
def test_exclusions_apply_to_every_item(line, excluded):
    rules = rules_of(line)
    assert {rule.value for rule in rules} == excluded
    assert all(rule.kind == "exclude" and rule.scope == () for rule in rules)


@pytest.mark.parametrize(
    ("line", "kind", "value"),
    [
        ("Cheapest paper towels", "price", "cheapest"),
        ("always the lowest price", "price", "cheapest"),
        ("best unit price", "price", "unit_price"),
        ("best value for coffee", "price", "unit_price"),
        ("buy things on sale", "on_sale", "on_sale"),
        ("Largest size of coffee", "size", "largest"),
        ("smallest bag of flour", "size", "smallest"),
        ("milk by the gallon", "size", "gallon"),
        ("half gallon of orange juice", "size", "half gallon"),
    ],
)
def test_price_and_size_rules(line, kind, value):
    rules = rules_of(line)
    assert (rules[0].kind, rules[0].value) == (kind, value)


def test_one_line_can_hold_several_clauses():
    rules = rules_of("grass-fed beef, pasture-raised eggs. Unsalted butter\nno pork")
    assert [(rule.value, rule.scope) for rule in rules] == [
        ("grass-fed", ("beef",)),
        ("pasture-raised", ("eggs",)),
        ("unsalted", ("butter",)),
        ("pork", ()),
    ]


def test_guidance_that_is_not_understood_is_reported_verbatim():
    guidance = read_guidance(["buy whatever looks nice", "organic milk"])
    assert guidance.not_understood == ("buy whatever looks nice",)
    assert [rule.value for rule in guidance.rules] == ["organic"]


@pytest.mark.django_db
def test_applies_to_on_a_guidance_line_sets_the_scope():
    line = GuidanceFactory(text="Always organic", applies_to="Strawberries")
    (rule,) = read_guidance([line]).rules
    assert rule.scope == ("strawberries",)
    assert rule.applies_to("strawberries") and rule.applies_to("Organic strawberry")
    assert not rule.applies_to("milk")


@pytest.mark.parametrize(
    ("term", "applies"),
    [
        ("eggs", True),
        ("large brown eggs", True),
        ("chicken breast", True),
        ("ground turkey", True),
        ("milk", False),
    ],
)
def test_scopes_match_item_words_and_categories(term, applies):
    (rule,) = rules_of("free-range eggs and poultry")
    assert rule.applies_to(term) is applies


def test_rules_for_a_term_leave_out_other_items_and_indifference():
    guidance = read_guidance(["free-range eggs", "organic doesn't matter", "no peanuts", "cheapest milk"])
    assert [rule.value for rule in guidance.for_term("eggs")] == ["free-range", "peanuts"]
    assert [rule.value for rule in guidance.for_term("milk")] == ["peanuts", "cheapest"]


@pytest.mark.parametrize(
    ("line", "understood"),
    [
        (
            "free-range eggs and poultry; organic doesn't matter; store brand for staples unless it's $1 more",  # noqa: E501
            [
                "Prefers: free-range (eggs, poultry)",
                "Doesn't mind: organic or not",
                "Prefers: the store brand (staples), unless a name brand costs less than $1.00 more"
                " (compared per unit)",
            ],
        ),
        ("Prefer Horizon milk", ["Prefers: Horizon brand (milk)"]),
        ("never Pepsi", ["Never buys: Pepsi brand (every item)"]),
        ("Avoid Great Value", ["Avoids: Great Value brand (every item)"]),
        ("no peanuts or pork", ["Never buys: peanuts (every item)", "Never buys: pork (every item)"]),
        ("only organic bananas", ["Insists on: organic (bananas)"]),
        ("largest size coffee", ["Prefers: the largest size (coffee)"]),
        ("gallon milk", ["Prefers: a gallon size (milk)"]),
        ("best unit price for rice", ["Prefers: the best price per unit (rice)"]),
        ("brand doesn't matter", ["Doesn't mind: which brand"]),
    ],
)
def test_each_rule_is_described_in_the_shoppers_terms(line, understood):
    reading = explain_line(line)
    assert (list(reading.understood), reading.note) == (understood, "")


def test_a_line_says_which_parts_the_picker_ignores():
    assert explain_line("buy whatever looks nice").note == (
        "Not understood as a rule — the picker will ignore this line"
    )
    partly = explain_line("organic milk; whatever looks nice")
    assert partly.understood == ("Prefers: organic (milk)",)
    assert partly.note == "Not understood, so ignored: “whatever looks nice”"


def test_the_guidance_page_and_the_picker_read_a_line_the_same_way():
    """One parser: what the page lists is exactly the rules the picker applies."""
    line = GuidanceFactory.build(text="free-range eggs; buy whatever looks nice", applies_to="")
    guidance = read_guidance([line])
    assert len(explain_line(line).understood) == len(guidance.rules)
    assert explain_line(line).not_understood == guidance.not_understood
