"""The deterministic picker: choose a store's product for one list line, or ask.

Kroger's search is fuzzy and its order unstable ("banana" finds pudding; kroger-api.md §9
item 7), so nothing here trusts result #1. Picking narrows the candidates in a fixed order of
precedence instead of adding up points, so rules never "just add up":

1. hard filters: not sold here, out of stock, the household's exclusions;
2. product identity (`identity.py`), then the line's own words ("diced", "whole bean");
3. household rules, strongest and most specific first (`GuidanceRules.for_term` already
   dropped the general rules a specific one overrides, and those the line's words settle);
4. an order among what is left: size asked for, price rules, plain before fancy, unit price.

The pick is confident only when something settled it; otherwise the line "needs your choice"
with the best candidates first, and the reason says which.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from kroger.schemas import Product
from shopping.lexicon import (
    ATTRIBUTES,
    BRAND_ALIASES,
    EXCLUSIVE_GROUPS,
    STORE_BRANDS,
    SUBSTITUTE_GROUPS,
    VAGUE_LINES,
)
from shopping.text import contains_phrase, normalize, phrase
from shopping.units import measure, pack_count, requested_measure

from .exclusions import excluded_by
from .identity import (
    ATTRIBUTE_WORDS,
    CHANGING_ATTRIBUTES,
    PACKAGING_WORDS,
    Identity,
    Match,
    canonical,
    match,
    names_brand,
    refine_by_category,
)
from .rules import Rule, RuleKind, brand_title

CONFIDENCE_THRESHOLD = 0.6
MAX_ALTERNATIVES = 5
# Confidence levels (0-1): only their order against the threshold matters to callers.
SETTLED = 0.9  # a rule, the line's words or the only plain match decided
DEFAULTED = 0.75  # interchangeable products (brand, size, price); the cheaper per unit won
ASK = 0.45  # the candidates differ in a way nothing settles: the shopper chooses
SIZE_TOLERANCE = Decimal("0.15")  # within 15% is the size asked for: 1.85 lb is "2 lb", 1.7 lb isn't
TYPICAL_SIZE_RATIO = Decimal("1.6")  # packs within 1.6x of the middle size count as ordinary


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
        return is_store_brand(product)
    if rule.kind == RuleKind.ON_SALE:
        return product.on_sale
    return False


BRAND_FILLERS = frozenset({"box", "pack", "bottle", "can", "jar", "bag", "loaf", "good"})


def has_attribute(product: Product, value: str) -> bool:
    """Whether the product has the attribute ("free-range|pasture-raised": either)."""
    text = f" {phrase(f'{product.brand} {product.description} {product.size}')} "
    for one in value.split("|"):
        phrases = (one.replace("-", " "), *ATTRIBUTES.get(one, ()))
        if any(f" {phrase(p)} " in text for p in phrases):
            return True
    return False


def _price_for_size(candidate: Candidate, size: tuple[Decimal, str] | None) -> Decimal | None:
    """The candidate's price for `size` of it, so packs of different sizes compare per unit."""
    if candidate.unit_price is not None and size and candidate.size and size[1] == candidate.size[1]:
        return candidate.unit_price * size[0]
    return candidate.product.price


def rank_candidates(
    *,
    term: str,
    candidates: Sequence[Product],
    rules: Sequence[Rule],
    amount: Decimal | None = None,
    unit: str = "",
    wanted_size: tuple[Decimal, str] | None = None,
) -> Ranking:
    """Candidates best first (see the module docstring for the order)."""
    unique = list(dict((p.product_id, p) for p in candidates).values())
    removed, usable, out = [], [], []
    asked = frozenset(
        r.value for r in rules if r.kind == RuleKind.ATTRIBUTE and r.prefer and r.value in CHANGING_ATTRIBUTES
    )
    matches = refine_by_category({p.product_id: match(term, p, asked) for p in unique}, unique)
    for position, product in enumerate(unique):
        if not_sold_here(product):
            continue
        if hit := excluded_by(product, rules):
            removed.append((product, hit[0], hit[1]))
            continue
        size = measure(product.size)
        price = unit_price(product)
        candidate = Candidate(
            product, position, matches[product.product_id], price[0] if price else None, size
        )
        (out if product.in_stock is False else usable).append(candidate)
    # A household's own named product ("Honest Kids apple juice boxes") is that product to them,
    # even where its name reads as another ("... Apple Juice Drink Boxes").
    for candidate in (*usable, *out):
        if any(
            r.kind == RuleKind.BRAND and r.prefer and r.qualifier and matches_rule(candidate.product, r)
            for r in rules
        ):
            candidate.match = replace(candidate.match, identity=Identity.EXACT, prefix=0)
    # Kroger's data is patchy: when one size of a product is excluded, so are its other sizes.
    excluded_names = {phrase(f"{p.brand} {p.description}"): (rule, found) for p, rule, found in removed}
    for group in (usable, out):
        for candidate in list(group):
            twin = excluded_names.get(phrase(f"{candidate.product.brand} {candidate.product.description}"))
            if twin:
                group.remove(candidate)
                removed.append((candidate.product, twin[0], f"{twin[1]} (another size)"))
    ranking = Ranking(ranked=[], removed=removed, out_of_stock=out, rules=tuple(rules))
    if not usable:
        return ranking
    wanted_size = wanted_size or requested_measure(amount, unit)
    stages: list[list[Candidate]] = []
    pool = usable

    def narrow(keep: Callable[[Candidate], bool], rule: Rule | None = None) -> bool:
        nonlocal pool
        kept = [c for c in pool if keep(c)]
        # A rule decided when it tells the store's products apart, even if an earlier step
        # already left only the ones it wants.
        if kept and rule is not None and not all(keep(c) for c in usable):
            ranking.decided.append(rule)
        if kept and len(kept) < len(pool):
            stages.append([c for c in pool if not keep(c)])
            pool = kept
            return True
        return bool(kept)

    best_identity = max(c.match.identity for c in pool)
    narrow(lambda c: c.match.identity == best_identity)
    best_cover = max(c.match.coverage for c in pool)
    narrow(lambda c: c.match.coverage == best_cover)
    # A flavour the line didn't ask for is another kind ("Honey Nut" for "cheerios"), when the
    # plain one is there; if every one is flavoured, the flavour check below asks.
    line = f" {phrase(term)} "
    narrow(lambda c: not _flavoured(c.product, line))
    # Likewise a cut the line didn't ask for ("Slices" for "cheddar"), when the whole one is there.
    narrow(lambda c: not _cut_unasked(c.product, line))
    if best_identity < Identity.VARIETY:
        ranking.doubts.append(f"nothing here is plainly “{term}”")
    elif best_identity == Identity.VARIETY and best_cover < 1:
        ranking.doubts.append(f"nothing here is exactly “{term}”")
    elif best_identity == Identity.VARIETY:
        ranking.doubts.append(f"nothing here is plainly “{term}”")
    if wanted_size:
        # The size on the list line is the shopper's own word: it beats household rules. A weight
        # or volume may come as several packs (2 x 1 lb for "2 lb"); a count is one pack.
        narrow(lambda c: _fits(c, wanted_size))
    kind_rules = [
        r for r in rules if r.kind == RuleKind.ATTRIBUTE or (r.kind == RuleKind.BRAND and r.qualifier)
    ]
    _apply_rules(kind_rules, lambda: pool, narrow, ranking)
    if wanted_size:
        # Among what the household's kind rules leave, one pack of the size beats two halves.
        narrow(lambda c: _fits(c, wanted_size, single=True))
    _check_settled(pool, ranking, term)
    _apply_rules([r for r in rules if r not in kind_rules], lambda: pool, narrow, ranking)
    if ranking.vague and not ranking.doubts:
        if (plainest := _named_brands_kind(pool, ranking)) is None:
            ranking.doubts.append(f"“{term}” could be several things")
        else:
            narrow(lambda c: c in plainest)
    pool = _ordered(pool, rules, wanted_size, ranking, term)
    set_aside = [c for stage in reversed(stages) for c in _ordered(stage, rules, wanted_size, None, term)]
    # Among what the steps set aside, the closer a product is to the line, the sooner it is offered.
    set_aside.sort(key=lambda c: (-c.match.identity, -c.match.coverage))
    ranking.ranked = pool + set_aside
    ranking.pool_size = len(pool)
    return ranking


def _apply_rules(
    rules: Sequence[Rule], current: Callable[[], list[Candidate]], narrow, ranking: Ranking
) -> None:
    """Narrow the pool by each preference, strongest first (`current()` is the pool as it is now)."""
    preferences = sorted(
        (r for r in rules if r.kind in (RuleKind.BRAND, RuleKind.STORE_BRAND, RuleKind.ATTRIBUTE)),
        key=lambda r: (not r.strong, r.kind != RuleKind.BRAND),
    )
    for rule in preferences:
        unsold = rule.kind == RuleKind.BRAND and not rule.known_brand
        if unsold and not any(matches_rule(c.product, rule) for c in current()):
            continue  # a capitalised word that names no brand sold here
        if rule.margin is not None and rule.prefer:
            keep = _conditional(rule, current())
            if keep is not None:
                narrow(keep, rule)
            elif rule.strong or rule.margin_kind == "on_sale":
                # "Name brand only if it's on sale": every match is a name brand at full price.
                ranking.doubts.append(f"nothing here meets your guidance “{rule.text}”")
            continue
        if rule.prefer:
            satisfied = narrow(lambda c, r=rule: matches_rule(c.product, r), rule)
            if not satisfied and rule.kind in (RuleKind.BRAND, RuleKind.ATTRIBUTE) and rule.strong:
                ranking.doubts.append(f"nothing here meets your guidance “{rule.text}”")
            elif not satisfied and rule.kind == RuleKind.BRAND and rule.about_line:
                ranking.doubts.append(f"your usual ({brand_title(rule.value)}) isn't available here")
        else:
            narrow(lambda c, r=rule: not matches_rule(c.product, r), rule)


def _conditional(rule: Rule, pool: list[Candidate]) -> Callable[[Candidate], bool] | None:
    """The side of "X unless Y is under $N more" (per unit) that wins for this pool."""
    if rule.kind == RuleKind.STORE_BRAND:
        preferred = [c for c in pool if is_store_brand(c.product)]
        if rule.versus and rule.versus != "name brand":
            others = [c for c in pool if has_attribute(c.product, rule.versus)]
        else:
            others = [c for c in pool if not is_store_brand(c.product)]
    else:
        preferred = [c for c in pool if has_attribute(c.product, rule.value)]
        others = [c for c in pool if not has_attribute(c.product, rule.value)]
    # "Only when it's on sale" is met by a deal on the shelf, not one whose stock is unknown.
    if rule.margin_kind == "on_sale" and rule.kind == RuleKind.ATTRIBUTE:
        on_sale = [c for c in preferred if c.product.on_sale and c.product.stock_level is not None]
        return (lambda c: c in on_sale) if on_sale else ((lambda c: c in others) if others else None)
    if rule.margin_kind == "on_sale":
        on_sale = [c for c in others if c.product.on_sale and c.product.stock_level is not None]
        return (lambda c: c in on_sale) if on_sale else ((lambda c: c in preferred) if preferred else None)
    if not preferred or not others:
        return (lambda c: c in preferred) if preferred else None
    # Like for like: the two sides' packs nearest in size, priced for the same amount ("Gold
    # Medal 5 lb is $1.10 more than Kroger 5 lb"); without sizes, shelf prices.
    base, alt = min(((p, o) for p in preferred for o in others), key=lambda pair: _pair_key(*pair))
    base_price, alt_price = _price_for_size(base, base.size), _price_for_size(alt, base.size)
    if base_price is None or alt_price is None:
        return lambda c: c in preferred
    if rule.margin_kind == "within":
        # "organic when it's under $1 more": the preferred side only within that premium.
        alt_price, base_price = base_price, alt_price
        return (lambda c: c in preferred) if alt_price - base_price < rule.margin else (lambda c: c in others)
    if rule.margin_kind == "saving":
        return (lambda c: c in others) if base_price - alt_price > rule.margin else (lambda c: c in preferred)
    return (lambda c: c in others) if alt_price - base_price < rule.margin else (lambda c: c in preferred)


def _fits(candidate: Candidate, wanted: tuple[Decimal, str], single: bool = False) -> bool:
    packs = (1,) if single or wanted[1] == "count" else (1, 2, 3, 4)
    return any(_size_distance(candidate, (wanted[0] / n, wanted[1])) <= SIZE_TOLERANCE for n in packs)


def _pair_key(one: Candidate, other: Candidate) -> tuple:
    """Packs nearest in size first, then the cheapest pair per unit."""
    gap = Decimal(10**6)
    if one.size and other.size and one.size[1] == other.size[1]:
        gap = max(one.size[0], other.size[0]) / min(one.size[0], other.size[0])
    missing = Decimal(10**6)
    return gap, (one.unit_price or missing) + (other.unit_price or missing)


def _size_distance(candidate: Candidate, wanted: tuple[Decimal, str]) -> Decimal:
    if is_weighed(candidate.product) and wanted[1] == "weight" and (candidate.size or (0,))[0] <= 16:
        return Decimal(0)  # loose, by the pound: weighed out to any amount
    size = candidate.size
    if wanted[1] == "count" and (packs := pack_count(candidate.product.size)):
        size = (packs, "count")  # "12 pack of coke": a 12 ct / 12 fl oz case
    if not size or size[1] != wanted[1]:
        return Decimal(10**6)
    ratio = size[0] / wanted[0]
    return abs(ratio - 1) if ratio >= 1 else abs(1 / ratio - 1)


def _ordered(pool, rules, wanted_size, ranking: Ranking | None, term: str = "") -> list[Candidate]:
    """The order among candidates the rules left equal."""
    price_rule = next((r for r in rules if r.kind == RuleKind.PRICE), None)
    size_rule = next((r for r in rules if r.kind == RuleKind.SIZE), None)
    sale_rule = next((r for r in rules if r.kind == RuleKind.ON_SALE and r.prefer), None)
    target = wanted_size or (size_rule.size_target if size_rule else None)
    dimensions = [c.size[1] for c in pool if c.size]
    common = max(sorted(set(dimensions)), key=dimensions.count) if dimensions else None

    sizes = sorted(c.size[0] for c in pool if c.size and c.size[1] == common)
    typical = sizes[(len(sizes) - 1) // 2] if sizes else None  # the lower middle: an ordinary pack

    line = f" {phrase(term)} "
    excluding = any(r.kind == RuleKind.EXCLUDE for r in rules)

    def key(c: Candidate):
        size_key: Decimal = Decimal(0)
        if target:
            size_key = _size_distance(c, target)
            size_key = Decimal(0) if size_key <= SIZE_TOLERANCE else size_key
        elif size_rule and c.size and c.size[1] == common:
            size_key = c.size[0] if size_rule.value == "smallest" else -c.size[0]
            if "family" in size_rule.text.lower() and "family" in c.product.description.lower():
                size_key -= Decimal("0.5")  # "get the family pack": the one called that, at a tie
        elif size_rule:
            size_key = Decimal(10**6)
        comparable = c.unit_price if c.size and c.size[1] == common and c.unit_price is not None else None
        if price_rule and price_rule.value == "cheapest":
            price_key = _cheapest_key(c, pool)
        elif price_rule:
            price_key = comparable if comparable is not None else Decimal(10**6)
        else:
            price_key = Decimal(0)
        plain = (
            _flavoured(c.product, line),
            c.match.prefix,
            len(c.match.variety),
            c.match.extra_attributes - _defaults_in(c.product),
        )
        sale_key = 0 if (sale_rule and c.product.on_sale) else 1
        fallback = comparable if comparable is not None else Decimal(10**6)
        # With no size asked for, a typical pack (not the 5-dozen case of eggs) unless price rules.
        usual_size = Decimal(0)
        if typical and not (target or size_rule) and c.size and c.size[1] == common:
            ratio = max(c.size[0] / typical, typical / c.size[0])
            usual_size = Decimal(0) if ratio <= TYPICAL_SIZE_RATIO else ratio
        unknown_stock = c.product.stock_level is None
        # Under an allergy, a product whose label Kroger sends (and that passed) before an unknown one.
        unverified = excluding and not (c.product.allergens or c.product.ingredients)
        return (
            size_key,
            price_key,
            unverified,
            plain,
            usual_size,
            unknown_stock,
            sale_key,
            fallback,
            c.position,
        )

    ordered = sorted(pool, key=key)
    if ranking is not None and ordered:
        winner = ordered[0]
        if target and _size_distance(winner, target) <= SIZE_TOLERANCE:
            ranking.size_matched = True
        for rule in (size_rule, price_rule, sale_rule):
            if rule is not None and len(ordered) > 1 and _rule_moved(rule, winner, ordered, key):
                ranking.decided.append(rule)
    return ordered


def _cheapest_key(c: Candidate, pool: list[Candidate]) -> Decimal:
    """ "Cheapest" is the lowest price at the shelf, except against loose produce sold by the
    pound, where only the price per pound compares ("the 3 lb bag is the cheapest bananas")."""
    loose = any(is_weighed(o.product) and o.size and o.size[0] <= 16 for o in pool)
    if loose and c.unit_price is not None and c.size and c.size[1] == "weight":
        return c.unit_price * 16
    price = pack_price(c.product)
    return price if price is not None else Decimal(10**6)


def _rule_moved(rule: Rule, winner: Candidate, ordered: list[Candidate], key) -> bool:
    """Whether the rule's own part of the order put the winner ahead of the runner-up."""
    if rule.kind == RuleKind.ON_SALE:
        return winner.product.on_sale and any(not c.product.on_sale for c in ordered[1:])
    index = {RuleKind.SIZE: 0, RuleKind.PRICE: 1}[rule.kind]
    return key(winner)[index] < key(ordered[1])[index]


def _check_settled(pool: list[Candidate], ranking: Ranking, term: str) -> None:
    """Add a doubt when the line leaves open which kind of product (a bare "cereal", "cheese" or
    "juice"), or the candidates come in exclusive kinds (whole or 2%, sharp or mild) that
    neither the line nor an attribute rule settles. Brand and price rules choose among one
    kind of product, never between kinds, so this looks at the candidates before them."""
    if ranking.doubts or not pool:
        return
    settled = {v for r in ranking.decided if r.kind == RuleKind.ATTRIBUTE for v in r.value.split("|")}
    named = any(r.kind == RuleKind.BRAND and r.qualifier for r in ranking.decided)
    line = phrase(term)
    if line in VAGUE_LINES and not named:
        ranking.vague = True
        return
    # A brand the household buys by name, sold here in one kind, is that kind to them
    # ("Buy Private Selection when they have it": their one cheddar, whatever its sharpness).
    theirs = [
        c
        for c in pool
        if any(r.kind == RuleKind.BRAND and r.prefer and matches_rule(c.product, r) for r in ranking.rules)
    ]
    top = _ordered(theirs or pool, (), None, None, term)[:6]
    # A line that is only a brand ("tropicana") leaves open even the kinds with a usual default.
    brand_only = all(names_brand(line, c.product) for c in top)
    groups = (*EXCLUSIVE_GROUPS, *SUBSTITUTE_GROUPS) if brand_only else EXCLUSIVE_GROUPS
    for group, about in groups:
        if about and not brand_only and not set(line.split()) & {phrase(a) for a in about}:
            continue
        if any(f" {phrase(v)} " in f" {line} " for v in group) or group & settled:
            continue
        values = {_most_specific(c.product, group) for c in top}
        if "" in values and not about:
            continue  # an unflavoured one is there: the plain product is the sensible default
        values -= {""}
        if len(values) > 1:
            ranking.doubts.append(f"they come as {', '.join(sorted(values))}")
            return


def _named_brands_kind(pool: list[Candidate], ranking: Ranking) -> list[Candidate] | None:
    """What settles a vague line: a named brand with one kind of it, or with a plain kind the
    others only add to ("Coke" for soda: Classic, not Mexican Cane Sugar). Price rules, even
    "cheapest of everything", choose a price, not which cheese: the shopper still says which."""
    if not any(
        r.kind == RuleKind.BRAND and r.prefer and r.value not in STORE_BRANDS for r in ranking.decided
    ):
        return None
    kinds = [_kind_words(c.product) for c in pool]
    plainest = min(kinds, key=len)
    if not all(plainest <= kind for kind in kinds):
        return None
    return [c for c, kind in zip(pool, kinds, strict=True) if kind == plainest]


def _kind_words(product: Product) -> frozenset[str]:
    """The words of a product's name that say which kind it is (not its brand or pack)."""
    brand = set(phrase(product.brand).split())
    return frozenset(phrase(product.description).split()) - PACKAGING_WORDS - DEFAULT_ATTRIBUTE_WORDS - brand


def _most_specific(product: Product, group: frozenset[str]) -> str:
    """The product's value in the group ("Extra Sharp" is extra sharp, not also sharp)."""
    found = [v for v in group if has_attribute(product, v)]
    return max(found, key=len) if found else ""


def pick_product(
    *,
    term: str,
    candidates: Sequence[Product],
    rules: Sequence[Rule],
    amount: Decimal | None = None,
    unit: str = "",
    wanted_size: tuple[Decimal, str] | None = None,
) -> Pick:
    """Choose the best candidate for `term` under `rules`, with a reason and a confidence (0-1)."""
    ranking = rank_candidates(
        term=term, candidates=candidates, rules=rules, amount=amount, unit=unit, wanted_size=wanted_size
    )
    if not ranking.ranked:
        return _nothing(term, ranking)
    _same_product_first(ranking, term)
    best = ranking.ranked[0]
    alternatives = tuple(c.product for c in ranking.ranked[1 : 1 + MAX_ALTERNATIVES])
    decided = list(dict.fromkeys(rule.text for rule in ranking.decided))
    usual_out, size_note = _usual_out_of_stock(ranking, best, term)
    if usual_out:
        ranking.doubts.append(usual_out)
    no_swaps = any(r.kind == RuleKind.NO_SUBSTITUTES for r in rules)
    same_kind = phrase(best.product.description)
    swapped = [c for c in _contenders(ranking, best) if phrase(c.product.description) != same_kind]
    if no_swaps and (swapped or (wanted_size and not _fits(best, wanted_size))):
        ranking.doubts.append("what your list names isn't here, and your guidance says not to swap")
    if wanted_size:
        size_note = ""  # the line chose the size
    if ranking.doubts:
        reason = f"Please choose: {ranking.doubts[0]}"
        confidence = ASK
    elif decided:
        reason = "Your guidance: " + "; ".join(f"“{text}”" for text in decided[:2])
        confidence = SETTLED
    elif ranking.size_matched:
        reason = f'Best match for "{term}" in the size on your list'
        confidence = SETTLED
    else:
        reason = f'Best match for "{term}" at this store'
        confidence = DEFAULTED
    if best.product.on_sale and confidence >= CONFIDENCE_THRESHOLD:
        reason += " (on sale)"
    if size_note and confidence >= CONFIDENCE_THRESHOLD:
        reason += f"; {size_note}"
    if ranking.removed:
        texts = sorted({rule.text for _, rule, _ in ranking.removed})
        reason += f"; left out {len(ranking.removed)} against your guidance (“{'”, “'.join(texts)}”)"
    return Pick(
        product=best.product,
        reason=reason[:300],
        confidence=confidence,
        alternatives=alternatives,
        decided_by=tuple(decided),
    )


def _same_product_first(ranking: Ranking, term: str) -> None:
    """When the product that would have won is out of stock and what passed every step has it
    in another size, that size leads ("the 18 ct of the same eggs", not cage-free ones)."""
    if any(r.kind in (RuleKind.PRICE, RuleKind.SIZE) for r in ranking.rules):
        return  # the out-of-stock one won on its price or size, which another size doesn't share
    passed = ranking.ranked[: ranking.pool_size]
    contenders = _contenders(ranking, passed[0]) if passed else []
    if not contenders:
        return
    winner = _ordered([*passed, *contenders], ranking.rules, None, None, term)[0]
    if winner in contenders:
        same = [c for c in passed if phrase(c.product.description) == phrase(winner.product.description)]
        if same and same[0] is not passed[0]:
            ranking.ranked.remove(same[0])
            ranking.ranked.insert(0, same[0])


def _contenders(ranking: Ranking, best: Candidate) -> list[Candidate]:
    """Out-of-stock products that would have been in the running: as good a match as `best`,
    meeting every rule that decided."""
    decided = ranking.decided
    return [
        c
        for c in ranking.out_of_stock
        if (c.match.identity, c.match.coverage) >= (best.match.identity, best.match.coverage)
        and all(matches_rule(c.product, r) for r in decided if r.prefer and r.kind in PREFERENCES)
        and not any(matches_rule(c.product, r) for r in decided if not r.prefer)
    ]


def _usual_out_of_stock(ranking: Ranking, best: Candidate, term: str) -> tuple[str, str]:
    """(doubt, note) when what the line or guidance points to is out of stock here.

    An out-of-stock product counts only if it would have won: as good a match, meeting every
    rule that decided. If the same product is on the shelf in another size, nothing is lost:
    it is picked and the reason says so. Anything else would be a substitute (another brand,
    unsalted for salted), which the shopper confirms."""
    rivals = _contenders(ranking, best)
    on_shelf = {phrase(c.product.description) for c in ranking.ranked}
    lost = [c for c in rivals if phrase(c.product.description) not in on_shelf]
    for out in lost:
        for group, _ in (*EXCLUSIVE_GROUPS, *SUBSTITUTE_GROUPS):
            theirs, ours = _most_specific(out.product, group), _most_specific(best.product, group)
            if theirs and theirs != ours:
                return (
                    f"{out.product.description} is out of stock here; this one is {ours or 'different'}",
                    "",
                )
    # Another kind of the brand the line names, even where the usual is there in another size
    # (a price rule picked the cage-free dozen over the 18 ct of the usual eggs): a judgment.
    line = phrase(term)
    others = [c for c in rivals if phrase(c.product.description) != phrase(best.product.description)]
    named_here = [c for c in others if c not in lost and contains_phrase(line, phrase(c.product.brand))]
    for out in [*lost, *named_here]:
        added = attribute_words(best.product) - attribute_words(out.product) - DEFAULT_ATTRIBUTE_WORDS
        if added and names_brand_of(out, best):
            return (
                f"{out.product.description} is out of stock here; this one is {' '.join(sorted(added))}",
                "",
            )
    named = [r for r in ranking.rules if r.prefer and r.kind in (RuleKind.BRAND, RuleKind.ATTRIBUTE)]
    for out in lost:
        if any(matches_rule(out.product, r) and not matches_rule(best.product, r) for r in named):
            return f"{out.product.description} is out of stock here; this is the closest match", ""
    same = [c for c in rivals if phrase(c.product.description) == phrase(best.product.description)]
    if same:
        return "", f"{same[0].product.size} is out of stock; same product in {best.product.size}"
    return "", ""


PREFERENCES = (RuleKind.BRAND, RuleKind.ATTRIBUTE, RuleKind.STORE_BRAND)
DEFAULT_ATTRIBUTE_WORDS = frozenset({"salted", "white", "regular", "original", "classic", "vitamin", "d"})


FLAVOURS = next(group for group, about in EXCLUSIVE_GROUPS if not about) - {"plain"}


def _flavoured(product: Product, line: str) -> bool:
    """A flavour the line did not ask for ("Honey Nut" Cheerios for "cheerios")."""
    return any(has_attribute(product, f) and f" {phrase(f)} " not in line for f in FLAVOURS)


# Cuts of a product sold whole too, by their spellings ("Sliced", "Slices").
CUTS = {
    "slice": ("slice", "sliced"),
    "shred": ("shred", "shredded"),
    "grate": ("grated",),
    "crumble": ("crumble", "crumbled"),
    "cube": ("cube", "cubed"),
    "dice": ("diced",),
    "chop": ("chopped",),
    "mince": ("minced",),
}


def _cuts(text: str) -> set[str]:
    found = set(text.split())
    return {cut for cut, spellings in CUTS.items() if found.intersection(spellings)}


def _cut_unasked(product: Product, line: str) -> bool:
    """A cut the line did not ask for ("Slices" of cheddar for "cheddar")."""
    return bool(_cuts(phrase(product.description)) - _cuts(line))


def _defaults_in(product: Product) -> int:
    """Attribute words that are the default anyway ("salted" butter, "white" eggs)."""
    return len(set(phrase(product.description).split()) & DEFAULT_ATTRIBUTE_WORDS)


def attribute_words(product: Product) -> set[str]:
    return set(phrase(product.description).split()) & ATTRIBUTE_WORDS


def names_brand_of(out: Candidate, best: Candidate) -> bool:
    """The same brand: what the household knows by name ("Eggland's Best") came in another kind."""
    return phrase(out.product.brand) == phrase(best.product.brand)


def _nothing(term: str, ranking: Ranking) -> Pick:
    if ranking.removed:
        product, rule, found = ranking.removed[0]
        reason = f"Every match for “{term}” goes against your guidance: {found.lower()} (“{rule.text}”)"
    elif ranking.out_of_stock:
        reason = f"Every match for “{term}” is out of stock at this store"
    else:
        reason = f'Nothing for "{term}" at this store'
    return Pick(product=None, reason=reason[:300], confidence=0.0)
