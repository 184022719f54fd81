"""Household exclusions (allergens, ingredients, diets): hard filters on every product shown.

A product is judged on Kroger's allergen data first (`allergens`, v1.3), then its ingredient
statement, then its name against the ingredient vocabulary in `lexicon.EXCLUSIONS`. "May
contain" counts: a household that wrote "no peanuts" would not want a may-contain bar.
"""

import re
from collections.abc import Iterable

from kroger.schemas import Product
from shopping.lexicon import CONTAINING_LEVELS, EXCLUSIONS, Exclusion
from shopping.text import contains_phrase, phrase

from .rules import GuidanceRules, Rule, RuleKind

SEAFOOD = ("fish", "shellfish")


def _keys(key: str) -> list[str]:
    """An exclusion key and every key it implies ("nuts" -> nuts, peanuts, tree nuts)."""
    found = [key]
    for other in EXCLUSIONS.get(key, Exclusion(key)).includes:
        found += [k for k in _keys(other) if k not in found]
    return found


def _without(text: str, phrases: Iterable[str]) -> str:
    for item in sorted(phrases, key=len, reverse=True):
        text = re.sub(rf"(?<![a-z0-9]){re.escape(phrase(item))}s?(?![a-z0-9])", " ", text)
    return text


def evidence(product: Product, key: str) -> str:
    """How `product` gives away exclusion `key` ("May contain peanuts"), or "" when it doesn't."""
    declared_free = {phrase(a.name) for a in product.allergens if a.level == "free_from"}
    for sub in _keys(key):
        exclusion = EXCLUSIONS.get(sub, Exclusion(sub, words=(sub,)))
        allergen_names = {phrase(name) for name in exclusion.allergens}
        for allergen in product.allergens:
            if allergen.level in CONTAINING_LEVELS and phrase(allergen.name) in allergen_names:
                verb = "Contains" if allergen.level == "contains" else "May contain"
                return f"{verb} {allergen.name.lower()}"
        if allergen_names & declared_free:
            continue
        vocabulary = exclusion.words or (sub,)
        if product.ingredients:
            ingredients = _without(phrase(product.ingredients), exclusion.not_when)
            if hit := next((w for w in vocabulary if contains_phrase(ingredients, phrase(w))), None):
                return f"Ingredients list {hit}"
        name = _without(phrase(f"{product.brand} {product.description}"), exclusion.not_when)
        name = re.sub(r"\b(\w+(?: \w+)?) free\b", " ", name)  # "peanut free" denies it
        if any(contains_phrase(name, phrase(w)) for w in exclusion.other_kinds):
            vocabulary = (sub,)  # "Turkey Bacon": only the word itself ("pork") still counts
        if hit := next((w for w in vocabulary if contains_phrase(name, phrase(w))), None):
            return f"Has {hit} (from its name)"
        # Kroger files fish under "Meat & Seafood": the name says which it is.
        seafood = any(contains_phrase(name, phrase(w)) for key in SEAFOOD for w in EXCLUSIONS[key].words)
        if sub == "meat" and any(c.lower().startswith("meat") for c in product.categories) and not seafood:
            return "Sold as meat"
    return ""


def excluded_by(product: Product, rules: Iterable[Rule]) -> tuple[Rule, str] | None:
    """The first exclusion rule `product` breaks and the evidence, if any."""
    for rule in rules:
        if rule.kind == RuleKind.EXCLUDE and (found := evidence(product, rule.value)):
            return rule, found
    return None


def why_excluded(product: Product, guidance: GuidanceRules) -> str:
    """Why the household's guidance rules this product out ("May contain peanuts — your
    guidance: “No peanuts, allergy”"), or "" when nothing does."""
    rules = [r for r in guidance.rules if r.kind == RuleKind.EXCLUDE and not r.scope]
    hit = excluded_by(product, rules)
    return f"{hit[1]} — your guidance: “{hit[0].text}”" if hit else ""
