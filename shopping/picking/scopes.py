"""The scope of a guidance rule: which products it is about ("Heinz for ketchup" is about
ketchup; "Jonas only drinks Starbucks" about wherever Starbucks is on the shelf)."""

import re
from dataclasses import replace

from shopping.lexicon import CATEGORIES, GRADE_OF, KROGER_CATEGORIES, STOPWORDS, SYNONYMS
from shopping.text import normalize, phrase

from .identity import PART_WORDS, PRODUCT_NOUNS, canonical, expand_shorthand
from .phrases import NOT_PRODUCTS
from .rules import PACKAGING, STANDALONE_PRODUCTS, Rule, RuleKind


def names_products(text: str) -> bool:
    return bool(set(canonical(text).split()) & PRODUCT_WORDS)


# Attributes that are a product's form: said of nothing in particular, they are about nothing.
FORMS = frozenset({"ground", "whole bean", "sliced", "shredded", "diced", "crushed", "minced", "grated"})


# Products whose names hold "and" ("mac and cheese", "half and half").
AND_NAMES = sorted(
    {item for group in SYNONYMS for item in group if " and " in item}
    | {item for items in CATEGORIES.values() for item in items if " and " in item},
    key=len,
    reverse=True,
)


# Words that name groceries (singular, canonical): what a scope must hold to be about products.
PRODUCT_WORDS = (
    (
        PRODUCT_NOUNS
        | STANDALONE_PRODUCTS
        | PART_WORDS
        | {w for key in CATEGORIES for w in phrase(key).split()}
        | {w for group in SYNONYMS for item in group for w in canonical(item).split()}
        | {w for key in KROGER_CATEGORIES for w in phrase(key).split()}
    )
    - STOPWORDS
    - PACKAGING
)


def colon_scope(clause: str) -> str:
    """ "Canned goods: cheapest per ounce" is about canned goods ("Celiac in the house: ..." isn't)."""
    match = re.match(r"^\s*(?:for\s+)?(?:our\s+|my\s+|the\s+)?([A-Za-z' &-]{3,40}?)\s*:", clause)
    if not match:
        return ""
    named = [w for w in normalize(match[1]).split() if w not in STOPWORDS and w not in NOT_PRODUCTS]
    return match[1] if named else ""


def scoped(rules: list[Rule], main: str, used: list[str], applies_to: str, colon: str = "") -> list[Rule]:
    """Give each rule the products its clause names: an explicit "applies to", the words after
    "for"/before a colon, else what is left once rule words are taken out."""
    if not rules:
        return []
    if applies_to.strip() or colon:
        # "Cleaning and paper goods: cheapest store brand" is about both ("mac and cheese" is one).
        named = applies_to if applies_to.strip() else colon
        for name in AND_NAMES:
            named = re.sub(rf"\b{re.escape(name)}\b", name.replace(" and ", "_and_"), normalize(named))
        parts = (normalize(x).replace("_and_", " and ") for x in re.split(r",|\band\b|&|/", named))
        scope: tuple[str, ...] = tuple(p for p in parts if p)
    elif all(rule.kind == RuleKind.EXCLUDE for rule in rules):
        scope = ()  # allergens and diets hold for every item unless a line says otherwise
    else:
        scope = _scope_words(main, used)
    # Leftover words that name no product ("Jonas only drinks Starbucks", "Family of seven: the
    # bigger package ..."): a brand, price or size rule is then about every line it can decide.
    loose = not applies_to.strip() and not colon and not any(names_products(s) for s in scope)
    scoped = []
    for rule in rules:
        rule_scope = () if rule.kind == RuleKind.EXCLUDE and not applies_to.strip() else scope
        if loose and rule.kind in (RuleKind.BRAND, RuleKind.PRICE, RuleKind.SIZE):
            rule_scope = ()
        if not rule_scope and rule.kind == RuleKind.ATTRIBUTE and rule.value in FORMS:
            continue  # "..., ground": a form of what? Not of every product in the house
        if not rule_scope and rule.kind == RuleKind.ATTRIBUTE and rule.value in GRADE_OF:
            rule_scope = (GRADE_OF[rule.value],)
        qualifier = tuple(w for s in rule_scope for w in phrase(s).split() if w not in PACKAGING)
        scoped.append(
            replace(rule, scope=rule_scope, qualifier=qualifier if rule.kind == RuleKind.BRAND else ())
        )
    return scoped


def _scope_words(main: str, used: list[str]) -> tuple[str, ...]:
    explicit = re.match(
        r"^(?:for\s+)?(?:our\s+|my\s+|the\s+)?([a-z' ]+?)\s*(?::|\bis\b|\bare\b|\bshould be\b|\bmeans\b)\s",
        main + " ",
    )
    rest = main
    if match := re.search(r"\bfor\s+(?:our\s+|the\s+|my\s+)?([a-z' &]+)$", main):
        before = main[: match.start()]
        for item in used:
            before = re.sub(rf"(?<![a-z0-9]){re.escape(item)}s?(?![a-z0-9])", " ", before)
        # "Heinz for ketchup" is about ketchup; "apple juice boxes for the lunches" about the boxes.
        if not [w for w in before.split() if w not in STOPWORDS and w not in NOT_PRODUCTS and len(w) > 2]:
            rest = match[1]
        else:
            rest = main[: match.start()]
    elif explicit and not any(explicit[1].strip() == u for u in used):
        rest = explicit[1]
    for item in sorted(used, key=len, reverse=True):
        rest = re.sub(rf"(?<![a-z0-9]){re.escape(item)}s?(?![a-z0-9])", " , ", rest)
    rest = re.sub(r"\$\s*\d+(?:\.\d+)?|\d+(?:\.\d+)?\s*(?:%|cents?|¢)?", " ", rest)
    for name in AND_NAMES:  # "mac and cheese" is one product, not two
        rest = re.sub(rf"\b{re.escape(name)}\b", name.replace(" and ", "_and_"), rest)
    phrases = []
    for chunk in re.split(r"\s*(?:,|\band\b|\bor\b|&|/|\bfor\b|\bis\b|\bare\b|:|\bif\b|\bwhen\b)\s*", rest):
        kept = [
            w
            for w in chunk.split()
            if w not in STOPWORDS
            and w.removesuffix("'s") not in STOPWORDS
            and w not in NOT_PRODUCTS
            and len(w) > 1
            and w not in ("brand", "name")
        ]
        while len(kept) > 1 and kept[0] in PACKAGING:
            kept.pop(0)  # "pack of paper towels" is about paper towels
        if kept:
            phrases.append(expand_shorthand(" ".join(kept).replace("_and_", " and ")))
    if any(w in ("everything", "anything", "all") for w in main.split()) and not phrases:
        return ()
    return tuple(dict.fromkeys(phrases))
