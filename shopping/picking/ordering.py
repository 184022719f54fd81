"""The order among candidates the household's rules left equal: the size asked for, price
rules, plain before fancy, a typical pack, known stock, unit price."""

from decimal import Decimal

from shopping.text import phrase
from shopping.units import pack_count

from .facts import Candidate, Ranking, defaults_in, flavoured, is_weighed, pack_price
from .rules import Rule, RuleKind

SIZE_TOLERANCE = Decimal("0.15")  # within 15% is the size asked for: 1.85 lb is "2 lb", 1.7 lb isn't


TYPICAL_SIZE_RATIO = Decimal("1.6")  # packs within 1.6x of the middle size count as ordinary


def fits(candidate: Candidate, wanted: tuple[Decimal, str], single: bool = False) -> bool:
    packs = (1,) if single or wanted[1] == "count" else (1, 2, 3, 4)
    return any(size_distance(candidate, (wanted[0] / n, wanted[1])) <= SIZE_TOLERANCE for n in packs)


def size_distance(candidate: Candidate, wanted: tuple[Decimal, str]) -> Decimal:
    if is_weighed(candidate.product) and wanted[1] == "weight" and (candidate.size or (0,))[0] <= 16:
        return Decimal(0)  # loose, by the pound: weighed out to any amount
    size = candidate.size
    if wanted[1] == "count" and (packs := pack_count(candidate.product.size)):
        size = (packs, "count")  # "12 pack of coke": a 12 ct / 12 fl oz case
    if not size or size[1] != wanted[1]:
        return Decimal(10**6)
    ratio = size[0] / wanted[0]
    return abs(ratio - 1) if ratio >= 1 else abs(1 / ratio - 1)


def ordered(pool, rules, wanted_size, ranking: Ranking | None, term: str = "") -> list[Candidate]:
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

    # Under an allergy, what Kroger's label data vouches for (any size of the same product).
    labelled = {phrase(c.product.description) for c in pool if c.product.allergens or c.product.ingredients}

    def key(c: Candidate):
        size_key: Decimal = Decimal(0)
        if target:
            size_key = size_distance(c, target)
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
            flavoured(c.product, line),
            c.match.prefix,
            len(c.match.variety),
            c.match.extra_attributes - defaults_in(c.product),
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
        unverified = excluding and phrase(c.product.description) not in labelled
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
        if target and size_distance(winner, target) <= SIZE_TOLERANCE:
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
