"""The household's memory: remembering and recalling picks, and keeping guidance in order."""

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.access import household_of
from shopping.models import Guidance, Selection, is_product_id, normalize_term

PRODUCT_FIELD_LIMITS = {"description": 300, "brand": 120, "size": 60}


class GuidanceLimitReached(ValidationError):
    """The shopper already has the most guidance lines allowed."""


def _product_fields(product: Any) -> dict[str, Any]:
    """The Selection columns for a kroger.schemas.Product or a plain dict describing one."""
    if isinstance(product, Mapping):
        get = product.get
        image_url = get("image_url") or ""
        price = get("price")
    else:
        get = lambda name, default="": getattr(product, name, default)  # noqa: E731
        image = getattr(product, "image_url", None)
        image_url = (image() if callable(image) else image) or ""
        price = getattr(product, "price", None)
    fields = {name: str(get(name, "") or "")[:limit] for name, limit in PRODUCT_FIELD_LIMITS.items()}
    fields["product_id"] = str(get("product_id", "") or "")
    # An over-long or odd image URL is not worth failing a pick for; drop it instead.
    fields["image_url"] = (
        image_url if len(image_url) <= 500 and image_url.startswith(("http://", "https://")) else ""
    )
    try:
        fields["price"] = None if price is None else Decimal(str(price)).quantize(Decimal("0.01"))
    except InvalidOperation:
        fields["price"] = None
    return fields


def remember_selection(
    *,
    owner,
    household=None,
    term: str,
    location_id: str = "",
    product: Any,
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
    fields = _product_fields(product)
    if not normalized:
        raise ValueError("The term must contain letters or digits.")
    if not is_product_id(fields["product_id"]):
        raise ValueError("The product ID must be 13 digits.")
    if location_id and len(location_id) != 8:
        raise ValueError("A store location ID has 8 characters (or is blank for any store).")
    defaults = {
        **fields,
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
