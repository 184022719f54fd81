"""What the picker knows of one candidate product: its unit price, brand, attributes, flavour
and cut, and whether it is what a rule asks for. Shared by every step of `scoring`."""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from kroger.schemas import Product
from shopping.lexicon import ATTRIBUTES, BRAND_ALIASES, EXCLUSIVE_GROUPS, STORE_BRANDS
from shopping.text import CACHED_TEXTS, normalize, phrase
from shopping.units import measure

from .identity import ATTRIBUTE_WORDS, PACKAGING_WORDS, Match, canonical
from .rules import Rule, RuleKind


@dataclass
class Candidate:
    product: Product
    position: int
    match: Match
    unit_price: Decimal | None = None
    size: tuple[Decimal, str] | None = None


@dataclass
class Ranking:
    """Candidates best first, and what happened on the way."""

    ranked: list[Candidate]
    removed: list[tuple[Product, Rule, str]]  # excluded: product, rule, evidence
    out_of_stock: list[Candidate]
    decided: list[Rule] = field(default_factory=list)
    doubts: list[str] = field(default_factory=list)  # why the shopper should choose
    size_matched: bool = False
    rules: tuple[Rule, ...] = ()
    pool_size: int = 0  # how many of `ranked` passed every step
    vague: bool = False  # the line names a whole shelf ("cereal") unless a rule settles which


def is_weighed(product: Product) -> bool:
    """Sold by weight: Kroger's price is per pound and the size is about what a pack weighs."""
    return product.sold_by.upper() == "WEIGHT"


def unit_price(product: Product) -> tuple[Decimal, str] | None:
    if product.price is not None and is_weighed(product):
        return product.price / 16, "weight"  # per lb -> per oz
    size = measure(product.size)
    if product.price is None or size is None:
        return None
    return product.price / size[0], size[1]


def pack_price(product: Product) -> Decimal | None:
    """What one pack costs at the shelf (a weighed pack: its price per lb times its weight)."""
    size = measure(product.size)
    if product.price is not None and is_weighed(product) and size and size[1] == "weight":
        return product.price * size[0] / 16
    return product.price


def is_store_brand(product: Product) -> bool:
    brand = normalize(product.brand)
    return any(brand == name or brand.startswith(name + " ") for name in STORE_BRANDS)


def not_sold_here(product: Product) -> bool:
    """Kroger says the store cannot sell it at all (no in-store, pickup or delivery)."""
    options = product.fulfillment or {}
    known = any(options.values()) or product.regular_price is not None
    return known and not (options.get("in_store") or options.get("curbside") or options.get("delivery"))


def matches_rule(product: Product, rule: Rule) -> bool:
    """Whether the product is what a brand, attribute or on-sale rule asks for."""
    text = canonical(f"{product.brand} {product.description}")
    if rule.kind == RuleKind.ATTRIBUTE:
        return has_attribute(product, rule.value)
    if rule.kind == RuleKind.BRAND:
        brand, wanted = phrase(product.brand), phrase(BRAND_ALIASES.get(rule.value, rule.value))
        named = bool(brand) and (brand == wanted or f" {wanted} " in f" {text} ")
        qualifier = canonical(" ".join(rule.qualifier)).split()
        return named and all(f" {w} " in f" {text} " for w in qualifier if w not in BRAND_FILLERS)
    if rule.kind == RuleKind.STORE_BRAND:
        return is_store_brand(product) or not product.brand.strip()  # loose produce: no name brand
    if rule.kind == RuleKind.ON_SALE:
        return product.on_sale
    return False


BRAND_FILLERS = frozenset({"box", "pack", "bottle", "can", "jar", "bag", "loaf", "good", "and", "&", "of"})


def has_attribute(product: Product, value: str) -> bool:
    """Whether the product has the attribute ("free-range|pasture-raised": either)."""
    return _names_attribute(_attribute_text(product), value)


def _attribute_text(product: Product) -> str:
    return f"{product.brand} {product.description} {product.size}"


@lru_cache(maxsize=CACHED_TEXTS)  # asked for every candidate, flavour and rule of every line
def _names_attribute(name: str, value: str) -> bool:
    text = f" {phrase(name)} "
    for one in value.split("|"):
        phrases = (one.replace("-", " "), *ATTRIBUTES.get(one, ()))
        if any(f" {phrase(p)} " in text for p in phrases):
            return True
    return False


DEFAULT_ATTRIBUTE_WORDS = frozenset({"salted", "white", "regular", "original", "classic", "vitamin", "d"})


FLAVOURS = next(group for group, about in EXCLUSIVE_GROUPS if not about) - {"plain"}


def flavoured(product: Product, line: str) -> bool:
    """A flavour the line did not ask for ("Honey Nut" Cheerios for "cheerios")."""
    return any(f" {flavour} " not in line for flavour in _flavours_named(_attribute_text(product)))


@lru_cache(maxsize=CACHED_TEXTS)  # every candidate of every line, against every flavour
def _flavours_named(name: str) -> tuple[str, ...]:
    """The flavours a product's name names, as phrases."""
    return tuple(phrase(flavour) for flavour in FLAVOURS if _names_attribute(name, flavour))


# Cuts of a product sold whole too, by their spellings ("Sliced", "Slices").
CUTS = {
    "slice": ("slice", "sliced"),
    "shred": ("shred", "shredded"),
    "grate": ("grated",),
    "crumble": ("crumble", "crumbled"),
    "cube": ("cube", "cubed"),
    "dice": ("diced",),
    "crush": ("crushed",),
    "chop": ("chopped",),
    "mince": ("minced",),
}


def cuts(text: str) -> set[str]:
    found = set(text.split())
    return {cut for cut, spellings in CUTS.items() if found.intersection(spellings)}


def cut_unasked(product: Product, line: str) -> bool:
    """A cut the line did not ask for ("Slices" of cheddar for "cheddar")."""
    return bool(cuts(phrase(product.description)) - cuts(line))


def defaults_in(product: Product) -> int:
    """Attribute words that are the default anyway ("salted" butter, "white" eggs)."""
    return len(set(phrase(product.description).split()) & DEFAULT_ATTRIBUTE_WORDS)


def attribute_words(product: Product) -> set[str]:
    return set(phrase(product.description).split()) & ATTRIBUTE_WORDS


def most_specific(product: Product, group: frozenset[str]) -> str:
    """The product's value in the group ("Extra Sharp" is extra sharp, not also sharp)."""
    found = [v for v in group if has_attribute(product, v)]
    return max(found, key=len) if found else ""


def kind_words(product: Product) -> frozenset[str]:
    """The words of a product's name that say which kind it is (not its brand or pack)."""
    brand = set(phrase(product.brand).split())
    return frozenset(phrase(product.description).split()) - PACKAGING_WORDS - DEFAULT_ATTRIBUTE_WORDS - brand


def names_brand_of(out: Candidate, best: Candidate) -> bool:
    """The same brand: what the household knows by name ("Eggland's Best") came in another kind."""
    return phrase(out.product.brand) == phrase(best.product.brand)
