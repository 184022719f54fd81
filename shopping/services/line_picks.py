"""Picking a product for list lines: memory first, else a store search on a bounded thread pool,
each line saved as soon as its pick is known (see `resolve_items`).

Every database read and write stays in the calling thread: the remembered picks for all terms
come from one query, and lines are saved as their searches finish (whatever finished together in
one statement), so a resolve cut short keeps every line it had picked.
"""

import contextvars
import math
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from kroger.errors import KrogerError, KrogerSlow
from kroger.gateway import get_client
from kroger.http import current_budget
from shopping.models import Guidance, ListItem, Selection, ShoppingList, normalize_term
from shopping.picking import LinePick, Pick, Remembered, pick_line, read_guidance
from shopping.picking.assistant import assistant_configured
from shopping.picking.pick import remembered_pick
from shopping.picking.scoring import not_sold_here
from shopping.products import SNAPSHOT_FIELDS, ProductSnapshot
from shopping.services.memory import find_selections
from shopping.units import measure, requested_measure

RESOLVE_WORKERS = 25  # when LIST_RESOLVE_WORKERS is 0
# What a line says when the request's time for Kroger ran out before its search answered.
SLOW_REASON = "Kroger is slow — still trying"
POOL_WAIT_MARGIN_SECONDS = 2.0
SAVE_GATHER_SECONDS = 0.1
_pool: ThreadPoolExecutor | None = None
_pool_size = 0
_pool_lock = threading.Lock()
PICK_FIELDS = [
    *SNAPSHOT_FIELDS, "status", "source", "reason", "confidence", "alternatives", "quantity",
    "ask_to_remember", "updated_at", "version",
]  # fmt: skip


def apply_pick(item: ListItem, line_pick: LinePick) -> None:
    pick, product = line_pick.pick, line_pick.pick.product
    item.status = line_pick.status
    item.source = pick.source if product is not None else ""
    item.reason = pick.reason[:300]
    item.confidence = pick.confidence
    item.alternatives = [ProductSnapshot.of(p).as_dict() for p in pick.alternatives]
    item.set_snapshot(None if product is None else ProductSnapshot.of(product))
    if product is not None and pick.source != "memory" and item.quantity == 1:
        item.quantity = packages_for(item.amount, item.unit, product.size)


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


def resolve_items(
    *,
    shopping_list: ShoppingList,
    items: list[ListItem],
    workers: int | None = None,
    on_saved: Callable[[], object] | None = None,
) -> None:
    """Pick a product for each item (memory first, else a store search), saving each line as soon
    as its pick is known (then calling `on_saved`), so an interrupted resolve keeps what it found.

    Kroger failures never raise: they mark the line (status "error") with a readable reason. A
    line whose search ran out of time (`kroger.http.time_budget`) stays pending, saying so.
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
    from_memory: list[ListItem] = []
    to_search = []
    for item in items:
        selection = None if item.search_text else remembered.get(normalize_term(item.term))
        if selection is None:
            to_search.append(item)
            continue
        _settle(item, remembered_pick(
            term=item.term, remembered=Remembered.from_selection(selection), location_id=location_id
        ))  # fmt: skip
        if item.quantity == 1 and item.amount is None:
            item.quantity = selection.quantity
        from_memory.append(item)
    if from_memory:
        _check_remembered(location_id, from_memory)
        with transaction.atomic(savepoint=False):  # one commit: the lines and their picks' last use
            _save_lines(from_memory, PICK_FIELDS)
            Selection.objects.filter(pk__in=[s.pk for s in remembered.values()]).update(
                last_used_at=timezone.now()
            )
        if on_saved:
            on_saved()
    if not to_search:
        return
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

    for answered in _search_batches(to_search, search, workers):
        picked, slow = [], []
        for item, line_pick in answered:
            if isinstance(line_pick.error, KrogerSlow):
                item.status, item.reason, item.updated_at = (
                    ListItem.Status.PENDING,
                    SLOW_REASON,
                    timezone.now(),
                )
                slow.append(item)
            else:
                _settle(item, line_pick)
                picked.append(item)
        _save_lines(picked, PICK_FIELDS)
        _save_lines(slow, ["status", "reason", "updated_at"])
        if on_saved:
            on_saved()


def _save_lines(items: list[ListItem], fields: list[str]) -> None:
    """Write `fields` of every line in one statement run once per line (executemany), unless a
    member changed the line meanwhile: a line whose version moved on since this resolve read it
    is left as they made it (their edit wins; it is resolved again if it is pending).

    `bulk_update` builds a CASE per field and line: for 25 picked lines of 18 fields that cost
    ~200 ms of CPU, most of a remembered list's resolve. The values go through each field's own
    `get_db_prep_save`, as `save()` would; `updated_at` is set by the caller (no auto_now here).
    """
    if not items:
        return
    columns = [ListItem._meta.get_field(name) for name in fields]
    # A pick raised the version by one (`_settle`); the line must still be at the one before.
    bumped = 1 if "version" in fields else 0
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(column.column)} = %s" for column in columns)
    table, key, version = quote(ListItem._meta.db_table), quote("id"), quote("version")
    statement = f"UPDATE {table} SET {assignments} WHERE {key} = %s AND {version} = %s"  # noqa: S608 (model names; values are parameters)
    rows = [
        [column.get_db_prep_save(getattr(item, column.attname), connection) for column in columns]
        + [item.pk, item.version - bumped]
        for item in items
    ]
    # One transaction: in autocommit each row would be a commit of its own (an fsync each).
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.executemany(statement, rows)


def _settle(item: ListItem, line_pick: LinePick) -> None:
    apply_pick(item, line_pick)
    item.ask_to_remember = False  # picked afresh: nothing the shopper settled to ask about
    item.updated_at = timezone.now()
    item.version += 1  # a member's edit made before this pick is now stale (409)


def _search_batches(
    items: list[ListItem], search: Callable[[ListItem], LinePick], workers: int
) -> Iterator[list[tuple[ListItem, LinePick]]]:
    """The items with their picks, a batch each time searches finish: whatever has finished since
    the last batch, so lines are saved as they come in without a write per line. On the pool each
    search runs in a copy of this context, so the time budget and the shopper's budget follow it."""
    if len(items) == 1 or workers == 1:
        yield from ([(item, search(item))] for item in items)
        return
    pool = _search_pool(workers)
    futures = {pool.submit(contextvars.copy_context().run, search, item): item for item in items}
    budget = current_budget()
    # Each Kroger call ends by the deadline; the margin covers the picking after the last answer.
    give_up = None if budget is None else budget.ends_at + POOL_WAIT_MARGIN_SECONDS
    running = set(futures)
    while running:
        timeout = None if give_up is None else max(0.0, give_up - time.time())
        done, running = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
        if done and running:
            # Searches started together answer together: gather those for one write (a commit each).
            more, running = wait(running, timeout=SAVE_GATHER_SECONDS)
            done |= more
        if not done:  # past the deadline and its margin: leave the rest pending
            for future in running:
                future.cancel()
            yield [
                (futures[f], LinePick(pick=Pick(product=None, reason="", confidence=0.0), error=KrogerSlow()))
                for f in running
            ]
            return
        yield [(futures[future], future.result()) for future in done]


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
        item.set_store_facts(ProductSnapshot.of(product))
        if product.in_stock is False:
            item.status, item.confidence = ListItem.Status.NEEDS_CHOICE, 0.0
            item.reason = "Remembered pick is out of stock at this store today: keep it or choose another"
