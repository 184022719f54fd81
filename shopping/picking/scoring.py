"""The deterministic picker: rank a store's search results for one list line.

Kroger's search is fuzzy and its order unstable ("banana" finds pudding; kroger-api.md §9
item 7), so nothing here trusts result #1. Each candidate is scored on how well its
description names the term, the household's rules, its price per unit and whether the store
has it; the winner carries a reason naming what decided it and a confidence the caller
uses to ask the shopper instead of guessing quietly.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from kroger.schemas import Product
from shopping.parsing import NOT_HEAD_NOUNS

from .lexicon import ATTRIBUTES, EXCLUSIONS, STORE_BRANDS, word_set
from .rules import Rule, contains_phrase, normalize, singular

CONFIDENCE_THRESHOLD = 0.6
MAX_ALTERNATIVES = 5
# Words that may follow the item's name without changing what the product is
# ("Milk Gallon", "Chicken Breast Boneless"); any other noun after it makes it a different
# product ("Milk Chocolate", "Banana Pudding", "Coffee Creamer").
NEUTRAL_FOLLOWERS = word_set(
    "gallon half gal quart pint oz lb lbs ct count pack pk bag bunch carton jug loaf can bottle box each "
    "bottles cans boxes bags family size value fresh organic natural original classic whole plain "
    "boneless skinless large medium small extra jumbo grade a aa brown white red yellow green sweet and "
    "with in of the fat free reduced low 1% 2% vitamin d unsalted salted sliced shredded block ground "
    "lean regular light dark roast mild sharp thin thick cut style per raw frozen pasteurized farm fresh "
    "cage free range grass fed pasture raised wild caught italian russet navel gala fuji honeycrisp roma "
    "vine ripe hass seedless mini baby petite tender "
)
# Nouns that turn the item into another product when they follow it ("banana pudding").
PRODUCT_CHANGERS = word_set(
    "chocolate pudding creamer cake muffin pie cookie bar candy soup juice chip cracker cereal yogurt cream "
    "milk butter jam jelly syrup flavored flavor dressing spread mix powder seasoning extract oil paste "
    "salsa dip drink smoothie shake pop tea bread noodle roll sauce snack gummy water soda latte"
)
MEASURE = re.compile(
    r"(?:(\d+(?:\.\d+)?)\s*(?:pk|pack|ct|count)\s*[/x×]\s*)?(?<![\d./])(\d+/\d+|\d+(?:\.\d+)?|half)\s*"
    r"(fl\.? ?oz|oz|lbs?|pounds?|gal(?:lon)?s?|qt|quarts?|pt|pints?|l|liters?|ml|g|kg"
    r"|ct|count|dozen|doz|dz|each|ea|pk|pack|rolls?)\b",
    re.IGNORECASE,
)
PLURAL_UNITS = {"lbs": "lb", "pounds": "pound", "gals": "gal", "gallons": "gallon", "quarts": "quart"}
PLURAL_UNITS |= {"pints": "pint", "liters": "liter", "rolls": "roll", "doz": "dozen", "dz": "dozen"}
# (factor to the base unit, dimension): weights in oz, volumes in fl oz, counts in items.
UNIT_BASE = {
    "oz": (Decimal(1), "weight"),
    "lb": (Decimal(16), "weight"),
    "pound": (Decimal(16), "weight"),
    "g": (Decimal("0.035274"), "weight"),
    "kg": (Decimal("35.274"), "weight"),
    "fl oz": (Decimal(1), "volume"),
    "gal": (Decimal(128), "volume"),
    "gallon": (Decimal(128), "volume"),
    "half gal": (Decimal(64), "volume"),
    "qt": (Decimal(32), "volume"),
    "quart": (Decimal(32), "volume"),
    "pt": (Decimal(16), "volume"),
    "pint": (Decimal(16), "volume"),
    "l": (Decimal("33.814"), "volume"),
    "liter": (Decimal("33.814"), "volume"),
    "ml": (Decimal("0.033814"), "volume"),
    "cup": (Decimal(8), "volume"),
    "ct": (Decimal(1), "count"),
    "count": (Decimal(1), "count"),
    "dozen": (Decimal(12), "count"),
    "each": (Decimal(1), "count"),
    "ea": (Decimal(1), "count"),
    "pk": (Decimal(1), "count"),
    "pack": (Decimal(1), "count"),
    "roll": (Decimal(1), "count"),
}


@dataclass(frozen=True)
class Pick:
    """The product chosen for one line, why, how sure, and what else was considered."""

    product: Product | None
    reason: str
    confidence: float
    alternatives: tuple[Product, ...] = ()
    source: str = "rules"
    decided_by: tuple[str, ...] = field(default=())

    @property
    def needs_choice(self) -> bool:
        return self.product is None or self.confidence < CONFIDENCE_THRESHOLD


@dataclass
class _Scored:
    product: Product
    term_match: float
    score: float = 0.0
    matched: list[Rule] = field(default_factory=list)
    penalties: list[tuple[Rule, float]] = field(default_factory=list)
    size_matched: bool = False


def measure(size: str) -> tuple[Decimal, str] | None:
    """ "64 fl oz" -> (64, "volume"); "12 pk / 12 fl oz" -> (144, "volume"); None if unreadable."""
    match = MEASURE.search(size.lower())
    if not match:
        return None
    packs, number, unit = match.groups()
    unit = re.sub(r"\.| ", "", unit).replace("floz", "fl oz")
    unit = PLURAL_UNITS.get(unit, unit)
    if unit not in UNIT_BASE:
        return None
    if number == "half":
        amount = Decimal("0.5")
    elif "/" in number:
        top, bottom = number.split("/")
        amount = Decimal(top) / Decimal(bottom) if int(bottom) else Decimal(0)
    else:
        amount = Decimal(number)
    factor, dimension = UNIT_BASE[unit]
    total = amount * factor * (Decimal(packs) if packs else 1)
    return (total, dimension) if total > 0 else None


def requested_measure(amount: Decimal | None, unit: str) -> tuple[Decimal, str] | None:
    """The size a line asked for ("1 gal milk" -> 128 fl oz), if its unit is a measure."""
    if amount is None or unit not in UNIT_BASE or unit in ("each", "pk", "pack"):
        return None
    factor, dimension = UNIT_BASE[unit]
    return amount * factor, dimension


def unit_price(product: Product) -> tuple[Decimal, str] | None:
    size = measure(product.size)
    if product.price is None or size is None:
        return None
    return product.price / size[0], size[1]


def _words(text: str) -> list[str]:
    return [singular(word) for word in normalize(text).split()]


def term_match(term: str, product: Product) -> float:
    """0-1: how much of the term the product's name covers, less when the term only modifies it."""
    wanted = _words(term)
    if not wanted:
        return 0.0
    description = _words(f"{product.brand} {product.description}")
    have = set(description)
    # Packaging words ("spinach leaves") count half: the product's name may leave them out.
    weights = [0.5 if {word, word + "s"} & (NEUTRAL_FOLLOWERS | NOT_HEAD_NOUNS) else 1.0 for word in wanted]
    covered = sum(
        weight
        for word, weight in zip(wanted, weights, strict=True)
        if word in have or any(w.startswith(word) for w in have if len(word) > 3)
    )
    score = covered / sum(weights)
    head = wanted[-1]
    if head in description:
        following = description[description.index(head) + 1 :]
        name_goes_on = [w for w in following[:2] if w not in NEUTRAL_FOLLOWERS and not re.match(r"[\d%/]", w)]
        if set(name_goes_on) & PRODUCT_CHANGERS - set(wanted):
            score *= 0.45
        elif name_goes_on and not set(name_goes_on) & set(wanted):
            score *= 0.85
    return round(score, 3)


def extra_words(term: str, product: Product) -> int:
    """Words in the name beyond the term, brand and neutral words ("Creamy Peanut" Butter)."""
    known = set(_words(term)) | set(_words(product.brand)) | NEUTRAL_FOLLOWERS
    return sum(
        1 for word in _words(product.description) if word not in known and not re.match(r"[\d%/]", word)
    )


def is_store_brand(product: Product) -> bool:
    brand = normalize(product.brand)
    return any(brand == name or brand.startswith(name + " ") for name in STORE_BRANDS)


def excluded_by(product: Product, rules: Sequence[Rule]) -> Rule | None:
    """The exclusion rule (allergen, ingredient, diet) this product breaks, if any."""
    text = normalize(f"{product.brand} {product.description} {' '.join(product.categories)}")
    for rule in rules:
        if rule.kind == "exclude":
            words = EXCLUSIONS.get(rule.value, (rule.value,))
            # "dairy-free almond milk" names the allergen only to deny it.
            if any(contains_phrase(text, w) and not contains_phrase(text, f"{w} free") for w in words):
                return rule
    return None


def not_sold_here(product: Product) -> bool:
    """Kroger says the store cannot sell it at all (no in-store, pickup or delivery)."""
    options = product.fulfillment or {}
    known = any(options.values()) or product.regular_price is not None
    return known and not (options.get("in_store") or options.get("curbside") or options.get("delivery"))


def matches_rule(product: Product, rule: Rule) -> bool:
    text = normalize(f"{product.brand} {product.description}")
    if rule.kind == "attribute":
        phrases = (rule.value.replace("-", " "), *ATTRIBUTES.get(rule.value, ()))
        return any(contains_phrase(text, normalize(p) or p) for p in phrases)
    if rule.kind == "brand":
        brand = normalize(product.brand)
        return bool(brand) and (
            brand == rule.value or contains_phrase(brand, rule.value) or contains_phrase(rule.value, brand)
        )
    if rule.kind == "on_sale":
        return product.on_sale
    return False


def _normalised_rank(values: dict[int, Decimal], index: int, *, low_is_good: bool = True) -> float:
    if index not in values or len(values) < 2:
        return 0.0
    low, high = min(values.values()), max(values.values())
    if high == low:
        return 1.0
    position = (values[index] - low) / (high - low)
    return float(1 - position if low_is_good else position)


def _ordinal_rank(values: dict[int, Decimal], index: int, *, low_is_good: bool = True) -> float:
    """1 for the best distinct value, falling in even steps to 0 for the worst."""
    if index not in values:
        return 0.0
    distinct = sorted(set(values.values()), reverse=not low_is_good)
    if len(distinct) < 2:
        return 1.0
    return 1 - distinct.index(values[index]) / (len(distinct) - 1)


def rank_candidates(
    *,
    term: str,
    candidates: Sequence[Product],
    rules: Sequence[Rule],
    amount: Decimal | None = None,
    unit: str = "",
) -> tuple[list[_Scored], list[tuple[Product, Rule]]]:
    """Candidates best first, and the ones an exclusion rule removed."""
    pool, removed = [], []
    for product in dict((p.product_id, p) for p in candidates).values():
        if not_sold_here(product):
            continue
        if rule := excluded_by(product, rules):
            removed.append((product, rule))
            continue
        pool.append(_Scored(product=product, term_match=term_match(term, product)))
    if not pool:
        return [], removed
    prices = {i: s.product.price for i, s in enumerate(pool) if s.product.price is not None}
    unit_prices = _comparable_unit_prices(pool)
    sizes = _in_common_dimension({i: m for i, s in enumerate(pool) if (m := measure(s.product.size))})
    wanted_size = requested_measure(amount, unit)
    for index, scored in enumerate(pool):
        product = scored.product
        scored.score = scored.term_match * 1.2 + 0.1 * _normalised_rank(unit_prices, index)
        # Kroger's own order is noisy but not meaningless: a small nudge for its top results,
        # and plain names beat long ones ("Salted Butter" over "Creamy Peanut Butter").
        scored.score += 0.12 * (1 - index / len(pool)) - 0.03 * min(extra_words(term, product), 5)
        if product.in_stock is False:
            scored.score -= 1.5
        elif product.stock_level == "LOW":
            scored.score -= 0.05
        if product.price is None:
            scored.score -= 0.3
        if wanted_size and (size := measure(product.size)) and _close(size, wanted_size):
            scored.score += 0.25
            scored.size_matched = True
        for rule in rules:
            scored.score += _rule_points(rule, index, scored, pool, prices, unit_prices, sizes)
    pool.sort(key=lambda s: (-s.score, s.product.price or Decimal(10**6), s.product.product_id))
    return pool, removed


def _close(size: tuple[Decimal, str], wanted: tuple[Decimal, str]) -> bool:
    return size[1] == wanted[1] and abs(size[0] - wanted[0]) <= wanted[0] * Decimal("0.15")


def _comparable_unit_prices(pool: list[_Scored]) -> dict[int, Decimal]:
    return _in_common_dimension({i: up for i, s in enumerate(pool) if (up := unit_price(s.product))})


def _in_common_dimension(values: dict[int, tuple[Decimal, str]]) -> dict[int, Decimal]:
    """Keep the values in the most common dimension: ounces and gallons do not compare."""
    if not values:
        return {}
    dimensions = [dimension for _, dimension in values.values()]
    common = max(sorted(set(dimensions)), key=dimensions.count)
    return {i: value for i, (value, dimension) in values.items() if dimension == common}


def _rule_points(rule, index, scored, pool, prices, unit_prices, sizes) -> float:
    product, weight = scored.product, (1.6 if rule.strong else 1.0)
    points = 0.0
    if rule.kind in ("attribute", "brand", "on_sale"):
        if matches_rule(product, rule):
            points = (0.45 if rule.kind == "brand" else 0.35) * weight * (1 if rule.prefer else -1.4)
        elif rule.prefer and rule.strong:
            points = -0.3
    elif rule.kind == "store_brand":
        points = _store_brand_points(rule, product, pool)
    elif rule.kind == "price":
        ranked = prices if rule.value == "cheapest" else unit_prices
        points = 0.5 * _normalised_rank(ranked, index)
    elif rule.kind == "size":
        if rule.size_target:
            size = measure(product.size)
            points = 0.35 if size and _close(size, rule.size_target) else 0.0
        else:
            points = 0.35 * _ordinal_rank(sizes, index, low_is_good=rule.value == "smallest")
    if points > 0:
        scored.matched.append(rule)
    elif points < 0:
        scored.penalties.append((rule, points))
    return points


def _store_brand_points(rule: Rule, product: Product, pool: list[_Scored]) -> float:
    """Store brand first; with a margin, a name brand within that much more wins instead."""
    relevant = [s.product for s in pool if s.term_match >= 0.5 and s.product.price is not None]
    store_prices = [p.price for p in relevant if is_store_brand(p)]
    if rule.margin is not None and store_prices and not is_store_brand(product) and product.price is not None:
        if product.price - min(store_prices) < rule.margin and rule.prefer:
            return 0.35
        return 0.0
    if rule.margin is not None and is_store_brand(product) and rule.prefer:
        others = [p.price for p in relevant if not is_store_brand(p)]
        if others and product.price is not None and min(others) - product.price < rule.margin:
            return 0.0
    if is_store_brand(product):
        return 0.35 if rule.prefer else -0.45
    return 0.0


def pick_product(
    *,
    term: str,
    candidates: Sequence[Product],
    rules: Sequence[Rule],
    amount: Decimal | None = None,
    unit: str = "",
) -> Pick:
    """Choose the best candidate for `term` under `rules`, with a reason and a confidence (0-1)."""
    ranked, removed = rank_candidates(term=term, candidates=candidates, rules=rules, amount=amount, unit=unit)
    if not ranked:
        if removed:
            rule = removed[0][1]
            reason = f'Every result for "{term}" goes against your guidance: {rule.text}'
        else:
            reason = f'Nothing for "{term}" at this store'
        return Pick(product=None, reason=reason, confidence=0.0)
    best = ranked[0]
    margin = (best.score - ranked[1].score) if len(ranked) > 1 else 0.6
    decided = [rule for rule in best.matched if rule.kind != "exclude"]
    # An "avoid" rule decided the pick when it pushed a would-be winner below this one.
    for other in ranked[1:]:
        decided += [rule for rule, points in other.penalties if other.score - points > best.score]
    # A weak name match caps the confidence; a clear lead over the runner-up raises it.
    lead = min(max(margin, 0.0) / 0.4, 1.0) if len(ranked) > 1 else 0.5
    confidence = best.term_match * (0.7 + 0.3 * lead) + (0.1 if decided else 0.0)
    if best.product.in_stock is False:
        confidence = min(confidence, 0.4)
    confidence = round(max(0.0, min(confidence, 1.0)), 2)
    if confidence < CONFIDENCE_THRESHOLD:
        reason = f'Not sure this is the "{term}" you want: please choose'
    elif decided:
        reason = "Matches your guidance: " + "; ".join(list(dict.fromkeys(rule.text for rule in decided))[:2])
    elif best.size_matched:
        reason = f'Best match for "{term}" in the size on your list'
    else:
        reason = f'Best match for "{term}" at this store'
    if best.product.on_sale and confidence >= CONFIDENCE_THRESHOLD:
        reason += " (on sale)"
    excluded = {rule.text for _, rule in removed}
    if excluded:
        reason += f"; skipped {len(removed)} against your guidance ({'; '.join(sorted(excluded))})"
    return Pick(
        product=best.product,
        reason=reason[:300],
        confidence=confidence,
        alternatives=tuple(s.product for s in ranked[1 : 1 + MAX_ALTERNATIVES]),
        decided_by=tuple(dict.fromkeys(rule.text for rule in decided)),
    )
