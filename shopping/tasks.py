"""Background work (Celery). Every task takes IDs, is idempotent and safe to run twice or retry.

Without `CELERY_BROKER_URL` these run at once in the calling process (see shopper/celery.py).
"""

import logging

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from kroger.errors import (
    KrogerCartOutcomeUnknown,
    KrogerDailyLimitReached,
    KrogerRateLimited,
    KrogerUnavailable,
)
from kroger.gateway import get_client, spending_for
from shopping.middleware import budget_key
from shopping.models import CartSend, ListItem, Selection, ShoppingList
from shopping.products import STORE_FACTS, ProductSnapshot
from shopping.services.cart import deliver_queued_send, mark_list_lines_sent
from shopping.services.resolving import RESOLVABLE, ResolveInProgress, resolve_held, take_lease

logger = logging.getLogger("shopping.tasks")

PRODUCT_BATCH_SIZE = 50  # Kroger's filter.productId takes up to 50 comma-separated IDs
STOCK_KEY = "picks:stock:{location_id}:{product_id}"
STOCK_SECONDS = 2 * 24 * 60 * 60
SEND_LOCK_SECONDS = 120
BACKOFF_BASE_SECONDS = 30
BACKOFF_CAP_SECONDS = 30 * 60
# A shopper may be watching the list fill in: retry failed lines sooner than cart sends.
RESOLVE_RETRY_SECONDS = 5


def backoff(retries: int, retry_after: int | None = None) -> int:
    """Seconds before the next try: Kroger's Retry-After when it gave one, else exponential."""
    if retry_after:
        return min(int(retry_after), BACKOFF_CAP_SECONDS)
    return min(BACKOFF_BASE_SECONDS * 2**retries, BACKOFF_CAP_SECONDS)


def _retryable(exc: Exception) -> bool:
    """Kroger busy (429) or down (5xx, unreachable), where a later try may work and cannot add twice."""
    if isinstance(exc, KrogerDailyLimitReached | KrogerCartOutcomeUnknown):
        return False  # tomorrow, or never: the shopper must look at their cart
    return isinstance(exc, KrogerRateLimited | KrogerUnavailable)


def remembered_stock(location_id: str, product_id: str) -> str | None:
    """The stock level the last refresh saw for a remembered pick at a store (None: not known)."""
    return cache.get(STOCK_KEY.format(location_id=location_id, product_id=product_id))


# --- Daily refresh of remembered picks ------------------------------------------------------


@shared_task(name="shopping.tasks.refresh_remembered_picks")
def refresh_remembered_picks() -> int:
    """Beat, daily: one refresh task per store that has remembered picks. Returns how many stores."""
    stores = list(
        Selection.objects.exclude(location_id="").order_by().values_list("location_id", flat=True).distinct()
    )
    for location_id in stores:
        refresh_store_picks.delay(location_id)
    return len(stores)


@shared_task(bind=True, name="shopping.tasks.refresh_store_picks", max_retries=5)
def refresh_store_picks(self, location_id: str) -> int:
    """Refresh price (and stock, in the cache) of every pick remembered at one store.

    Products are looked up in batches of 50 IDs (`filter.productId`); a product Kroger no longer
    knows is left as it is. Idempotent: running it twice writes the same values. Returns the number
    of picks updated.
    """
    product_ids = list(
        Selection.objects.filter(location_id=location_id)
        .order_by("product_id")
        .values_list("product_id", flat=True)
        .distinct()
    )
    client = get_client()
    updated = 0
    for first in range(0, len(product_ids), PRODUCT_BATCH_SIZE):
        batch = product_ids[first : first + PRODUCT_BATCH_SIZE]
        try:
            products = client.get_products(batch, location_id=location_id)
        except Exception as exc:
            if _retryable(exc) and not self.request.is_eager:
                countdown = backoff(self.request.retries, getattr(exc, "retry_after", None))
                raise self.retry(exc=exc, countdown=countdown) from exc
            raise
        for product in products:
            cache.set(
                STOCK_KEY.format(location_id=location_id, product_id=product.product_id),
                product.stock_level or "",
                STOCK_SECONDS,
            )
            if product.price is None:
                continue
            facts = {name: getattr(ProductSnapshot.of(product), name) for name in STORE_FACTS}
            updated += (
                Selection.objects.filter(location_id=location_id, product_id=product.product_id)
                .exclude(**facts)
                .update(**facts, updated_at=timezone.now())
            )
    logger.info("Refreshed %d remembered picks at store %s", updated, location_id)
    return updated


# --- Resolving lists in the background -----------------------------------------------------


@shared_task(bind=True, name="shopping.tasks.resolve_list_lines", max_retries=4)
def resolve_list_lines(
    self,
    list_id: int,
    lease: str = "",
    item_ids: list[int] | None = None,
    requested_by: int | None = None,
) -> str:
    """Resolve a list's pending and failed lines (of `item_ids` only, when given), taking over
    the hold `lease` that the request handed on, or a free or expired one.

    Idempotent: picked lines are left alone, and while another resolve holds the list this does
    nothing but look again once that hold would have run out (its holder may have been killed).
    Kroger calls count against the daily budget of the member who asked (`requested_by`, a user
    ID); a message queued without one (before members could ask) charges the list's owner.
    Lines Kroger failed on are retried with backoff (not when run eagerly). Returns what happened.
    """
    shopping_list = ShoppingList.objects.filter(pk=list_id).first()
    if shopping_list is None:
        return "gone"
    if item_ids is not None:
        item_ids = list(
            ListItem.objects.filter(
                pk__in=item_ids, shopping_list_id=list_id, status__in=RESOLVABLE
            ).values_list("pk", flat=True)
        )
    try:
        held = take_lease(shopping_list, takeover=lease)
    except ResolveInProgress:
        # Usually a live resolve that finishes these lines; but it may be a killed worker whose
        # hold has not run out yet: look again once it would have (a no-op if all is picked).
        if not self.request.is_eager and self.request.retries < self.max_retries:
            raise self.retry(
                args=(list_id, "", item_ids, requested_by), countdown=settings.LIST_RESOLVE_LEASE_S
            ) from None
        return "busy"
    try:
        spender = budget_key(requested_by or shopping_list.owner_id)
        with spending_for(lambda: spender):
            resolved = resolve_held(shopping_list=shopping_list, lease=held, item_ids=item_ids)
    finally:
        held.release()
    unresolved = [item.pk for item in resolved if item.status in RESOLVABLE]
    if unresolved and not self.request.is_eager and self.request.retries < self.max_retries:
        countdown = min(RESOLVE_RETRY_SECONDS * 2**self.request.retries, BACKOFF_CAP_SECONDS)
        raise self.retry(args=(list_id, "", unresolved, requested_by), countdown=countdown)
    return "unresolved" if unresolved else "done"


# --- Cart sends -----------------------------------------------------------------------------


@shared_task(bind=True, name="shopping.tasks.send_cart", max_retries=6)
def send_cart(self, send_id: int) -> str:
    """Deliver one ledger row (see `deliver_queued_send`); retried with backoff on 429 and 5xx.

    A retry never adds twice: the ledger says which items Kroger accepted, and an outcome Kroger
    left unknown is never retried. One worker at a time holds a row (a cache lock across the
    cluster; the row lock covers the claim). Returns the row's status.
    """
    # Without a broker (eager) there is no countdown: one immediate second try, then the ledger says "failed".
    attempts = 2 if self.request.is_eager else 1
    for _ in range(attempts):
        status, failure = _deliver_once(send_id)
        if failure is None:
            return status
        if not _retryable(failure):
            break
    if _retryable(failure):
        if self.request.is_eager:
            return CartSend.Status.FAILED
        countdown = backoff(self.request.retries, getattr(failure, "retry_after", None))
        raise self.retry(exc=failure, countdown=countdown) from failure
    if isinstance(failure, KrogerCartOutcomeUnknown | KrogerRateLimited):
        return CartSend.objects.values_list("status", flat=True).get(
            pk=send_id
        )  # recorded; nothing more to do
    raise failure


def _deliver_once(send_id: int) -> tuple[str | None, Exception | None]:
    lock = f"cart-send:{send_id}:lock"
    if not cache.add(lock, 1, timeout=SEND_LOCK_SECONDS):
        return None, CartSendBusy()
    try:
        return deliver_queued_send(send_id).status, None
    except Exception as exc:
        return None, exc
    finally:
        mark_list_lines_sent(send_id)  # a list's lines whose products are now in the cart
        cache.delete(lock)


class CartSendBusy(KrogerUnavailable):
    """Another worker holds this send right now (retried like a busy Kroger)."""

    code = "cart_send_busy"


__all__ = [
    "refresh_remembered_picks",
    "refresh_store_picks",
    "remembered_stock",
    "resolve_list_lines",
    "send_cart",
]
