"""The household's memory: remembering and recalling picks, and keeping guidance in order."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.access import household_of
from kroger.errors import KrogerBadRequest, KrogerNotFound
from kroger.gateway import get_client
from kroger.schemas import Product
from shopping.models import Guidance, Selection, is_product_id, normalize_term
from shopping.products import SNAPSHOT_FIELDS, ProductSnapshot


class GuidanceLimitReached(ValidationError):
    """The shopper already has the most guidance lines allowed."""


class NotAtKroger(ValueError):
    """Kroger has no product (or no store) with that ID."""


def _snapshot_of(product: Product | ProductSnapshot | Mapping[str, Any]) -> ProductSnapshot:
    if isinstance(product, ProductSnapshot):
        return product
    if isinstance(product, Product):
        return ProductSnapshot.of(product)
    return ProductSnapshot.from_dict(product)


def remember_selection(
    *,
    owner,
    household=None,
    term: str,
    location_id: str = "",
    product: Product | ProductSnapshot | Mapping[str, Any],
    quantity: int = 1,
    source: str = Selection.Source.USER,
    reason: str = "",
) -> tuple[Selection, bool]:
    """Save the household's pick for (term, store), replacing any earlier one; returns (selection,
    created). `owner` is who remembers it; the household defaults to theirs.

    Raises ValueError if the term normalises to nothing, the product has no 13-digit ID or the
    location ID is not 8 characters; quantity is clamped to 1–99.
    """
    normalized = normalize_term(term)
    snapshot = _snapshot_of(product)
    if not normalized:
        raise ValueError("The term must contain letters or digits.")
    if not is_product_id(snapshot.product_id):
        raise ValueError("The product ID must be 13 digits.")
    if location_id and len(location_id) != 8:
        raise ValueError("A store location ID has 8 characters (or is blank for any store).")
    defaults = {
        **{name: getattr(snapshot, name) for name in SNAPSHOT_FIELDS},
        "term": term.strip()[:200],
        "quantity": min(max(1, int(quantity)), 99),
        "source": source,
        "reason": reason[:300],
        "last_used_at": timezone.now(),
        "owner": owner,
    }
    return Selection.objects.update_or_create(
        household=household or household_of(owner),
        normalized_term=normalized,
        location_id=location_id or "",
        defaults=defaults,
    )


def remember_product(
    *,
    owner,
    household=None,
    term: str,
    product_id: str,
    location_id: str = "",
    quantity: int = 1,
    source: str = Selection.Source.USER,
    reason: str = "",
) -> tuple[Selection, bool]:
    """Remember a product by its ID, as Kroger describes it at the store (or with no store for an
    any-store pick): the one way the products page and the API remember, so a pick's name, picture
    and price are Kroger's, never what a form or a client posted. The lookup is cached like searches.

    Raises NotAtKroger when Kroger has no such product, kroger.errors.KrogerError when Kroger
    fails, and ValueError as `remember_selection` does.
    """
    return remember_selection(
        owner=owner, household=household, term=term, location_id=location_id,
        product=look_up_product(product_id, location_id),
        quantity=quantity, source=source, reason=reason,
    )  # fmt: skip


def change_selection(*, selection: Selection, **changes: Any) -> Selection:
    """Edit a remembered pick (term, store, product, quantity, source, reason). A new product or
    store is looked up with Kroger, as remembering does. Raises NotAtKroger and
    kroger.errors.KrogerError as `remember_product` does, IntegrityError when another pick already
    has the new term and store."""
    product_id = changes.pop("product_id", selection.product_id)
    location_id = changes.get("location_id", selection.location_id)
    if (product_id, location_id) != (selection.product_id, selection.location_id):
        selection.set_snapshot(ProductSnapshot.of(look_up_product(product_id, location_id)))
    for name, value in changes.items():
        setattr(selection, name, value)
    selection.save()
    return selection


def look_up_product(product_id: str, location_id: str) -> Product:
    """Kroger's product by its ID, at the store (blank: no store, so no price or stock); cached.
    Raises ValueError for an ID that is not 13 digits, NotAtKroger when Kroger has no such
    product or store, and kroger.errors.KrogerError when Kroger fails."""
    if not is_product_id(product_id):
        raise ValueError("The product ID must be 13 digits.")
    try:
        return get_client().get_product(product_id, location_id=location_id or None)
    except KrogerNotFound as exc:
        raise NotAtKroger(f"Kroger has no product with ID {product_id}.") from exc
    except KrogerBadRequest as exc:
        # A well-formed store ID Kroger does not know is its 400 (kroger-api.md §5.1).
        if location_id and "location" in exc.message.lower():
            raise NotAtKroger(f"Kroger has no store with ID {location_id}.") from exc
        raise


def find_selection(*, household, term: str, location_id: str) -> Selection | None:
    """The remembered pick for a term: the one for this store first, then an any-store one."""
    return find_selections(household=household, terms=[term], location_id=location_id).get(
        normalize_term(term)
    )


def find_selections(*, household, terms: Iterable[str], location_id: str) -> dict[str, Selection]:
    """The remembered pick for each term, keyed by normalised term, in one query.

    A pick for this store beats an any-store pick for the same term.
    """
    normalized = {normalize_term(term) for term in terms} - {""}
    if not normalized:
        return {}
    found: dict[str, Selection] = {}
    rows = Selection.objects.for_household(household).filter(
        normalized_term__in=normalized, location_id__in={location_id, ""}
    )
    for selection in rows:
        current = found.get(selection.normalized_term)
        if current is None or (selection.location_id and not current.location_id):
            found[selection.normalized_term] = selection
    return found


def add_guidance(*, owner, household=None, text: str, applies_to: str = "") -> Guidance:
    """Append a guidance line to the household's (default: `owner`'s, who adds it). Raises
    GuidanceLimitReached when the household has the maximum."""
    limit = settings.MAX_GUIDANCE_LINES_PER_USER
    household = household or household_of(owner)
    with transaction.atomic():
        lines = Guidance.objects.for_household(household)
        if lines.count() >= limit:
            raise GuidanceLimitReached(
                f"You can keep at most {limit} guidance lines. Delete or merge one first.",
                code="guidance_limit",
            )
        last = lines.aggregate(last=Max("position"))["last"]
        return Guidance.objects.create(
            household=household,
            owner=owner,
            text=text,
            applies_to=applies_to,
            position=0 if last is None else last + 1,
        )


def reorder_guidance(*, household, ids: Iterable[int]) -> list[Guidance]:
    """Put the household's lines in the order given; lines not listed follow in their current order.

    Raises ValidationError naming any ID that is not one of the household's lines (or repeats).
    """
    ids = list(ids)
    with transaction.atomic():
        lines = list(Guidance.objects.for_household(household).select_for_update())
        by_id = {line.pk: line for line in lines}
        unknown = [pk for pk in ids if pk not in by_id]
        if unknown:
            raise ValidationError(f"These are not your guidance lines: {unknown}.", code="unknown_ids")
        if len(set(ids)) != len(ids):
            raise ValidationError("Each guidance line may appear only once.", code="duplicate_ids")
        ordered = [by_id[pk] for pk in ids] + [line for line in lines if line.pk not in set(ids)]
        changed = []
        for position, line in enumerate(ordered):
            if line.position != position:
                line.position = position
                changed.append(line)
        Guidance.objects.bulk_update(changed, ["position"])
    return ordered


def move_guidance(*, household, guidance: Guidance, offset: int) -> list[Guidance]:
    """Move one line up (offset -1) or down (+1) among the household's lines."""
    ids = list(Guidance.objects.for_household(household).values_list("pk", flat=True))
    index = ids.index(guidance.pk)
    target = min(max(index + offset, 0), len(ids) - 1)
    ids.insert(target, ids.pop(index))
    return reorder_guidance(household=household, ids=ids)
