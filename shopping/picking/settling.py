"""Whether anything settles which kind of product a line means ("cereal", whole or 2% milk),
or the shopper has to say."""

from shopping.lexicon import EXCLUSIVE_GROUPS, STORE_BRANDS, SUBSTITUTE_GROUPS, VAGUE_LINES
from shopping.text import phrase

from .facts import Candidate, Ranking, kind_words, matches_rule, most_specific
from .identity import names_brand
from .ordering import ordered
from .rules import RuleKind

CONTAINERS = frozenset({"box", "bag", "pack", "bottle", "carton", "jug", "case", "container", "pouch"})


def check_settled(pool: list[Candidate], ranking: Ranking, term: str) -> None:
    """Add a doubt when the line leaves open which kind of product (a bare "cereal", "cheese" or
    "juice"), or the candidates come in exclusive kinds (whole or 2%, sharp or mild) that
    neither the line nor an attribute rule settles. Brand and price rules choose among one
    kind of product, never between kinds, so this looks at the candidates before them."""
    if ranking.doubts or not pool:
        return
    settled = {v for r in ranking.decided if r.kind == RuleKind.ATTRIBUTE for v in r.value.split("|")}
    named = any(r.kind == RuleKind.BRAND and r.qualifier for r in ranking.decided)
    line = phrase(term)
    # "juice boxes" is as vague as "juice".
    shelf = " ".join(w for w in line.split() if w not in CONTAINERS) or line
    if (line in VAGUE_LINES or shelf in VAGUE_LINES) and not named:
        ranking.vague = True
        return
    # A brand the household buys by name, sold here in one kind, is that kind to them
    # ("Buy Private Selection when they have it": their one cheddar, whatever its sharpness).
    theirs = [
        c
        for c in pool
        if any(r.kind == RuleKind.BRAND and r.prefer and matches_rule(c.product, r) for r in ranking.rules)
    ]
    top = ordered(theirs or pool, (), None, None, term)[:6]
    # A line that is only a brand ("tropicana") leaves open even the kinds with a usual default.
    brand_only = all(names_brand(line, c.product) for c in top)
    groups = (*EXCLUSIVE_GROUPS, *SUBSTITUTE_GROUPS) if brand_only else EXCLUSIVE_GROUPS
    for group, about in groups:
        if about and not brand_only and not set(line.split()) & {phrase(a) for a in about}:
            continue
        if any(f" {phrase(v)} " in f" {line} " for v in group) or group & settled:
            continue
        values = {most_specific(c.product, group) for c in top}
        if "" in values and not about:
            continue  # an unflavoured one is there: the plain product is the sensible default
        values -= {""}
        if len(values) > 1:
            ranking.doubts.append(f"they come as {', '.join(sorted(values))}")
            return


def named_brands_kind(pool: list[Candidate], ranking: Ranking) -> list[Candidate] | None:
    """What settles a vague line: a named brand with one kind of it, or with a plain kind the
    others only add to ("Coke" for soda: Classic, not Mexican Cane Sugar). Price rules, even
    "cheapest of everything", choose a price, not which cheese: the shopper still says which."""
    if not any(
        r.kind == RuleKind.BRAND and r.prefer and r.value not in STORE_BRANDS for r in ranking.decided
    ):
        return None
    kinds = [kind_words(c.product) for c in pool]
    plainest = min(kinds, key=len)
    if not all(plainest <= kind for kind in kinds):
        return None
    return [c for c, kind in zip(pool, kinds, strict=True) if kind == plainest]
