"""The rules guidance is read into, and how they apply to one list line.

A `Rule` is one explicit preference with a scope (the products it is about); `GuidanceRules`
picks, for one line, the rules that decide: exclusions always, and in each dimension only the
most specific. Reading the household's words into rules is `reading.py`.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum
from functools import cache

from shopping.lexicon import (
    ATTRIBUTES,
    CATEGORIES,
    EXCLUSIONS,
    EXCLUSIVE_GROUPS,
    KNOWN_BRANDS,
    KROGER_CATEGORIES,
    STORE_BRANDS,
    word_set,
)
from shopping.text import contains_phrase, normalize, phrase

from .identity import COMPOUNDS, PART_WORDS, canonical
from .identity import head as _head


class RuleKind(StrEnum):
    BRAND = "brand"
    STORE_BRAND = "store_brand"
    ATTRIBUTE = "attribute"
    EXCLUDE = "exclude"
    PRICE = "price"  # value: "cheapest" or "unit_price"
    ON_SALE = "on_sale"
    SIZE = "size"  # value: "largest", "smallest" or a target such as "gallon"
    INDIFFERENT = "indifferent"
    NO_SUBSTITUTES = "no_substitutes"  # "if it isn't there, don't swap": never a substitute


# Which rules compete: within one dimension the most specific rule wins, the others step aside.
DIMENSIONS = {
    RuleKind.BRAND: "brand",
    RuleKind.STORE_BRAND: "brand",
    RuleKind.PRICE: "price",
    RuleKind.SIZE: "size",
    RuleKind.ON_SALE: "on_sale",
}
PACKAGING = word_set("box boxe bag pack can jar bottle carton container tub loaf bunch good goods roll")


@dataclass(frozen=True)
class Rule:
    """One explicit preference, about the products in `scope` (empty: every product).

    `margin` makes a preference conditional: with `margin_kind` "premium" the alternative
    (`versus`: "name brand" or an attribute) wins when it costs less than `margin` more; with
    "saving" it wins when it is more than `margin` cheaper. Prices are compared per unit.
    """

    kind: RuleKind
    value: str
    text: str
    prefer: bool = True
    strong: bool = False
    scope: tuple[str, ...] = ()
    margin: Decimal | None = None
    margin_kind: str = ""
    versus: str = ""
    size_target: tuple[Decimal, str] | None = None
    qualifier: tuple[str, ...] = ()  # words a brand rule's product must also have ("apple juice")
    known_brand: bool = True  # False: a capitalised name no list knows; counts only if Kroger's brands do
    about_line: bool = False  # set by `for_term`: the rule names this very product, not its category

    @property
    def dimension(self) -> str:
        return DIMENSIONS.get(self.kind, f"{self.kind}:{self.value}")

    def specificity(self, term: str, categories: Iterable[str] = ()) -> int:
        """How closely this rule is about `term`: 3 names it, 2 names its category, 1 applies to
        everything, 0 is about other products."""
        if not self.scope:
            return 1
        term_phrase = canonical(term)
        term_words = set(term_phrase.split()) - PACKAGING
        folded = {normalize(c) for c in categories}
        kroger_categories, term_categories = SCOPE_KROGER_CATEGORIES, SCOPE_TERM_CATEGORIES
        best = 0
        term_head = head_of(term_phrase)
        for scope in map(canonical, self.scope):
            content = [w for w in scope.split() if w not in PACKAGING] or scope.split()
            # About the same product: the same head noun ("chicken" is not "chicken noodle soup").
            same_head = head_of(scope) == term_head or len(content) == 1 and content[0] == term_head
            # "Laundry: Tide" is about laundry detergent; "Chicken: organic" is not about soup.
            same_head = same_head or (set(content) <= term_words and not set(content) & STANDALONE_PRODUCTS)
            # "milk" guidance is not about "coconut milk": a compound names another product.
            other_product = len(content) == 1 and term_phrase in COMPOUNDS and content[0] != term_phrase
            if (
                same_head
                and not other_product
                and (set(content) <= term_words or (term_words and term_words <= set(content)))
            ):
                best = max(best, 3)
            elif scope in folded and not other_product:
                best = max(best, 3)  # the store's matches are mostly "... Pasta": this is pasta
            elif scope in kroger_categories and folded & KNOWN_KROGER_CATEGORIES:
                # Kroger's own categories say what the line is ("diced tomatoes" are canned, not produce).
                best = max(best, 2 if folded & kroger_categories[scope] else 0)
            elif any(contains_phrase(term_phrase, phrase(item)) for item in term_categories.get(scope, ())):
                best = max(best, 2)
        return best

    def applies_to(self, term: str, categories: Iterable[str] = ()) -> bool:
        return self.specificity(term, categories) > 0


STANDALONE_PRODUCTS = frozenset(
    word for items in CATEGORIES.values() for item in items for word in phrase(item).split()
) | frozenset(
    phrase(word)
    for word in ["milk", "cheese", "egg", "bread", "chicken", "beef", "pork", "fish", "rice", "pasta", "oil"]
)
# Category scopes keyed the way scopes are written (singular phrases), built once.
SCOPE_KROGER_CATEGORIES = {phrase(k): {normalize(c) for c in v} for k, v in KROGER_CATEGORIES.items()}
SCOPE_TERM_CATEGORIES = {phrase(k): v for k, v in CATEGORIES.items()}
KNOWN_KROGER_CATEGORIES = frozenset(normalize(c) for names in KROGER_CATEGORIES.values() for c in names)


@dataclass(frozen=True)
class GuidanceRules:
    rules: tuple[Rule, ...] = ()
    not_understood: tuple[str, ...] = ()

    def for_term(self, term: str, categories: Iterable[str] = ()) -> tuple[Rule, ...]:
        """The rules that decide for `term`: hard exclusions always; in each other dimension only
        the most specific rules; a line's own words beat any rule in their dimension."""
        categories = tuple(categories)
        line = normalize(term)
        applicable = [
            (rule, rule.specificity(term, categories))
            for rule in self.rules
            if rule.kind != RuleKind.INDIFFERENT
        ]
        applicable = [(rule, level) for rule, level in applicable if level > 0]
        best: dict[str, int] = {}
        for rule, level in applicable:
            if rule.kind != RuleKind.EXCLUDE:
                best[rule.dimension] = max(best.get(rule.dimension, 0), level)
        chosen = []
        for rule, level in applicable:
            if (
                rule.kind == RuleKind.EXCLUDE
                or level == best[rule.dimension]
                and not line_overrides(line, rule)
            ):
                chosen.append(replace(rule, about_line=level == 3))
        indifferent = {r.value for r in self.rules if r.kind == RuleKind.INDIFFERENT and r.applies_to(term)}
        return tuple(
            rule
            for rule in chosen
            if not (rule.kind == RuleKind.ATTRIBUTE and rule.value in indifferent)
            # "Store brand vs name brand: whichever is cheaper" drops brand rules, not price ones.
            and not (
                "brand" in indifferent
                and (rule.kind == RuleKind.STORE_BRAND or (rule.kind == RuleKind.BRAND and not rule.scope))
                and not rule.strong
            )
        )


def head_of(text: str) -> str:
    """The product a phrase names, its cut or packaging aside ("chicken breast" is chicken)."""
    found = [w for w in text.split() if w not in PACKAGING]
    while len(found) > 1 and found[-1] in PART_WORDS:
        found.pop()
    return _head(found)


def conflicts(guidance: "GuidanceRules", term: str, context: Iterable[str] = ()) -> tuple[Rule, ...]:
    """Strong rules ("never skim", "never diet") the list line itself contradicts: the household
    has to say which holds, so such a line is never picked silently."""
    line = normalize(term)
    named = set(brands_named(line))
    return tuple(
        rule
        for rule in guidance.rules
        if rule.strong
        and (rule.applies_to(term, context) or any(head_of(canonical(s)) in context for s in rule.scope))
        and (
            (rule.kind == RuleKind.ATTRIBUTE and line_overrides(line, rule) and not rule.prefer)
            # "Topo Chico is the only sparkling water we drink", and the list says "lacroix"
            or (
                rule.kind == RuleKind.BRAND
                and rule.prefer
                and rule.scope
                and named
                and rule.value not in named
            )
            # "Name brand only if it's on sale - otherwise store brand", and the list says "cheerios"
            or (rule.kind == RuleKind.STORE_BRAND and rule.prefer and named and not named_store(named))
        )
    )


def named_store(named: Iterable[str]) -> bool:
    return any(brand in STORE_BRANDS for brand in named)


def line_overrides(line: str, rule: Rule) -> bool:
    """Whether the list line's own words settle what `rule` is about ("skim milk" vs "whole milk")."""
    if rule.kind == RuleKind.ATTRIBUTE:
        for group in EXCLUSIVE_GROUPS:
            if rule.value in group and any(_mentions_attribute(line, other) for other in group):
                return True
        return not rule.prefer and _mentions_attribute(line, rule.value)
    if rule.kind in (RuleKind.BRAND, RuleKind.STORE_BRAND):
        return bool(brands_named(line)) or "store brand" in line
    if rule.kind == RuleKind.SIZE:
        return bool(re.search(r"\d", line))
    return False


def _mentions_attribute(text: str, value: str) -> bool:
    return any(
        contains_phrase(text, normalize(p)) for p in (value.replace("-", " "), *ATTRIBUTES.get(value, ()))
    )


@cache
def brands_named(text: str) -> tuple[str, ...]:
    """Known brands named in a normalised text, longest first, without overlaps."""
    found: list[str] = []
    for brand in sorted(KNOWN_BRANDS | set(STORE_BRANDS), key=len, reverse=True):
        if contains_phrase(text, brand) and not any(brand in other for other in found):
            found.append(brand)
    return tuple(found)


# --- Describing ---------------------------------------------------------------------------


def describe_rule(rule: Rule) -> str:
    """What the picker does with a rule, in the shopper's terms: "Prefers: free-range (eggs, poultry)"."""
    if rule.kind == RuleKind.NO_SUBSTITUTES:
        return "Never a substitute: asks when the exact product isn't there"
    if rule.kind == RuleKind.INDIFFERENT:
        return "Doesn't mind: " + ("which brand" if rule.value == "brand" else f"{rule.value} or not")
    if rule.kind == RuleKind.EXCLUDE:
        verb = "Never buys"
    elif rule.prefer:
        verb = "Insists on" if rule.strong else "Prefers"
    else:
        verb = "Never buys" if rule.strong else "Avoids"
    what = {
        RuleKind.BRAND: f"{brand_title(rule.value)} brand",
        RuleKind.STORE_BRAND: "the store brand",
        RuleKind.ON_SALE: "what is on sale",
        RuleKind.PRICE: "the lowest price" if rule.value == "cheapest" else "the best price per unit",
        RuleKind.EXCLUDE: EXCLUSIONS[rule.value].label if rule.value in EXCLUSIONS else rule.value,
    }.get(rule.kind, rule.value)
    if rule.kind == RuleKind.SIZE:
        what = f"the {rule.value} size" if rule.size_target is None else f"a {rule.value} size"
    scope = f" ({', '.join(rule.scope)})" if rule.scope else " (every item)"
    unless = ""
    if rule.margin is not None:
        other = rule.versus or ("a name brand" if rule.kind == RuleKind.STORE_BRAND else "the alternative")
        unless = {
            "premium": f", unless {other} costs less than ${rule.margin:.2f} more",
            "saving": f", unless {other} is more than ${rule.margin:.2f} cheaper",
            "within": f", when it costs less than ${rule.margin:.2f} more",
            "on_sale": f", unless {other} is on sale"
            if rule.kind == RuleKind.STORE_BRAND
            else ", when it's on sale",
            "sale_saving": f", unless {other} is on sale for less",
        }[rule.margin_kind]
        unless += "" if rule.margin_kind == "on_sale" else " (compared per unit)"
    note = "" if rule.known_brand else " — a name we check against the store's brands"
    return f"{verb}: {what}{scope}{unless}{note}"


def brand_title(brand: str) -> str:
    """ "dave's killer bread" -> "Dave's Killer Bread" (str.title() would say "Dave'S")."""
    return " ".join(word[:1].upper() + word[1:] for word in brand.split())
