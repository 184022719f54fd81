"""Shopping-list workflows: create from pasted text, change a line, remember a line's pick.
Picking products for lines lives in `line_picks`, sending in `list_sending`; resolving a whole
list once at a time, within a deadline or in the background, in `resolving`."""

from collections.abc import Callable
from contextlib import nullcontext
from functools import cache

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from accounts.access import household_of
from kroger.schemas import Product
from shopping.models import ListItem, Selection, ShoppingList, normalize_term
from shopping.parsing import clean_term, parse_line, split_list_text
from shopping.picking.scoring import not_sold_here
from shopping.products import SNAPSHOT_FIELDS, ProductSnapshot
from shopping.services.line_picks import packages_for, resolve_items
from shopping.services.memory import (
    NotAtKroger,
    add_guidance,
    look_up_product,
    remember_selection,
)
from shopping.services.resolving import holding

# What a line holds, read back after it is picked again (its list, already at hand, is kept).
LINE_VALUES = [field.attname for field in ListItem._meta.concrete_fields if not field.is_relation]
# How often a choice made without a version is made again over a line others keep changing.
CHOICE_ATTEMPTS = 3


class NoStoreChosen(ValueError):
    """The shopper has no preferred store and gave none: prices and stock need one."""


class ProductNotAvailable(ValueError):
    """The product is not one of the line's candidates and Kroger does not sell it at the store."""


class ItemHasNoProduct(ValueError):
    """Remembering needs a product on the line."""


class ListTextInvalid(ValueError):
    """Pasted text that holds no item, or more lines than a list may have (MAX_LIST_LINES)."""


class StaleEdit(Exception):
    """The line changed since the version the edit was made from (another member changed it)."""

    code = "edit_conflict"

    def __init__(self, item: ListItem):
        super().__init__(
            "Someone else changed this line a moment ago, so your change was not made. "
            "Here it is as it is now: change it again if you still want to."
        )
        self.item = item


# --- Parsing text into lines --------------------------------------------------------------


def _parse_text(text: str, *, room: int) -> list:
    """The parsed items of pasted text; raises ListTextInvalid when there are none or more than
    `room` (what MAX_LIST_LINES leaves on the list)."""
    limit = settings.MAX_LIST_LINES
    lines = split_list_text(text, limit=None)
    parsed = [line for line in map(parse_line, lines) if line is not None]
    if not parsed:
        raise ListTextInvalid("No items found: write one item per line, or separate them with commas.")
    if len(parsed) > room:
        if room == limit:
            raise ListTextInvalid(
                f"A list holds at most {limit} lines; this one has {len(parsed)}. Split it into two lists."
            )
        raise ListTextInvalid(
            f"A list holds at most {limit} lines and this one has {limit - room}: "
            f"there is room for {room} more."
        )
    return parsed


def _new_item(shopping_list: ShoppingList, parsed, position: int) -> ListItem:
    return ListItem(
        shopping_list=shopping_list,
        position=position,
        raw_text=parsed.raw_text,
        term=parsed.term[:200],
        amount=parsed.amount,
        unit=parsed.unit,
        quantity=parsed.quantity,
    )


# --- Creating -----------------------------------------------------------------------------


def _default_name() -> str:
    today = timezone.localdate()
    return f"List for {today:%b} {today.day}"


@transaction.atomic
def create_list_from_text(
    *, owner, text: str, name: str = "", location_id: str = "", household=None
) -> ShoppingList:
    """A new list of the household's (default: the creator `owner`'s), with one pending item per
    parsed line. Raises NoStoreChosen without a store, ListTextInvalid when the text holds no item
    or more than MAX_LIST_LINES (nothing is created)."""
    location_id = location_id or owner.preferred_location_id
    if not location_id:
        raise NoStoreChosen("Choose your store first: prices and stock depend on it.")
    parsed_lines = _parse_text(text, room=settings.MAX_LIST_LINES)
    shopping_list = ShoppingList.objects.create(
        household=household or household_of(owner), owner=owner, name=name.strip()[:100] or _default_name(),
        location_id=location_id, raw_text=text,
    )  # fmt: skip
    ListItem.objects.bulk_create(
        [_new_item(shopping_list, parsed, position) for position, parsed in enumerate(parsed_lines)]
    )
    return shopping_list


@transaction.atomic
def add_item(*, shopping_list: ShoppingList, text: str) -> ListItem:
    """Add one line at the end of the list, pending until resolved. The text is one line ("2 lb
    ground beef"; commas stay part of it). Raises ListTextInvalid when it names no item or the
    list is full (MAX_LIST_LINES)."""
    # Lock the list so two adds at once cannot both take the last free line or one position.
    ShoppingList.objects.select_for_update().filter(pk=shopping_list.pk).first()
    existing = shopping_list.items.aggregate(count=Count("id"), last=Max("position"))
    room = settings.MAX_LIST_LINES - existing["count"]
    parsed = parse_line(" ".join(text.split()))
    if parsed is None:
        raise ListTextInvalid("No item found: write what to buy, e.g. “2 lb ground beef”.")
    if room < 1:
        _parse_text(text, room=0)  # raises, naming the limit
    last = existing["last"]
    item = _new_item(shopping_list, parsed, 0 if last is None else last + 1)
    item.save()
    ShoppingList.objects.filter(pk=shopping_list.pk).update(updated_at=timezone.now())
    return item


def edit_item_text(*, item: ListItem, text: str, version: int | None = None) -> ListItem:
    """Rewrite a line ("2 lb ground beef" -> "3 lb ground beef"): parse it again and pick again;
    returns the line as saved. Raises ListTextInvalid when the text names no item, StaleEdit
    when `version` is given and the line has moved on (see `claim_edit`)."""
    parsed = parse_line(" ".join(text.split()))
    if parsed is None:
        raise ListTextInvalid("No item found: write what to buy, e.g. “2 lb ground beef”.")
    claim_edit(
        item, version, raw_text=parsed.raw_text, term=parsed.term[:200], amount=parsed.amount,
        unit=parsed.unit, quantity=parsed.quantity, search_text="", status=ListItem.Status.PENDING,
    )  # fmt: skip
    return _pick_again(item)


def skip_item(*, item: ListItem, skipped: bool) -> ListItem:
    """Keep the line but leave it out of the send and the total (or bring it back)."""
    item.skipped = skipped
    item.save(update_fields=["skipped", "updated_at"])
    return item


@transaction.atomic
def move_item(*, item: ListItem, position: int) -> list[ListItem]:
    """Put the line at `position` (0 = first; past the end = last) and number every line of the
    list 0, 1, 2... in the new order; returns the lines in order."""
    ShoppingList.objects.select_for_update().filter(pk=item.shopping_list_id).first()
    items = [other for other in ListItem.objects.filter(shopping_list_id=item.shopping_list_id)]
    ordered = [other for other in items if other.pk != item.pk]
    ordered.insert(max(0, min(position, len(ordered))), item)
    changed = []
    for index, line in enumerate(ordered):
        if line.position != index:
            line.position = index
            changed.append(line)
    ListItem.objects.bulk_update(changed, ["position"])
    item.position = ordered.index(item)
    return ordered


# --- Resolving ----------------------------------------------------------------------------


def choose_product(*, item: ListItem, product_id: str, version: int | None = None) -> ListItem:
    """Put one of the line's candidates on it (or a product Kroger confirms the store sells);
    returns the line as saved.

    Raises ProductNotAvailable otherwise: only products from Kroger for this store can be picked.
    The choice is written in one conditional claim once Kroger has answered (see `claim_edit`):
    with `version`, StaleEdit when the line moved on, also while Kroger was being asked; without
    it, the choice is made over the line as it is then, so a change made meanwhile is kept.
    """
    product_id = product_id.strip()
    # Kroger is asked at most once: a line changed meanwhile needs no second lookup.
    fetch = cache(lambda: _fetch_for_store(product_id, item.shopping_list.location_id))
    for _ in range(CHOICE_ATTEMPTS):
        product = _chosen_product(item, product_id, fetch)
        values = _choice(item, product_id, product)
        try:
            claim_edit(item, item.version if version is None else version, **values)
        except StaleEdit:
            if version is not None:
                raise
            continue  # the line as it is now was read back: choose again over it
        return item
    raise StaleEdit(item)


def _chosen_product(item: ListItem, product_id: str, fetch: Callable[[], Product]) -> Product | None:
    """The product to put on the line (None: confirm the one it has), asking Kroger (`fetch`)
    only for a product that is none of the line's own."""
    # Confirming a remembered pick checks it with Kroger: memory never searched this store.
    if item.product_id and product_id == item.product_id and item.source != ListItem.Source.MEMORY:
        return None
    stored = next((a for a in item.alternatives if a.get("product_id") == product_id), None)
    return ProductSnapshot.from_dict(stored).as_product() if stored else fetch()


def _choice(item: ListItem, product_id: str, product: Product | None) -> dict:
    """What choosing `product` writes on the line as the shopper's choice (field: value)."""
    flagged = item.status == ListItem.Status.NEEDS_CHOICE
    same = bool(item.product_id) and product_id == item.product_id
    previous = [] if not item.product_id or same else [item.snapshot.as_dict()]
    others = [a for a in item.alternatives if a.get("product_id") != product_id]
    values = {}
    if product is not None:
        snapshot = ProductSnapshot.of(product)
        values = {name: getattr(snapshot, name) for name in SNAPSHOT_FIELDS}
        if item.quantity == 1:  # as a pick does: enough packages for the amount on the line
            values["quantity"] = packages_for(item.amount, item.unit, product.size)
    return values | {
        "alternatives": (previous + others)[:5],
        "status": ListItem.Status.RESOLVED,
        "source": ListItem.Source.USER,
        "confidence": 1.0,
        "reason": "Your choice",
        # Settling a line the picker was unsure of is the moment to offer remembering it.
        "ask_to_remember": item.ask_to_remember or flagged,
    }


def _fetch_for_store(product_id: str, location_id: str) -> Product:
    try:
        product = look_up_product(product_id, location_id)
    except NotAtKroger as exc:
        raise ProductNotAvailable("Kroger does not sell that product at your store.") from exc
    except ValueError as exc:
        raise ProductNotAvailable("That is not a Kroger product ID (13 digits).") from exc
    if product.price is None or not_sold_here(product):
        raise ProductNotAvailable("Kroger does not sell that product at your store.")
    return product


def search_again(*, item: ListItem, text: str, version: int | None = None) -> ListItem:
    """Pick again searching for the shopper's words (cleaned like a pasted line when searched);
    returns the line as saved. Raises StaleEdit when `version` is given and the line has moved on.

    The line keeps its own term, so remembering the pick remembers it for what the list says;
    typing that term again goes back to a plain resolve of the line.
    """
    typed = " ".join(text.split())[:200]
    same = normalize_term(clean_term(typed)) == normalize_term(item.term)
    claim_edit(item, version, search_text="" if same else typed, status=ListItem.Status.PENDING)
    return _pick_again(item)


def _pick_again(item: ListItem) -> ListItem:
    resolve_items(shopping_list=item.shopping_list, items=[item], workers=1)
    # The pick is saved only over the version claimed: a member's change made meanwhile wins and
    # leaves the line pending with its new words, so answer what was saved, not what was picked.
    item.refresh_from_db(fields=LINE_VALUES)
    return item


def change_item(
    *,
    item: ListItem,
    term: str = "",
    product_id: str = "",
    quantity: int | None = None,
    text: str = "",
    skipped: bool | None = None,
    position: int | None = None,
    version: int | None = None,
) -> ListItem:
    """Apply a shopper's changes to a line: rewrite it, search again, swap the product, then the
    quantity, skipping and its place in the list.

    With `version` (the line's version the shopper saw), raises StaleEdit when another change
    came first. A rewritten or searched-again line is picked under the list's hold (see
    `resolving.holding`): ResolveInProgress while a resolve of the list runs. Raises
    ListTextInvalid (see `edit_item_text`), ProductNotAvailable (see `choose_product`) and
    kroger.errors.* from a product lookup.
    """
    with holding(item.shopping_list) if text or term else nullcontext():
        # Rewriting, searching again and choosing a product write with the claim itself (one
        # statement), a choice once Kroger has answered for it.
        if text:
            edit_item_text(item=item, text=text, version=version)
        if term:
            search_again(item=item, text=term, version=None if text else version)
        if product_id:
            choose_product(item=item, product_id=product_id, version=None if text or term else version)
        elif not (text or term):
            claim_edit(item, version)
        if skipped is not None:
            skip_item(item=item, skipped=skipped)
        if position is not None:
            move_item(item=item, position=position)
        if quantity:
            item.quantity = quantity
            item.save(update_fields=["quantity", "updated_at"])
    return item


def claim_edit(item: ListItem, version: int | None = None, **values) -> None:
    """Take the line's next version before changing it, in one conditional UPDATE that also
    writes `values` (field: value), so of two edits made from the same version exactly one goes
    ahead, and its values never land over a change it did not see. Raises StaleEdit (with the
    line as it is now) when `version` is given and the line has moved on."""
    rows = ListItem.objects.filter(pk=item.pk)
    if values:
        values["updated_at"] = timezone.now()  # update() skips auto_now
    if version is not None:
        claimed = rows.filter(version=version).update(version=F("version") + 1, **values)
    else:
        with transaction.atomic():
            claimed = rows.update(version=F("version") + 1, **values)
            # Our UPDATE holds the row until commit, so this reads the version it wrote, and the
            # line's pick is saved over exactly that (not over a change made since it was read).
            if claimed:
                version = rows.values_list("version", flat=True).get() - 1
    if not claimed:
        item.refresh_from_db()
        raise StaleEdit(item)
    item.version = version + 1
    for name, value in values.items():
        setattr(item, name, value)


def remember_item(
    *,
    item: ListItem,
    guidance_text: str = "",
    any_store: bool = False,
    user=None,
    version: int | None = None,
) -> Selection:
    """Remember the line's product for the line's own term (never the "search again" words), at
    this store unless `any_store`, optionally also saving a guidance line about that term.
    Raises ItemHasNoProduct when the line has none yet, GuidanceLimitReached (a ValidationError)
    when the household has the most guidance lines allowed, StaleEdit when `version` is given and
    the line has moved on (nothing is remembered). `user` is who remembers it (default: the
    list's creator)."""
    if not item.product_id:
        raise ItemHasNoProduct("Pick a product for this line first.")
    sources = {
        ListItem.Source.ASSISTANT: Selection.Source.ASSISTANT,
        ListItem.Source.RULES: Selection.Source.RULES,
    }
    owner, household = user or item.shopping_list.owner, item.shopping_list.household
    with transaction.atomic():
        # The claim holds the line's row until commit: what is remembered is the line as it is
        # (with `version`, as the shopper saw it), and nobody changes it before it is marked.
        claim_edit(item, version)
        if version is None:
            item.refresh_from_db(fields=LINE_VALUES)
            if not item.product_id:
                raise ItemHasNoProduct("Pick a product for this line first.")
        selection, _ = remember_selection(
            owner=owner, household=household, term=item.term,
            location_id="" if any_store else item.shopping_list.location_id,
            product=item.snapshot, quantity=item.quantity,
            source=sources.get(item.source, Selection.Source.USER), reason=item.reason,
        )  # fmt: skip
        if guidance_text.strip():
            add_guidance(
                owner=owner, household=household, text=guidance_text.strip()[:500], applies_to=item.term[:100]
            )
        changed = ["ask_to_remember", "updated_at"]
        if item.status == ListItem.Status.NEEDS_CHOICE:
            item.status, item.source, item.reason = (
                ListItem.Status.RESOLVED,
                ListItem.Source.USER,
                "Your choice",
            )
            changed += ["status", "source", "reason"]
        item.ask_to_remember = False  # asked and answered
        item.save(update_fields=changed)
    return selection
