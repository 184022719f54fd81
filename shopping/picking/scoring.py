"""The deterministic picker: choose a store's product for one list line, or ask.

Kroger's search is fuzzy and its order unstable ("banana" finds pudding; kroger-api.md §9
item 7), so nothing here trusts result #1. Picking narrows the candidates in a fixed order of
precedence instead of adding up points, so rules never "just add up":

1. hard filters: not sold here, out of stock, the household's exclusions;
2. product identity (`identity.py`), then the line's own words ("diced", "whole bean");
3. household rules, strongest and most specific first (`GuidanceRules.for_term` already
   dropped the general rules a specific one overrides, and those the line's words settle);
4. an order among what is left: size asked for, price rules, plain before fancy, unit price
   (`ordering.py`).

The pick is confident only when something settled it (`settling.py`: which kind; `stock.py`:
an out-of-stock usual); otherwise the line "needs your choice" with the best candidates first,
and the reason says which. `facts.py` holds what every step knows of one product.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from kroger.schemas import Product
from shopping.text import phrase
from shopping.units import measure, requested_measure

from .exclusions import excluded_by
from .facts import (
    Candidate,
    Ranking,
    cut_unasked,
    flavoured,
    has_attribute,
    matches_rule,
    not_sold_here,
    unit_price,
)
from .identity import CHANGING_ATTRIBUTES, Identity, match, refine_by_category
from .ordering import fits, ordered
from .rules import Rule, RuleKind, brand_title
from .settling import check_settled, named_brands_kind
from .stock import contenders, same_product_first, usual_out_of_stock

__all__ = [
    "ASK",
    "CONFIDENCE_THRESHOLD",
    "MAX_ALTERNATIVES",
    "Pick",
    "measure",
    "not_sold_here",
    "pick_product",
]


CONFIDENCE_THRESHOLD = 0.6


MAX_ALTERNATIVES = 5


# Confidence levels (0-1): only their order against the threshold matters to callers.
SETTLED = 0.9  # a rule, the line's words or the only plain match decided


DEFAULTED = 0.75  # interchangeable products (brand, size, price); the cheaper per unit won


ASK = 0.45  # the candidates differ in a way nothing settles: the shopper chooses


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
    narrow(lambda c: not flavoured(c.product, line))
    # Likewise a cut the line didn't ask for ("Slices" for "cheddar"), when the whole one is there.
    narrow(lambda c: not cut_unasked(c.product, line))
    if best_identity < Identity.VARIETY:
        ranking.doubts.append(f"nothing here is plainly “{term}”")
    elif best_identity == Identity.VARIETY and best_cover < 1:
        ranking.doubts.append(f"nothing here is exactly “{term}”")
    elif best_identity == Identity.VARIETY:
        ranking.doubts.append(f"nothing here is plainly “{term}”")
    if wanted_size:
        # The size on the list line is the shopper's own word: it beats household rules. A weight
        # or volume may come as several packs (2 x 1 lb for "2 lb"); a count is one pack.
        narrow(lambda c: fits(c, wanted_size))
    kind_rules = [
        r for r in rules if r.kind == RuleKind.ATTRIBUTE or (r.kind == RuleKind.BRAND and r.qualifier)
    ]
    _apply_rules(kind_rules, lambda: pool, narrow, ranking)
    if wanted_size:
        # Among what the household's kind rules leave, one pack of the size beats two halves.
        narrow(lambda c: fits(c, wanted_size, single=True))
    check_settled(pool, ranking, term)
    _apply_rules([r for r in rules if r not in kind_rules], lambda: pool, narrow, ranking)
    if ranking.vague and not ranking.doubts:
        if (plainest := named_brands_kind(pool, ranking)) is None:
            ranking.doubts.append(f"“{term}” could be several things")
        else:
            narrow(lambda c: c in plainest)
    pool = ordered(pool, rules, wanted_size, ranking, term)
    set_aside = [c for stage in reversed(stages) for c in ordered(stage, rules, wanted_size, None, term)]
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
        anywhere = [*current(), *ranking.out_of_stock]
        # A capitalised word that names no brand sold here, unless the household insists on it
        # for this very product ("Coffee is Cafe Bustelo and nothing else").
        unsold = rule.kind == RuleKind.BRAND and not rule.known_brand and not rule.strong
        if unsold and not rule.about_line and not any(matches_rule(c.product, rule) for c in anywhere):
            continue
        # "Always Heinz" names no product: it is about the lines where Heinz is on the shelf.
        about_its_products = rule.kind == RuleKind.BRAND and not rule.scope and rule.prefer
        if about_its_products and not any(matches_rule(c.product, rule) for c in anywhere):
            continue
        if rule.margin is not None and rule.prefer:
            keep = _conditional(rule, current())
            if keep is not None:
                narrow(keep, rule)
            elif rule.strong:
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
        preferred = [c for c in pool if matches_rule(c.product, rule)]
        if rule.versus and rule.versus != "name brand":
            others = [c for c in pool if has_attribute(c.product, rule.versus)]
        else:
            others = [c for c in pool if not matches_rule(c.product, rule)]
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
    if rule.margin_kind == "sale_saving":
        # "unless the name brand is on sale for less": a deal that beats the store brand per unit.
        deals = [c for c in others if c.product.on_sale and c.product.stock_level is not None]
        if preferred:
            deals = [d for d in deals if _cheaper_like_for_like(d, preferred)]
        return (lambda c: c in deals) if deals else ((lambda c: c in preferred) if preferred else None)
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


def _cheaper_like_for_like(deal: Candidate, preferred: list[Candidate]) -> bool:
    """Whether `deal` costs less than the nearest-sized preferred pack, for that pack's amount."""
    base = min(preferred, key=lambda p: _pair_key(p, deal))
    base_price, deal_price = _price_for_size(base, base.size), _price_for_size(deal, base.size)
    return base_price is not None and deal_price is not None and deal_price < base_price


def _pair_key(one: Candidate, other: Candidate) -> tuple:
    """Packs nearest in size first, then the cheapest pair per unit."""
    gap = Decimal(10**6)
    if one.size and other.size and one.size[1] == other.size[1]:
        gap = max(one.size[0], other.size[0]) / min(one.size[0], other.size[0])
    missing = Decimal(10**6)
    return gap, (one.unit_price or missing) + (other.unit_price or missing)


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
    same_product_first(ranking, term)
    best = ranking.ranked[0]
    alternatives = tuple(c.product for c in ranking.ranked[1 : 1 + MAX_ALTERNATIVES])
    decided = list(dict.fromkeys(rule.text for rule in ranking.decided))
    usual_out, size_note = usual_out_of_stock(ranking, best, term)
    if usual_out:
        ranking.doubts.append(usual_out)
    no_swaps = any(r.kind == RuleKind.NO_SUBSTITUTES for r in rules)
    same_kind = phrase(best.product.description)
    swapped = [c for c in contenders(ranking, best) if phrase(c.product.description) != same_kind]
    if no_swaps and (swapped or (wanted_size and not fits(best, wanted_size))):
        ranking.doubts.append("what your list names isn't here, and your guidance says not to swap")
    if wanted_size:
        size_note = ""  # the line chose the size
        if doubt := size_missing(ranking, best, wanted_size):
            ranking.doubts.append(doubt)
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


def size_missing(ranking: Ranking, best: Candidate, wanted: tuple[Decimal, str]) -> str:
    """Why the size on the line isn't what is picked, or "": nothing comes in it, or one pack of
    it is out of stock and several smaller ones stand in (a gallon as two half gallons)."""
    if not fits(best, wanted):
        return f"nothing here comes in the size on your list ({best.product.size} is the nearest)"
    if not fits(best, wanted, single=True):
        for out in contenders(ranking, best):
            if fits(out, wanted, single=True):
                out_name = f"{out.product.description} {out.product.size}"
                return f"{out_name} is out of stock; this is {best.product.size}"
    return ""


def _nothing(term: str, ranking: Ranking) -> Pick:
    if ranking.removed:
        product, rule, found = ranking.removed[0]
        reason = f"Every match for “{term}” goes against your guidance: {found.lower()} (“{rule.text}”)"
    elif ranking.out_of_stock:
        reason = f"Every match for “{term}” is out of stock at this store"
    else:
        reason = f'Nothing for "{term}" at this store'
    return Pick(product=None, reason=reason[:300], confidence=0.0)
