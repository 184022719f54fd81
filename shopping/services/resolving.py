"""Resolving a whole list: one resolve at a time, within a deadline, finished in the background.

- **One at a time.** A resolve holds the list: a random token and an expiry on its row
  (`resolve_lease`, `resolving_until`), taken under the row lock with one conditional UPDATE,
  so it holds on SQLite too. A second resolve meanwhile gets `ResolveInProgress` (the API's
  409 `resolve_in_progress`), never a second pass over the same lines.
- **Nothing lost.** Each line is saved as soon as its pick is known and every save renews the
  hold. A holder that dies (a killed worker, a crashed request) stops renewing; after
  `LIST_RESOLVE_LEASE_S` its hold has expired and the next resolve takes over. Only the lines
  in flight are looked up again.
- **A deadline.** A request spends at most `LIST_RESOLVE_DEADLINE_S` on Kroger, retries and
  backoff included (one `kroger.http.time_budget`). Lines not done by then stay pending with
  "Kroger is slow — still trying"; with a broker the hold passes to the `resolve_list_lines`
  task, which finishes them (and retries, with backoff, the lines Kroger failed on). Without
  one (`make run`, the tests) resolving again finishes them.
"""

import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from kroger.http import time_budget
from shopping.models import ListItem, ListProgress, ShoppingList, normalize_term
from shopping.services.background import background_worker_available, hand_to_worker
from shopping.services.line_picks import resolve_items
from shopping.services.memory import find_selections

RESOLVABLE = (ListItem.Status.PENDING, ListItem.Status.ERROR)
RENEWALS_PER_LEASE = 4


class ResolveInProgress(Exception):
    """Another resolve holds the list; `progress` is where its lines stand now."""

    code = "resolve_in_progress"

    def __init__(self, shopping_list: ShoppingList):
        self.progress = ListProgress.of_items(ListItem.objects.filter(shopping_list_id=shopping_list.pk))
        super().__init__(
            "This list is being resolved right now: its lines fill in as Kroger answers. "
            "Read the list for progress."
        )


@dataclass
class Lease:
    """This resolve's hold on one list."""

    list_id: int
    token: str
    renewed_at: float = field(default_factory=time.monotonic)

    def renew(self) -> None:
        """Push the hold on: called after every saved line, written a few times per lease."""
        seconds = settings.LIST_RESOLVE_LEASE_S
        if time.monotonic() - self.renewed_at < seconds / RENEWALS_PER_LEASE:
            return
        ShoppingList.objects.renew_resolve_lease(self.list_id, token=self.token, seconds=seconds)
        self.renewed_at = time.monotonic()

    def release(self) -> None:
        ShoppingList.objects.release_resolve_lease(self.list_id, token=self.token)


def take_lease(shopping_list: ShoppingList, *, takeover: str = "") -> Lease:
    """Hold the list for one resolve (taking over `takeover`'s hold, if given and still there).

    Raises ResolveInProgress while another resolve's hold is live."""
    lease = Lease(shopping_list.pk, secrets.token_hex(16))
    with transaction.atomic():
        # The row lock orders concurrent takers on PostgreSQL; the conditional UPDATE decides on
        # every engine (SQLite ignores FOR UPDATE but runs one writer at a time).
        ShoppingList.objects.select_for_update().filter(pk=shopping_list.pk).first()
        taken = ShoppingList.objects.take_resolve_lease(
            shopping_list.pk, token=lease.token, seconds=settings.LIST_RESOLVE_LEASE_S, takeover=takeover
        )
    if not taken:
        raise ResolveInProgress(shopping_list)
    return lease


@contextmanager
def holding(shopping_list: ShoppingList) -> Iterator[None]:
    """Hold the list for the block, as a whole-list resolve does: one pick of its lines at a time.
    Raises ResolveInProgress while another resolve (or a line being picked again) holds it."""
    lease = take_lease(shopping_list)
    try:
        yield
    finally:
        lease.release()


def _chosen(shopping_list: ShoppingList, item_ids: list[int] | None) -> list[ListItem]:
    items = list(ListItem.objects.filter(shopping_list_id=shopping_list.pk))
    if item_ids is None:
        return [item for item in items if item.status in RESOLVABLE]
    wanted = set(item_ids)
    return [item for item in items if item.pk in wanted]


def resolve_held(
    *,
    shopping_list: ShoppingList,
    lease: Lease,
    item_ids: list[int] | None = None,
    workers: int | None = None,
) -> list[ListItem]:
    """Resolve the list's pending and failed lines (or exactly `item_ids`) under a hold already
    taken; returns the lines resolved. The caller releases or hands on the hold."""
    chosen = _chosen(shopping_list, item_ids)
    resolve_items(shopping_list=shopping_list, items=chosen, workers=workers, on_saved=lease.renew)
    return chosen


def resolve_list(
    *,
    shopping_list: ShoppingList,
    item_ids: list[int] | None = None,
    workers: int | None = None,
    background: bool = False,
    requested_by: int | None = None,
) -> None:
    """Resolve the list's pending lines (or exactly `item_ids`) within `LIST_RESOLVE_DEADLINE_S`,
    or all of them in the `resolve_list_lines` task when `background`.

    Lines the deadline leaves pending go to the background worker when there is one, whose
    Kroger calls are charged to `requested_by` (the asking member's user ID; the request's own
    calls are charged by the budget middleware). Raises ResolveInProgress when another resolve
    holds the list.
    """
    lease = take_lease(shopping_list)
    if background and _hand_on(lease, item_ids, requested_by):
        return
    handed_on = False
    try:
        with time_budget(settings.LIST_RESOLVE_DEADLINE_S):
            resolved = resolve_held(
                shopping_list=shopping_list, lease=lease, item_ids=item_ids, workers=workers
            )
        # Slow lines, and lines Kroger failed on (a 429 burst, a 5xx), are the worker's to finish.
        unfinished = [item.pk for item in resolved if item.status in RESOLVABLE]
        handed_on = (
            bool(unfinished) and background_worker_available() and _hand_on(lease, unfinished, requested_by)
        )
    finally:
        if not handed_on:
            lease.release()


def _hand_on(lease: Lease, item_ids: list[int] | None, requested_by: int | None) -> bool:
    """Queue the `resolve_list_lines` task with this hold; False when the broker cannot be reached
    (the caller then resolves here, within the deadline, rather than fail)."""
    from shopping.tasks import resolve_list_lines  # the tasks module imports the services

    return hand_to_worker(resolve_list_lines, lease.list_id, lease.token, item_ids, requested_by)


def resolve_line(*, item: ListItem) -> list[ListItem]:
    """Resolve one pending line for the page (within the deadline), together with every other
    pending line of its list that memory answers, so remembered lines cost one batched Kroger
    lookup, not one each. Returns the lines resolved.

    Raises ResolveInProgress while a whole-list resolve holds the list: it is doing this line.
    The page resolves a few lines at once, so a line takes no hold of its own.
    """
    shopping_list = ShoppingList.objects.get(pk=item.shopping_list_id)
    if shopping_list.is_resolving:
        raise ResolveInProgress(shopping_list)
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
    with time_budget(settings.LIST_RESOLVE_DEADLINE_S):
        resolve_items(shopping_list=shopping_list, items=items, workers=1)
    return items
