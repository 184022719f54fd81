"""Product identity and the line's own words: the line names a kind of product."""

import pytest

from shopping.picking.identity import Identity, expand_shorthand, match
from shopping.picking.reading import read_guidance
from shopping.picking.scoring import pick_product

from .picking_products import product


def pick(term, candidates, *guidance, **line):
    return pick_product(
        term=term, candidates=candidates, rules=read_guidance(guidance).for_term(term), **line
    )


@pytest.mark.parametrize(
    ("term", "description", "identity"),
    [
        ("tomatoes", "Roma Tomatoes", Identity.EXACT),
        ("tomatoes", "Kroger® Tomato Soup", Identity.OTHER),
        ("bananas", "Banana Bread", Identity.OTHER),
        ("bananas", "Bananas", Identity.EXACT),
        ("cream", "Philadelphia Cream Cheese", Identity.OTHER),
        ("apples", "Kroger® Apple Juice", Identity.OTHER),
        ("apples", "Gala Apples Bag", Identity.EXACT),
        ("chicken", "Kroger® Chicken Breast Boneless Skinless", Identity.EXACT),
        ("chicken", "Swanson Chicken Broth", Identity.OTHER),
        ("butter", "Jif Creamy Peanut Butter", Identity.VARIETY),
        ("butter", "Land O Lakes Salted Butter", Identity.EXACT),
        ("milk", "Hershey's Milk Chocolate Bar", Identity.OTHER),
        ("eggs", "Kroger® Egg Noodles", Identity.OTHER),
        ("diced tomatoes", "Roma Tomatoes", Identity.VARIETY),
        ("diced tomatoes", "Kroger® Diced Tomatoes", Identity.EXACT),
        ("toilet paper", "Charmin Ultra Soft Bath Tissue", Identity.EXACT),
    ],
)
def test_a_word_used_as_a_modifier_names_another_product(term, description, identity):
    assert match(term, product(description)).identity == identity


@pytest.mark.parametrize(
    ("line", "expanded"),
    [
        ("evoo", "extra virgin olive oil"),
        ("ap flour", "all purpose flour"),
        ("mac n cheese", "macaroni and cheese"),
        ("h and h", "half and half"),
        ("oj", "orange juice"),
        ("tp", "bath tissue"),
        ("toilet paper", "bath tissue"),
        ("pop", "soda"),
        ("diet pop", "diet soda"),
        ("popcorn", "popcorn"),
    ],
)
def test_shorthand_becomes_the_catalogue_words(line, expanded):
    assert expand_shorthand(line) == expanded


def test_the_real_product_beats_look_alikes_even_when_kroger_ranks_them_first():
    soup = product("Campbell's Tomato Soup", "Campbell's", "10.75 oz", "1.29")
    paste = product("Kroger® Tomato Paste", "Kroger", "6 oz", "0.89")
    romas = product("Roma Tomatoes", "", "1 lb", "1.29", sold_by="WEIGHT")
    chosen = pick("tomatoes", [soup, paste, romas])
    assert chosen.product == romas
    assert not chosen.needs_choice


def test_only_look_alikes_means_the_shopper_chooses():
    chosen = pick("bananas", [product("Banana Bread", "Kroger", "16 oz", "3.99")])
    assert chosen.needs_choice
    assert "plainly" in chosen.reason


def test_the_lines_modifiers_narrow_the_match():
    canned = product("Kroger® Diced Tomatoes", "Kroger", "14.5 oz", "0.99", categories=("Canned & Packaged",))
    fresh = product("Roma Tomatoes", "", "1 lb", "1.29", categories=("Produce",))
    assert pick("diced tomatoes", [fresh, canned]).product == canned
    whole = product("Starbucks Pike Place Whole Bean Coffee", "Starbucks", "12 oz", "9.99")
    ground = product("Starbucks Pike Place Ground Coffee", "Starbucks", "12 oz", "9.49")
    assert pick("whole bean coffee", [ground, whole]).product == whole


def test_a_line_whose_modifier_no_product_has_is_flagged():
    chosen = pick("diced tomatoes", [product("Roma Tomatoes", "", "1 lb", "1.29")])
    assert chosen.needs_choice
