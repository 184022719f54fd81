"""The per-line pipeline: remembered pick, else search the store and rank (then, optionally,
ask the assistant). No database access here, so lines can be picked in worker threads."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from kroger.client import KrogerClient
from kroger.errors import KrogerError
from kroger.schemas import Product
from shopping.parsing import (
    COUNTED_IN_PACKS,
    MIN_TERM_LENGTH,
    PACKAGE_UNITS,
    head_noun,
    kroger_search_term,
    too_short_reason,
)
from shopping.products import ProductSnapshot
from shopping.text import phrase, words
from shopping.units import requested_measure

from .assistant import assistant_configured, choose_with_assistant
from .facts import cut_unasked, cuts
from .identity import Identity, expand_shorthand, head, match
from .rules import GuidanceRules, conflicts
from .scoring import ASK, CONFIDENCE_THRESHOLD, Pick, pick_product

SEARCH_LIMIT = 20
# Units whose amount the list buys as that many packs (shopping.parsing's quantity to buy).
BOUGHT_BY_THE_PACK = (PACKAGE_UNITS - {"each"}) | {"gal", "half gal"}


@dataclass(frozen=True)
class Remembered:
    """What a Selection says, copied out of the ORM so worker threads never touch it."""

    product: ProductSnapshot
    quantity: int = 1
    location_id: str = ""

    @classmethod
    def from_selection(cls, selection) -> "Remembered":
        return cls(product=selection.snapshot, quantity=selection.quantity, location_id=selection.location_id)

    def as_product(self) -> Product:
        return self.product.as_product()


@dataclass(frozen=True)
class LinePick:
    pick: Pick
    searched_term: str = ""
    error: KrogerError | None = None

    @property
    def status(self) -> str:
        if self.error is not None:
            return "error"
        if self.pick.product is None:
            return "not_found"
        return "needs_choice" if self.pick.confidence < CONFIDENCE_THRESHOLD else "resolved"


def remembered_pick(*, term: str, remembered: Remembered, location_id: str) -> LinePick:
    where = (
        "at this store" if remembered.location_id and remembered.location_id == location_id else "(any store)"
    )
    pick = Pick(
        product=remembered.as_product(),
        reason=f'Remembered pick for "{term}" {where}',
        confidence=1.0,
        source="memory",
    )
    return LinePick(pick=pick)


def search_candidates(*, client: KrogerClient, term: str, location_id: str) -> tuple[str, list[Product]]:
    """The store's results for `term`, retrying with its head noun when there are none."""
    sent = kroger_search_term(term)
    products = list(client.search_products(term=sent, location_id=location_id, limit=SEARCH_LIMIT).products)
    if products:
        return term, products
    head = head_noun(term)
    if head and head != term and kroger_search_term(head):
        return head, list(
            client.search_products(
                term=kroger_search_term(head), location_id=location_id, limit=SEARCH_LIMIT
            ).products
        )
    return term, []


def rules_for_line(guidance: GuidanceRules, term: str, candidates: Sequence[Product]) -> tuple:
    """The guidance rules for a line. Category-scoped guidance ("canned goods: cheapest per
    ounce", "never Kroger-brand cereal") needs to know what the line is: Kroger's categories
    for its real matches, and the words most of their names share ("… Cereal")."""
    return guidance.for_term(term, line_context(term, candidates))


def line_context(term: str, candidates: Sequence[Product]) -> set[str]:
    """What the line is, as the store files its real matches: the categories and head nouns
    most of them share ("black beans" -> Canned & Packaged, bean)."""
    matching = [p for p in candidates if match(term, p).identity >= Identity.VARIETY]
    # "tomatoes" is what the uncut ones are (produce), not the diced and crushed cans.
    line = f" {phrase(term)} "
    if not cuts(line):
        matching = [p for p in matching if not cut_unasked(p, line)] or matching
    counts: dict[str, int] = {}
    for product in matching:
        for word in {*product.categories, head(words(product.description))}:
            counts[word] = counts.get(word, 0) + 1
    return {word for word, seen in counts.items() if seen * 2 >= len(matching)}


def wanted_size(term: str, amount: Decimal | None, unit: str) -> tuple[Decimal, str] | None:
    """The size a line asks for: a measure ("2 lb"), or a count of things bought in packs ("18 eggs").
    Where the line's amount is a number of packs ("2 dozen eggs", "2 gallons"), one pack's size."""
    if (
        amount is not None
        and amount > 1
        and amount == amount.to_integral_value()
        and unit in BOUGHT_BY_THE_PACK
    ):
        amount = Decimal(1)
    if measured := requested_measure(amount, unit):
        return measured
    if (
        amount is not None
        and unit == ""
        and (term in COUNTED_IN_PACKS or head_noun(term) in COUNTED_IN_PACKS)
    ):
        return amount, "count"
    return None


def pick_line(
    *,
    client: KrogerClient,
    term: str,
    location_id: str,
    guidance: GuidanceRules,
    guidance_texts: Sequence[str] = (),
    amount: Decimal | None = None,
    unit: str = "",
    remembered: Remembered | None = None,
    use_assistant: bool | None = None,
) -> LinePick:
    """Pick for one line: memory wins outright (no search); else search, rank, maybe ask the assistant."""
    if remembered is not None:
        return remembered_pick(term=term, remembered=remembered, location_id=location_id)
    query = expand_shorthand(term)
    if not kroger_search_term(query):
        return LinePick(pick=Pick(product=None, reason=too_short_reason(term), confidence=0.0))
    try:
        searched, candidates = search_candidates(client=client, term=query, location_id=location_id)
    except KrogerError as exc:
        return LinePick(
            pick=Pick(product=None, reason=exc.message, confidence=0.0), searched_term=term, error=exc
        )
    context = line_context(query, candidates)
    rules = guidance.for_term(query, context)
    size = wanted_size(term, amount, unit)
    pick = pick_product(term=searched, candidates=candidates, rules=rules, wanted_size=size)
    clash = conflicts(guidance, query, context)
    if pick.product is not None and pick.product.on_sale:
        # The named brand on sale is what "name brand only if it's on sale" allows.
        clash = tuple(r for r in clash if r.margin_kind not in ("on_sale", "sale_saving"))
    if clash and pick.product is not None:
        pick = Pick(
            product=pick.product,
            reason=f"Please choose: your list says “{term}” but your guidance says “{clash[0].text}”",
            confidence=min(pick.confidence, ASK),
            alternatives=pick.alternatives,
        )
    if searched != query and pick.product is not None:
        pick = Pick(
            product=pick.product,
            reason=f'Nothing matched "{term}", so searched for "{searched}": please check',
            confidence=min(pick.confidence, ASK),
            alternatives=pick.alternatives,
        )
    if kroger_search_term(searched) != searched:
        pick = replace(pick, reason=f"{pick.reason} ({spaced_note(searched)})")
    if pick.product is not None and (assistant_configured() if use_assistant is None else use_assistant):
        pick = choose_with_assistant(
            term=term,
            guidance=relevant_guidance(guidance_texts, rules),
            candidates=[pick.product, *pick.alternatives],
            fallback=pick,
        )
    return LinePick(pick=pick, searched_term=searched)


def spaced_note(term: str) -> str:
    return (
        f"Kroger's search needs at least {MIN_TERM_LENGTH} characters, so “{term}” was searched as "
        f"“{kroger_search_term(term)}”"
    )


def relevant_guidance(texts: Sequence[str], rules) -> list[str]:
    """Only the guidance lines behind the rules that apply to this line, for the assistant."""
    wanted = {rule.text for rule in rules}
    return [text for text in texts if any(part in text for part in wanted)]
