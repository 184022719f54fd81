"""The phrase patterns of guidance: price and size words, conditions ("unless … under $1 more"),
and exclusions ("no peanuts — allergy", "tree nut allergy", "we avoid pork"). Used by `reading`."""

import re
from decimal import Decimal

from shopping.lexicon import (
    ATTRIBUTES,
    EXCLUSION_NAMES,
    MONEY,
    NEGATION,
    SIZE_TARGETS,
    STOPWORDS,
    STORE_BRANDS,
    word_set,
)
from shopping.text import contains_phrase, normalize

from .rules import RuleKind

NOT_PRODUCTS = word_set(
    "household house home family kids celiac coeliac lactose intolerant halal kosher vegetarian vegan "
    "allergy allergic students student everything rule rules note diet lunch lunches otherwise whatever's "
    "labelled labeled marked certified real genuine one two three four five six seven eight nine ten"
)


def only_store_brands(text: str) -> bool:
    names = [normalize(part) for part in re.split(r",|/|\bor\b|\band\b", text) if part.strip()]
    return bool(names) and all(name.rstrip("s") in STORE_BRANDS or name in STORE_BRANDS for name in names)


def split_condition(text: str) -> tuple[str, str]:
    """ "store brand unless x is under $1 more" -> ("store brand", "x is under $1 more")."""
    match = re.search(r"\b(?:unless|except (?:when|if)|but not if)\b", text)
    if match:
        return text[: match.start()].strip(), text[match.end() :].strip()
    match = re.search(r"\b(?:if|when|as long as|so long as|provided)\b(?=.*(?:\$|\d|cent|¢|same))", text)
    if match:
        return text[: match.start()].strip(), "if " + text[match.end() :].strip()
    return text, ""


def read_condition(unless: str) -> dict:
    """The price condition of an "unless"/"if" part, as Rule fields ({} when there is none)."""
    amount = money(unless)
    if amount is None and re.search(r"\bname brands?\b[^.]*\bon sale\b", unless):
        # "store brand unless the name brand is on sale", "... on sale for less" (per unit)
        cheaper = re.search(r"\b(?:for less|cheaper|less than)\b", unless)
        kind = "sale_saving" if cheaper else "on_sale"
        return {"margin": Decimal(0), "margin_kind": kind, "versus": "name brand"}
    if amount is None:
        return {}
    is_if = unless.startswith("if ")
    versus = ""
    for name, phrases in ATTRIBUTES.items():
        if any(contains_phrase(unless, p) for p in (name.replace("-", " "), *phrases)):
            versus = name
            break
    if not versus and re.search(
        r"\bname brands?\b|\bnational brands?\b|\bbrand name\b|\bother brands?\b", unless
    ):
        versus = "name brand"
    saving = bool(re.search(r"\b(?:cheaper|less|lower|saves?|off)\b", unless)) and not re.search(
        r"\b(?:under|less than|within|at most|no more than)\b[^.]*\bmore\b", unless
    )
    if is_if:
        # "organic if it's under $1 more": the preference holds only within that premium.
        return {"margin": amount, "margin_kind": "within", "versus": versus}
    if re.search(r"\bmore than\b[^.]*\bmore\b|\bover\b[^.]*\bmore\b", unless) and not saving:
        # "organic unless it's more than $1 more": the same as "if under $1 more".
        return {"margin": amount, "margin_kind": "within", "versus": versus}
    return {"margin": amount, "margin_kind": "saving" if saving else "premium", "versus": versus}


def money(text: str) -> Decimal | None:
    match = MONEY.search(text)
    if not match:
        return None
    if match.group(3):
        return Decimal(match.group(3)) / 100
    return Decimal(match.group(1) or match.group(2))


PRICE_WORDS = r"cheapest|lowest price|least expensive|cheaper one|budget|inexpensive|cheap"
UNIT_PRICE_WORDS = (
    r"(?:best |lowest )?(?:price |value |cost )?per "
    r"(?:ounce|oz|pound|lb|roll|sheet|unit|count|item|egg|load|can)"
    r"|best value|good value|unit price|price per|per ounce|per oz|per pound|per lb|per roll|per sheet"
    r"|per unit|per count|per item|best deal|most for the money|bang for (?:the|your) buck"
)
LARGE_WORDS = (
    r"largest|biggest|bigger|bulk|family size|family pack|big pack|large size|larger|jumbo pack|value pack"
)
SMALL_WORDS = r"smallest|small size|single serve|smaller|small pack"


def read_price_and_size(main: str, add, used: list[str]) -> None:
    if match := re.search(rf"\b(?:{UNIT_PRICE_WORDS})\b", main):
        add(RuleKind.PRICE, "unit_price", match[0])
        if cheap := re.search(rf"\b(?:{PRICE_WORDS})\b", main):
            used.append(cheap[0])
    elif (match := re.search(rf"\b(?:{PRICE_WORDS})\b", main)) and not re.search(
        rf"\b{NEGATION}\s+(?:\w+\s+)?{match[0]}", main
    ):
        add(RuleKind.PRICE, "cheapest", match[0])
    if match := re.search(r"\b(?:on sale|sales|promotions?|deals|discounts?|specials)\b", main):
        add(RuleKind.ON_SALE, "on_sale", match[0])
    if (match := re.search(rf"\b(?:{LARGE_WORDS})\b", main)) and not (
        re.search(rf"\b(?:{UNIT_PRICE_WORDS})\b", main) and re.search(r"\b(?:when|if|only)\b", main)
    ):
        add(RuleKind.SIZE, "largest", match[0])
    elif match:
        used.append(match[0])  # "Bigger size only when it's cheaper per ounce": a price rule
    elif match := re.search(rf"\b(?:{SMALL_WORDS})\b", main):
        add(RuleKind.SIZE, "smallest", match[0])
    else:
        for name, target in SIZE_TARGETS.items():
            # "cheapest per pound" is a unit price, not a 1 lb pack.
            if contains_phrase(main, name) and not re.search(rf"\bper\s+{name}\b", main):
                add(RuleKind.SIZE, name, name, size_target=target)
                break


def read_exclusions(main: str, add) -> None:
    found: set[str] = set()
    negation = re.search(rf"\b{NEGATION}\s+", main)
    after_negation = main[negation.end() :] if negation else ""
    allergy = re.search(r"\ballerg|\bintoleran|\bsensitiv|\bceliac|\bcoeliac", main)
    for name in sorted(EXCLUSION_NAMES, key=len, reverse=True):
        key = EXCLUSION_NAMES[name]
        escaped = re.escape(name)
        patterns = (
            # "nut-free" alone or of the household is a household rule; "nut-free granola" an attribute.
            rf"\b{escaped}s?\s*free\b(?!\s+(?!household|home|house|family|kitchen|everything)\w)",
            rf"\ballerg(?:ic|y|ies)\s+(?:to\s+)?(?:\w+\s+)?{escaped}s?\b",
            rf"\b{escaped}s?\s+(?:allerg(?:y|ies|ic)|sensitiv\w*)\b",
        )
        listed = bool(after_negation) and contains_phrase(after_negation, name)
        free = re.search(patterns[0], main)
        if free and names_products(main[: free.start()]):
            # "oats only if labelled gluten-free" asks for an attribute of oats, not a household rule.
            patterns = patterns[1:]
        if name in ("celiac", "coeliac"):
            listed = contains_phrase(main, name)
        if not (listed or any(re.search(p, main) for p in patterns)) or key in found:
            continue
        if any(name in other for other in found | {u for u in _used_names(found)}):
            continue
        found.add(key)
        add(RuleKind.EXCLUDE, key, name, prefer=False, strong=True)
    del allergy


def names_products(text: str) -> bool:
    return any(
        w not in STOPWORDS and w not in NOT_PRODUCTS and w not in LABEL_WORDS and len(w) > 2
        for w in text.split()
    )


LABEL_WORDS = word_set("labelled labeled marked certified says say said label")


def _used_names(found: set[str]) -> set[str]:
    return {name for name, key in EXCLUSION_NAMES.items() if key in found}
