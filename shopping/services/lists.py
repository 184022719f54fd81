"""Shopping-list workflows: create from pasted text, resolve every line to a product, change
a line, remember a line's pick. Sending lives in `list_sending` (re-exported here).

Resolving runs the Kroger searches on a bounded thread pool while every database read and
write stays in the calling thread: the remembered picks for all terms come from one query and
the items are saved with one bulk update, so the query count does not grow with the lines.
"""

import dataclasses
import math
import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from accounts.access import household_of
from kroger.errors import KrogerError, KrogerNotFound
from kroger.gateway import get_client
from kroger.schemas import Product
from shopping.models import Guidance, ListItem, Selection, ShoppingList, is_product_id, normalize_term
from shopping.parsing import clean_term, parse_line, split_list_text
from shopping.picking import LinePick, Pick, Remembered, pick_line, read_guidance
from shopping.picking.assistant import assistant_configured
from shopping.picking.candidates import candidate_from_dict, candidate_to_dict
from shopping.picking.pick import remembered_pick
from shopping.picking.scoring import not_sold_here
from shopping.services.list_sending import (  # noqa: F401  (re-exported: the lists API of services)
    ConfirmationRequired,
    NotSent,
    RecentlySent,
    RecentSend,
    SendLine,
    SendPlan,
    SendResult,
    plan_send,
    recently_sent,
    send_list_to_cart,
)
from shopping.services.memory import add_guidance, find_selections, remember_selection
from shopping.units import measure, requested_measure

RESOLVE_WORKERS = 8
_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()
PICK_FIELDS = [
    "status", "source", "product_id", "description", "brand", "size", "image_url", "regular_price",
    "promo_price", "reason", "confidence", "alternatives", "quantity", "ask_to_remember", "updated_at",
    "sold_by", "average_weight", "stock_level", "version",
]  # fmt: skip


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


def edit_item_text(*, item: ListItem, text: str) -> ListItem:
    """Rewrite a line ("2 lb ground beef" -> "3 lb ground beef"): parse it again and pick again.
    Raises ListTextInvalid when the text names no item."""
    parsed = parse_line(" ".join(text.split()))
    if parsed is None:
        raise ListTextInvalid("No item found: write what to buy, e.g. “2 lb ground beef”.")
    item.raw_text, item.term = parsed.raw_text, parsed.term[:200]
    item.amount, item.unit, item.quantity = parsed.amount, parsed.unit, parsed.quantity
    item.search_text = ""
    item.status = ListItem.Status.PENDING
    resolve_items(shopping_list=item.shopping_list, items=[item], workers=1)
    item.save(update_fields=["raw_text", "term", "amount", "unit", "search_text"])
    return item


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


def _apply_pick(item: ListItem, line_pick: LinePick) -> None:
    pick, product = line_pick.pick, line_pick.pick.product
    item.status = line_pick.status
    item.source = pick.source if product is not None else ""
    item.reason = pick.reason[:300]
    item.confidence = pick.confidence
    item.alternatives = [_candidate(p) for p in pick.alternatives]
    if product is None:
        item.product_id = item.description = item.brand = item.size = item.image_url = ""
        item.sold_by = item.stock_level = ""
        item.regular_price = item.promo_price = item.average_weight = None
        return
    item.product_id = product.product_id[:13]
    item.description = product.description[:300]
    item.brand = product.brand[:120]
    item.size = product.size[:60]
    image = product.image_url() or ""
    item.image_url = image if len(image) <= 500 else ""
    _apply_store_facts(item, product)
    if pick.source != "memory" and item.quantity == 1:
        item.quantity = packages_for(item.amount, item.unit, product.size)


def _apply_store_facts(item: ListItem, product: Product) -> None:
    """Today's price, stock and how it is sold, as Kroger says for the list's store."""
    item.regular_price = product.regular_price
    item.promo_price = product.promo_price if product.on_sale else None
    item.sold_by = (product.sold_by or "")[:10]
    item.average_weight = product.average_weight
    item.stock_level = (product.stock_level or "")[:30]


def _candidate(product: Product) -> dict:
    """A candidate as a line stores it, with how it is sold (for honest totals after a swap)."""
    average = product.average_weight
    return {
        **candidate_to_dict(product),
        "sold_by": product.sold_by,
        "average_weight": None if average is None else str(average),
    }


def _from_candidate(data: dict) -> Product:
    average = data.get("average_weight")
    return dataclasses.replace(
        candidate_from_dict(data),
        sold_by=data.get("sold_by") or "UNIT",
        average_weight=Decimal(average) if average else None,
    )


def packages_for(amount: Decimal | None, unit: str, size: str) -> int:
    """How many packages of `size` cover the amount on the line ("2 lb ground beef", 1 lb packs -> 2)."""
    wanted, have = requested_measure(amount, unit), measure(size)
    if not wanted or not have or wanted[1] != have[1]:
        return 1
    # Within 15% counts as the size asked for: a 1.4 lb pack is fine for "1.5 lb".
    return max(1, min(99, math.ceil(wanted[0] / have[0] - Decimal("0.15"))))


def _search_pool(size: int) -> ThreadPoolExecutor:
    """One long-lived pool per process: a global bound on concurrent Kroger searches, and its
    threads keep their pooled HTTP connections instead of opening new ones for every list."""
    global _pool, _pool_size
    with _pool_lock:
        if _pool is None or _pool_size != size:
            if _pool is not None:
                _pool.shutdown(wait=False)
            _pool, _pool_size = ThreadPoolExecutor(max_workers=size, thread_name_prefix="kroger-search"), size
        return _pool


def resolve_items(*, shopping_list: ShoppingList, items: list[ListItem], workers: int | None = None) -> None:
    """Pick a product for each item (memory first, else a store search) and save them all.

    Kroger failures never raise: they mark the line (status "error") with a readable reason.
    """
    if not items:
        return
    workers = workers or settings.LIST_RESOLVE_WORKERS or RESOLVE_WORKERS
    household, location_id = shopping_list.household_id, shopping_list.location_id
    # Memory is keyed on the line's own term; a line the shopper searched again with other
    # words asked for a search, so memory does not answer it.
    remembered = find_selections(
        household=household,
        terms={item.term for item in items if not item.search_text},
        location_id=location_id,
    )
    picks: dict[int, LinePick] = {}
    to_search = []
    searched: set[int] = set()
    for item in items:
        selection = None if item.search_text else remembered.get(normalize_term(item.term))
        if selection is None:
            to_search.append(item)
            continue
        picks[item.pk] = remembered_pick(
            term=item.term, remembered=Remembered.from_selection(selection), location_id=location_id
        )
        if item.quantity == 1 and item.amount is None:
            item.quantity = selection.quantity
    if to_search:
        guidance_lines = list(Guidance.objects.for_household(household))
        guidance = read_guidance(guidance_lines)
        texts = [line.text for line in guidance_lines]
        use_assistant = assistant_configured()

        def search(item: ListItem) -> LinePick:
            # Runs in a worker thread: Kroger over HTTP only, never the database.
            return pick_line(
                client=get_client(), term=item.search_term, location_id=location_id, guidance=guidance,
                guidance_texts=texts, amount=item.amount, unit=item.unit, use_assistant=use_assistant,
            )  # fmt: skip

        if len(to_search) == 1 or workers == 1:
            results = map(search, to_search)
        else:
            results = _search_pool(workers).map(search, to_search)
        for item, line_pick in zip(to_search, results, strict=True):
            picks[item.pk] = line_pick
            searched.add(item.pk)
    now = timezone.now()
    for item in items:
        _apply_pick(item, picks[item.pk])
        item.ask_to_remember = False  # picked afresh: nothing the shopper settled to ask about
        item.updated_at = now
        item.version += 1
    _check_remembered(location_id, [item for item in items if item.pk not in searched])
    ListItem.objects.bulk_update(items, PICK_FIELDS)
    used = [selection.pk for selection in remembered.values()]
    if used:
        Selection.objects.filter(pk__in=used).update(last_used_at=now)


def _check_remembered(location_id: str, items: list[ListItem]) -> None:
    """Today's price and stock for remembered picks, which never searched this store: one
    batched Kroger lookup per 50 products (cached like searches). A product Kroger does not
    sell here, or has run out of, needs the shopper's choice before it is sent.

    Kroger failing leaves the remembered prices (checked again when the list is sent)."""
    remembered = [item for item in items if item.product_id]
    if not remembered:
        return
    try:
        found = {
            product.product_id: product
            for product in get_client().get_products(
                {item.product_id for item in remembered}, location_id=location_id
            )
        }
    except KrogerError:
        return
    for item in remembered:
        product = found.get(item.product_id)
        if product is None or product.price is None or not_sold_here(product):
            item.status, item.confidence = ListItem.Status.NEEDS_CHOICE, 0.0
            item.reason = "Kroger does not sell the remembered product at this store: choose another"
            continue
        _apply_store_facts(item, product)
        if product.in_stock is False:
            item.status, item.confidence = ListItem.Status.NEEDS_CHOICE, 0.0
            item.reason = "Remembered pick is out of stock at this store today: keep it or choose another"


def resolve_line(*, item: ListItem) -> list[ListItem]:
    """Resolve one pending line for the page, together with every other pending line of its
    list that memory answers, so remembered lines cost one batched Kroger lookup, not one each.
    Returns the lines resolved."""
    shopping_list = item.shopping_list
    others = [
        other
        for other in shopping_list.items.filter(status=ListItem.Status.PENDING, search_text="")
        if other.pk != item.pk
    ]
    remembered = find_selections(
        household=shopping_list.household_id,
        terms={other.term for other in others},
        location_id=shopping_list.location_id,
    )
    items = [item] + [other for other in others if normalize_term(other.term) in remembered]
    resolve_items(shopping_list=shopping_list, items=items, workers=1)
    return items


def resolve_list(
    *, shopping_list: ShoppingList, item_ids: list[int] | None = None, workers: int | None = None
) -> list[ListItem]:
    """Resolve the list's pending lines (or exactly `item_ids`); returns every item of the list."""
    items = list(shopping_list.items.all())
    if item_ids is not None:
        wanted = set(item_ids)
        chosen = [item for item in items if item.pk in wanted]
    else:
        chosen = [item for item in items if item.status in (ListItem.Status.PENDING, ListItem.Status.ERROR)]
    resolve_items(shopping_list=shopping_list, items=chosen, workers=workers)
    return items


# --- Changing one line --------------------------------------------------------------------


def choose_product(*, item: ListItem, product_id: str) -> ListItem:
    """Put one of the line's candidates on it (or a product Kroger confirms the store sells).

    Raises ProductNotAvailable otherwise: only products from Kroger for this store can be picked.
    """
    product_id = product_id.strip()
    flagged = item.status == ListItem.Status.NEEDS_CHOICE
    same = bool(item.product_id) and product_id == item.product_id
    # Confirming a remembered pick checks it with Kroger: memory never searched this store.
    if same and item.source != ListItem.Source.MEMORY:
        product = None
    else:
        stored = next((a for a in item.alternatives if a.get("product_id") == product_id), None)
        product = (
            _from_candidate(stored)
            if stored
            else _fetch_for_store(product_id, item.shopping_list.location_id)
        )
    previous = [] if not item.product_id or same else [_current_as_dict(item)]
    others = [a for a in item.alternatives if a.get("product_id") != product_id]
    if product is not None:
        _apply_pick(item, LinePick(pick=Pick(product=product, reason="", confidence=1.0)))
    item.alternatives = (previous + others)[:5]
    item.status, item.source, item.confidence = ListItem.Status.RESOLVED, ListItem.Source.USER, 1.0
    item.reason = "Your choice"
    # Settling a line the picker was unsure of is the moment to offer remembering it.
    item.ask_to_remember = item.ask_to_remember or flagged
    item.save()
    return item


def _fetch_for_store(product_id: str, location_id: str) -> Product:
    if not is_product_id(product_id):
        raise ProductNotAvailable("That is not a Kroger product ID (13 digits).")
    try:
        product = get_client().get_product(product_id, location_id=location_id)
    except KrogerNotFound as exc:
        raise ProductNotAvailable("Kroger does not sell that product at your store.") from exc
    if product.price is None or not_sold_here(product):
        raise ProductNotAvailable("Kroger does not sell that product at your store.")
    return product


def _current_as_dict(item: ListItem) -> dict:
    money = lambda value: None if value is None else str(value)  # noqa: E731
    return {
        "product_id": item.product_id, "description": item.description, "brand": item.brand,
        "size": item.size, "image_url": item.image_url, "regular_price": money(item.regular_price),
        "promo_price": money(item.promo_price), "price": money(item.price), "stock_level": None,
    }  # fmt: skip


def search_again(*, item: ListItem, text: str) -> ListItem:
    """Pick again searching for the shopper's words (cleaned like a pasted line when searched).

    The line keeps its own term, so remembering the pick remembers it for what the list says;
    typing that term again goes back to a plain resolve of the line.
    """
    typed = " ".join(text.split())[:200]
    same = normalize_term(clean_term(typed)) == normalize_term(item.term)
    item.search_text = "" if same else typed
    item.status = ListItem.Status.PENDING
    resolve_items(shopping_list=item.shopping_list, items=[item], workers=1)
    item.save(update_fields=["search_text"])
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
    came first. Raises ListTextInvalid (see `edit_item_text`), ProductNotAvailable (see
    `choose_product`) and kroger.errors.* from a product lookup.
    """
    claim_edit(item, version)
    if text:
        edit_item_text(item=item, text=text)
    if skipped is not None:
        skip_item(item=item, skipped=skipped)
    if position is not None:
        move_item(item=item, position=position)
    if term:
        search_again(item=item, text=term)
    if product_id:
        choose_product(item=item, product_id=product_id)
    if quantity:
        item.quantity = quantity
        item.save(update_fields=["quantity", "updated_at"])
    return item


def claim_edit(item: ListItem, version: int | None = None) -> None:
    """Take the line's next version before changing it, in one conditional UPDATE, so of two
    edits made from the same version exactly one goes ahead. Raises StaleEdit (with the line as
    it is now) when `version` is given and the line has moved on."""
    rows = ListItem.objects.filter(pk=item.pk)
    if version is not None:
        rows = rows.filter(version=version)
    if not rows.update(version=F("version") + 1):
        item.refresh_from_db()
        raise StaleEdit(item)
    item.version = (item.version if version is None else version) + 1


def remember_item(
    *, item: ListItem, guidance_text: str = "", any_store: bool = False, user=None
) -> Selection:
    """Remember the line's product for the line's own term (never the "search again" words), at
    this store unless `any_store`, optionally also saving a guidance line about that term.
    Raises ItemHasNoProduct when the line has none yet, GuidanceLimitReached (a ValidationError)
    when the household has the most guidance lines allowed. `user` is who remembers it (default:
    the list's creator)."""
    if not item.product_id:
        raise ItemHasNoProduct("Pick a product for this line first.")
    sources = {
        ListItem.Source.ASSISTANT: Selection.Source.ASSISTANT,
        ListItem.Source.RULES: Selection.Source.RULES,
    }
    owner, household = user or item.shopping_list.owner, item.shopping_list.household
    with transaction.atomic():
        selection, _ = remember_selection(
            owner=owner, household=household, term=item.term,
            location_id="" if any_store else item.shopping_list.location_id,
            product=_current_as_dict(item), quantity=item.quantity,
            source=sources.get(item.source, Selection.Source.USER), reason=item.reason,
        )  # fmt: skip
        if guidance_text.strip():
            add_guidance(
                owner=owner, household=household, text=guidance_text.strip()[:500], applies_to=item.term[:100]
            )
        changed = ["ask_to_remember", "updated_at", "version"]
        item.version += 1
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
