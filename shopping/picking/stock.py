"""Out-of-stock products that would have won: the same product in another size leads; any
other stand-in is the shopper's call."""

from shopping.lexicon import EXCLUSIVE_GROUPS, SUBSTITUTE_GROUPS
from shopping.text import contains_phrase, phrase

from .facts import (
    DEFAULT_ATTRIBUTE_WORDS,
    Candidate,
    Ranking,
    attribute_words,
    matches_rule,
    most_specific,
    names_brand_of,
)
from .ordering import ordered
from .rules import RuleKind

PREFERENCES = (RuleKind.BRAND, RuleKind.ATTRIBUTE, RuleKind.STORE_BRAND)


def same_product_first(ranking: Ranking, term: str) -> None:
    """When the product that would have won is out of stock and what passed every step has it
    in another size, that size leads ("the 18 ct of the same eggs", not cage-free ones)."""
    if any(r.kind in (RuleKind.PRICE, RuleKind.SIZE) for r in ranking.rules):
        return  # the out-of-stock one won on its price or size, which another size doesn't share
    passed = ranking.ranked[: ranking.pool_size]
    out = contenders(ranking, passed[0]) if passed else []
    if not out:
        return
    winner = ordered([*passed, *out], ranking.rules, None, None, term)[0]
    if winner in out:
        same = [c for c in passed if phrase(c.product.description) == phrase(winner.product.description)]
        if same and same[0] is not passed[0]:
            ranking.ranked.remove(same[0])
            ranking.ranked.insert(0, same[0])


def contenders(ranking: Ranking, best: Candidate) -> list[Candidate]:
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


def usual_out_of_stock(ranking: Ranking, best: Candidate, term: str) -> tuple[str, str]:
    """(doubt, note) when what the line or guidance points to is out of stock here.

    An out-of-stock product counts only if it would have won: as good a match, meeting every
    rule that decided. If the same product is on the shelf in another size, nothing is lost:
    it is picked and the reason says so. Anything else would be a substitute (another brand,
    unsalted for salted), which the shopper confirms."""
    rivals = contenders(ranking, best)
    on_shelf = {phrase(c.product.description) for c in ranking.ranked}
    lost = [c for c in rivals if phrase(c.product.description) not in on_shelf]
    for out in lost:
        for group, _ in (*EXCLUSIVE_GROUPS, *SUBSTITUTE_GROUPS):
            theirs, ours = most_specific(out.product, group), most_specific(best.product, group)
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
