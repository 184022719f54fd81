"""Product identity: is this candidate the kind of product the list line names?

A line names a product by its head noun, English-style last ("organic baby spinach" ->
spinach). A candidate is that product when the head noun is also the head of its name
("Roma Tomatoes"), or is followed only by words that keep it ("Chicken Breast", "Milk
Gallon"). When another noun follows ("Tomato Soup", "Banana Bread", "Apple Juice") the line's
word is only a modifier of a different product. Kroger's `categories` back this up: a
look-alike outside the categories of the real matches is a different product too.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import IntEnum
from functools import lru_cache

from kroger.schemas import Product
from shopping.lexicon import (
    ATTRIBUTES,
    BRAND_ALIASES,
    KNOWN_BRANDS,
    SHORTHAND,
    STORE_BRANDS,
    SYNONYMS,
    word_set,
)
from shopping.text import CACHED_TEXTS, normalize, phrase, words

# Words that may follow the item's name without changing what the product is.
NEUTRAL = word_set(
    "gallon half gal quart pint oz lb lbs ct count pack pk bag bunch carton jug loaf can canned bottle box "
    "each bottles cans boxes bags family size value fresh organic natural original classic whole plain "
    "boneless skinless large medium small extra jumbo grade a aa and with in of the fat free reduced low "
    "1% 2% vitamin d unsalted salted lean regular light mild sharp thin thick cut style per raw "
    "pasteurized farm cage range grass fed pasture raised wild caught seedless mini baby petite "
    "pouch tray mega double triple ultra soft strong sheet sheets select premium "
    "homestyle traditional deluxe pure real 100% all natural fl tub container clamshell net wt "
    "crown crowns head heads stalk stalks hearts bulb vine on the multipack multi jar variety "
    "ounce ounces pound pounds dozen each ea le dinner meal kit"
)
# Packaging and size words a product's name may leave out ("juice boxes", "bag of rice").
PACKAGING_WORDS = word_set(
    "box bag pack pk can canned jar bottle carton container tub jug ct count oz lb gal gallon quart pint "
    "each roll mega double triple family size value multipack pouch tray case"
)
# Nouns after the head that name a part or cut of the same product ("chicken breast").
PART_WORDS = word_set(
    "breast thigh wing drumstick leg fillet filet loin tenderloin chop cutlet tender strip leaf floret "
    "spear slice chunk half piece link patty round rib roast shoulder steak"
)
# Nouns that, after the line's word, make the name another product ("Tomato Soup", "Milk
# Chocolate"). Other words there only say which kind ("Bread 21 Whole Grains").
PRODUCT_NOUNS = word_set(
    "soup bread juice sauce cheese noodle pudding cake muffin pie cookie bar candy chip cracker yogurt "
    "cream milk butter jam jelly syrup dressing spread mix powder seasoning extract oil paste salsa dip "
    "drink smoothie shake pop tea roll snack gummy water soda latte broth stock ketchup vinegar "
    "chocolate creamer cup bite puff wafer popsicle bun bagel biscuit tortilla pizza pasta sausage "
    "burger nugget fry tot casserole crisp flake granola waffle pancake spray wipe "
    "detergent soap lotion shampoo candle frosting icing filling topping glaze marinade rub wrap "
    "chips sandwich salad pastry danish donut scone tart bagel cobbler crumble sorbet sherbet gelato "
    "lemonade cider wine beer liqueur ale cereal hummus spread relish pickle mustard mayonnaise"
)
# Two-word names whose last word is not what the product is ("peanut butter" is not butter,
# "ice cream" is not cream, "green onions" are not onions): the pair names another product.
COMPOUNDS = frozenset(
    phrase(item)
    for item in (
        "peanut butter", "almond butter", "apple butter", "cocoa butter", "cookie butter", "nut butter",
        "sunflower butter", "ice cream", "sour cream", "cream cheese", "coconut milk", "almond milk",
        "oat milk", "soy milk", "rice milk", "cashew milk", "chocolate milk", "coconut water",
        "rice cake", "egg roll", "hot dog", "corn dog", "sweet potato", "green onion", "garlic bread",
        "banana bread", "corn bread", "egg noodle", "rice noodle", "tomato sauce", "apple sauce",
        "coconut oil", "olive oil", "peanut oil", "cottage cheese", "mac cheese", "string cheese",
        "vegetable broth", "chicken broth", "beef broth", "root beer", "ginger ale", "club soda",
        "cream soda", "tonic water", "half and half", "whipped cream", "powdered sugar", "brown sugar",
        "chocolate chip", "tortilla chip", "bell pepper",
        "black pepper", "banana pepper", "chili pepper", "red pepper", "rice vinegar", "egg white",
        "beef jerky", "veggie burger", "plant based", "banana chip", "apple chip", "pita chip",
        "veggie chip", "kale chip", "bagel chip",
        "grape tomato",
    )
)  # fmt: skip


# Words a name may add to say what shelf it is on ("Frosted Flakes Cereal", "Spaghetti Pasta"):
# a label after the line's word keeps the product when the word is a kind of it.
ANY_BUT = "any but"
SHELF_LABELS = {
    "cereal": (ANY_BUT, word_set("rice corn wheat oat bran granola")),
    "pasta": ("", word_set("spaghetti penne macaroni rigatoni linguine fettuccine rotini farfalle lasagna "
                           "elbow shell ziti orzo angel hair bowtie")),
    "cheese": ("", word_set("cheddar mozzarella parmesan swiss provolone colby jack feta gouda brie ricotta "
                            "american monterey muenster havarti asiago romano")),
    "bread": ("", word_set("sourdough rye multigrain brioche ciabatta pumpernickel")),
    "bar": ("", word_set("chocolate granola protein candy")),
    "sauce": ("", word_set("marinara alfredo pesto barbecue bbq teriyaki hot buffalo")),
    "dinner": (ANY_BUT, frozenset()),
}  # fmt: skip


class Identity(IntEnum):
    """How well a candidate is the line's product (higher is better)."""

    NONE = 0  # the line's product word is not in its name
    OTHER = 1  # the word only modifies another product ("Tomato Soup" for "tomatoes")
    VARIETY = 2  # the product, but a compound or missing the line's modifiers ("diced")
    EXACT = 3  # the product, with every word of the line


@dataclass(frozen=True)
class Match:
    identity: Identity
    coverage: float  # share of the line's words the candidate has
    variety: frozenset[str]  # words naming what kind of it this is, beyond the line and brand
    extra_attributes: int  # attribute words the line did not ask for ("organic", "cage free")
    prefix: int = 0  # words before the line's own ("Honey Nut" Cheerios): a flavour of it


# Attributes that make a different drink or food for whoever did not ask for them.
CHANGING_ATTRIBUTES = {
    "diet": ("diet", "zero sugar", "zero calorie"),
    "decaf": ("decaf", "decaffeinated"),
    "pods": ("k cup", "k cups", "pod", "pods", "single serve"),
    "whole bean": ("whole bean",),
    "instant": ("instant",),
}


def expand_shorthand(term: str) -> str:
    """ "evoo" -> "extra virgin olive oil", "tp" -> "bath tissue" (whole phrases only)."""
    if not term.isascii():
        # Shorthand is English; normalising would drop another script's letters ("牛奶" -> "").
        return term
    text = f" {normalize(term)} "
    for short in sorted(SHORTHAND, key=len, reverse=True):
        # A one-word shorthand counts only as the line's last word: "diet pop" is soda, but
        # "hamburger buns" are buns.
        end = r"(?=\s)" if " " in short.strip() else r"(?=\s$)"
        text = re.sub(rf"(?<=\s){re.escape(normalize(short))}{end}", SHORTHAND[short], text)
    return " ".join(text.split())


@lru_cache(maxsize=CACHED_TEXTS)  # the same product names come back for every line of a list
def canonical(text: str) -> str:
    """The singular phrase with synonyms folded to Kroger's word ("toilet paper" -> "bath tissue")."""
    folded = f" {phrase(text)} "
    for group in SYNONYMS:
        canonical = phrase(group[0])
        for other in group[1:]:
            folded = folded.replace(f" {phrase(other)} ", f" {canonical} ")
    return " ".join(folded.split())


def _brand_words(brand_name: str) -> set[str]:
    return set(words(brand_name)) | _STORE_BRAND_WORDS


_STORE_BRAND_WORDS = frozenset(word for store in STORE_BRANDS for word in store.split())


def _attribute_words() -> frozenset[str]:
    found: set[str] = set()
    for name, phrases in ATTRIBUTES.items():
        for item in (name, *phrases):
            found.update(phrase(item).split())
    return frozenset(found)


ATTRIBUTE_WORDS = _attribute_words()


def names_brand(line: str, product: Product) -> bool:
    """Whether the line is only a brand and it is this product's brand."""
    return _names_brand(line, product.brand)


def _names_brand(line: str, brand_name: str) -> bool:
    brand = phrase(brand_name)
    wanted = BRAND_ALIASES.get(line, line)
    return bool(brand) and (wanted == brand or (wanted in KNOWN_BRANDS and f" {wanted} " in f" {brand} "))


def line_words(term: str) -> list[str]:
    """The content words of a line, canonical and singular ("toilet paper" -> bath, tissue)."""
    return [w for w in canonical(term).split() if w not in ("and", "of", "the", "a")]


def head(term_words: Sequence[str]) -> str:
    """The line's product word: its last word that is not packaging or a number."""
    content = [w for w in term_words if not re.match(r"^[\d.%/]+$", w) and w not in NEUTRAL - ATTRIBUTE_WORDS]
    return content[-1] if content else (term_words[-1] if term_words else "")


def match(term: str, product: Product, asked: frozenset[str] = frozenset()) -> Match:
    """How `product` stands as the product `term` names. `asked`: CHANGING_ATTRIBUTES keys the
    household's guidance asks for ("Soda: diet only"), so Diet Coke is their soda."""
    # Judged from the name, brand and categories alone; each line asks twice (what the line is,
    # then the ranking), and a list often asks again for the same products.
    return _match(term, product.description, product.brand, tuple(product.categories), frozenset(asked))


@lru_cache(maxsize=CACHED_TEXTS)
def _match(
    term: str, description: str, brand_name: str, categories: tuple[str, ...], asked: frozenset[str]
) -> Match:
    wanted = line_words(term)
    if not wanted:
        return Match(Identity.NONE, 0.0, frozenset(), 0)
    name = canonical(description).split()
    wanted, name = _join_compounds(wanted, name)
    brand = _brand_words(brand_name)
    if _names_brand(" ".join(wanted), brand_name):
        # "Folgers", "charmin", "coke": the line names the brand, so any of its products is that.
        variety = frozenset(
            w for w in name if w not in brand and w not in NEUTRAL and w not in ATTRIBUTE_WORDS
        )
        return Match(Identity.EXACT, 1.0, variety, 0)
    have = set(name) | set(words(brand_name)) | {w for c in categories for w in words(c)}
    # Packaging and size words ("juice boxes", "bag of") may be missing from a name.
    content = [w for w in wanted if w not in PACKAGING_WORDS] or wanted
    covered = [w for w in content if w in have or (len(w) > 4 and any(h.startswith(w) for h in have))]
    coverage = len(covered) / len(content)
    noun = head(wanted)
    variety = frozenset(
        w
        for w in name
        if w not in wanted
        and w not in brand
        and w not in NEUTRAL
        and w not in ATTRIBUTE_WORDS
        and not re.match(r"^[\d.%/$&']+$", w)
        and len(w) > 1
        and w not in SHELF_LABELS
    )
    extra_attributes = sum(1 for w in set(name) & ATTRIBUTE_WORDS if w not in wanted)
    if noun not in name:
        identity = Identity.NONE
        if coverage >= 0.5 and noun in have:
            identity = Identity.VARIETY
        return Match(identity, coverage, variety, extra_attributes)
    identity = _identity_at(name, noun, wanted)
    if identity == Identity.EXACT and coverage < 1:
        identity = Identity.VARIETY
    line_text, name_text = f" {' '.join(wanted)} ", f" {' '.join(name)} "
    for key, phrases in CHANGING_ATTRIBUTES.items():
        if key in asked:
            continue
        if any(f" {p} " in name_text for p in phrases) and not any(f" {p} " in line_text for p in phrases):
            identity = min(identity, Identity.VARIETY)
    index = name.index(wanted[0]) if wanted[0] in name else 0
    prefix = sum(
        1
        for w in name[:index]
        if w not in brand and w not in NEUTRAL and w not in ATTRIBUTE_WORDS and re.search(r"[a-z]", w)
    )
    return Match(identity, coverage, variety, extra_attributes, prefix)


def _join_compounds(wanted: list[str], name: list[str]) -> tuple[list[str], list[str]]:
    """ "oat milk" vs "Oatmilk", "applesauce" vs "Apple Sauce": the same word written two ways."""
    joined_name = {a + b: (a, b) for a, b in zip(name, name[1:], strict=False)}
    for word in wanted:
        if word in joined_name and word not in name:
            a, b = joined_name[word]
            i = next(i for i in range(len(name) - 1) if (name[i], name[i + 1]) == (a, b))
            name = [*name[:i], word, *name[i + 2 :]]
    for a, b in zip(wanted, wanted[1:], strict=False):
        if a + b in name:
            i = wanted.index(a)
            wanted = [*wanted[:i], a + b, *wanted[i + 2 :]]
            break
    return wanted, name


def _identity_at(name: list[str], noun: str, wanted: list[str]) -> Identity:
    """Judge the last place the head noun appears in the name."""
    index = len(name) - 1 - name[::-1].index(noun)
    following = []
    for word in name[index + 1 :]:
        if word in ("with", "in", "&", "-", "for", "made", "from", "on", "w", "and"):
            break
        following.append(word)
    # "Paper Towels 6 Rolls": a word after a number is a count, not another product.
    content = [
        w
        for i, w in enumerate(following)
        if w not in NEUTRAL and not re.match(r"^[\d.%/]+$", w) and not (i and following[i - 1].isdigit())
    ]
    while content and _is_label(content[0], noun, wanted):
        content = content[1:]
    if len(content) >= 2 and content[0] == "pasta" and _is_label(content[1], noun):
        content = content[2:]  # "Marinara Pasta Sauce"
    if content and content[0] not in PART_WORDS and content[0] not in wanted and content[0] in PRODUCT_NOUNS:
        return Identity.OTHER
    # "Strawberry on the Bottom Greek Yogurt": a product noun further on is the real head.
    rest = []
    for word in name[index + 1 :]:
        if word in ("with", "w", "-", "made", "from"):
            break
        rest.append(word)
    if any(w in PRODUCT_NOUNS and w not in wanted and not _is_label(w, noun, wanted) for w in rest[1:]):
        return Identity.OTHER
    before = name[index - 1] if index else ""
    if before and before not in wanted and f"{before} {noun}" in COMPOUNDS:
        return Identity.VARIETY
    return Identity.EXACT


def _is_label(word: str, noun: str, wanted: Sequence[str] = ()) -> bool:
    kind, heads = SHELF_LABELS.get(word, (None, frozenset()))
    if kind is None:
        return False
    if kind == ANY_BUT:
        # "Rice Cereal" is not rice, but "Mini Wheats ... Cereal" is the mini wheats asked for.
        return noun not in heads or len(wanted) > 1
    return noun in heads


def refine_by_category(matches: dict[str, Match], products: Sequence[Product]) -> dict[str, Match]:
    """Demote look-alikes Kroger files elsewhere: a near match outside every category of the exact
    matches ("Peanut Butter" among the butters is filed under pantry, not dairy)."""
    exact = [p for p in products if matches[p.product_id].identity == Identity.EXACT]
    counts: dict[str, int] = {}
    for product in exact:
        for category in {c.lower() for c in product.categories}:
            counts[category] = counts.get(category, 0) + 1
    if not counts:
        return matches
    refined = dict(matches)
    for product in products:
        found = matches[product.product_id]
        categories = {c.lower() for c in product.categories}
        if not categories or found.identity != Identity.VARIETY or categories & set(counts):
            continue
        refined[product.product_id] = replace(found, identity=Identity.OTHER)
    return refined
