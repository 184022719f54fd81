"""Sending items to a shopper's Kroger cart, recorded in the CartSend ledger.

Kroger's cart only adds and cannot be read (kroger-api.md §7), so every send is written to
the ledger *before* Kroger is called and updated with the outcome afterwards. One ledger row
covers one send, however many Kroger calls it takes: items go to Kroger in batches of at most
`BATCH_SIZE`, and each item in the row carries `"added"` (true, false, or null when unknown),
so a partly failed send can be retried without adding the first batch twice.

Idempotency: a send with an `idempotency_key` is unique per shopper (a DB constraint).
Repeating the key with the same items never calls Kroger again for items already added:
- succeeded or unknown -> the original row is returned as it is (unknown stays unknown:
  only the shopper can tell, by looking at their Kroger cart);
- failed -> the items not yet added are sent again (safe: Kroger refused them);
- still pending (a concurrent request) -> `CartSendInProgress`;
- different items -> `IdempotencyKeyReused`.

Call it outside any transaction: the pending row must be committed before Kroger is called,
so a crash mid-call leaves evidence rather than nothing.
"""

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.access import household_of
from accounts.tokens import call_with_access_token
from kroger.errors import KrogerCartOutcomeUnknown, KrogerError
from kroger.gateway import get_client
from kroger.schemas import CartItem
from shopping.models import CartSend, ListItem, ShoppingList
from shopping.services.background import background_worker_available, hand_to_worker

BATCH_SIZE = 25


class IdempotencyKeyReused(Exception):
    """The idempotency key was already used for a different set of items."""

    code = "idempotency_key_reused"
    message = "This Idempotency-Key was already used for a different request."


class CartSendInProgress(Exception):
    """A send with this idempotency key is still running."""

    code = "cart_send_in_progress"
    message = "A cart update with this Idempotency-Key is still in progress. Try again shortly."


def _as_dicts(items: Iterable[CartItem | dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        if isinstance(item, dict):
            item = CartItem(
                upc=item["upc"], quantity=int(item["quantity"]), modality=item.get("modality") or "PICKUP"
            )
        rows.append({"upc": item.upc, "quantity": item.quantity, "modality": item.modality})
    return rows


def _request_items(send: CartSend) -> list[dict[str, Any]]:
    return [{key: item[key] for key in ("upc", "quantity", "modality")} for item in send.items]


def _claim_existing(*, user, idempotency_key: str, items: list[dict[str, Any]]) -> CartSend | None:
    """Return the locked existing row to re-send, or raise/return to replay it (see module doc)."""
    with transaction.atomic():
        send = CartSend.objects.select_for_update().get(owner=user, idempotency_key=idempotency_key)
        if _request_items(send) != items:
            raise IdempotencyKeyReused()
        if send.status == CartSend.Status.PENDING:
            raise CartSendInProgress()
        if send.status != CartSend.Status.FAILED:
            send.replayed = True
            return send
        _reopen(send)
        send.replayed = False
        return send


def _reopen(send: CartSend) -> None:
    """A failed send goes again: pending, its error cleared (items already added stay added)."""
    send.status = CartSend.Status.PENDING
    send.error_code = send.error_message = ""
    send.completed_at = None
    send.save(update_fields=["status", "error_code", "error_message", "completed_at"])


def _record_or_claim(*, user, items, idempotency_key: str, shopping_list, list_lines=()) -> CartSend:
    try:
        with transaction.atomic():
            send = CartSend.objects.create(
                # The ledger is the household's (its recent-send guard covers everyone in it);
                # the cart, and the token that fills it, are the sender's own.
                household_id=shopping_list.household_id if shopping_list else household_of(user).pk,
                owner=user,
                idempotency_key=idempotency_key,
                items=[{**item, "added": None} for item in items],
                shopping_list=shopping_list,
                list_lines=list(list_lines),
            )
    except IntegrityError:
        if not idempotency_key:
            raise
        # Another request with this key got there first: replay or retry that one.
        return _claim_existing(user=user, idempotency_key=idempotency_key, items=items)
    send.replayed = False
    return send


def _finish(send: CartSend, status: str, exc: Exception | None = None) -> None:
    send.status = status
    if exc is not None:
        send.error_code = getattr(exc, "code", "error")[:50]
        added = sum(1 for item in send.items if item["added"])
        message = getattr(exc, "message", "Something went wrong while adding to your Kroger cart.")
        if added:
            message = f"{added} of {len(send.items)} items were added. {message}"
        send.error_message = message[:300]
    send.completed_at = timezone.now()
    send.save(update_fields=["items", "status", "error_code", "error_message", "completed_at"])


def send_items_to_cart(
    *,
    user,
    items: list[CartItem] | list[dict[str, Any]],
    idempotency_key: str = "",
    shopping_list: ShoppingList | None = None,
    list_lines: Iterable[dict[str, Any]] = (),
    background: bool | None = None,
) -> CartSend:
    """Add items to the shopper's Kroger cart and record the send; never adds twice for one key.

    `background` (by default: where a worker runs, see `background_worker_available`) hands the
    send to the `send_cart` task once the row is committed, instead of delivering it here. A
    broker that cannot be reached is no reason to fail or to leave the row pending: the send is
    then delivered here after all.

    Returns the CartSend, with two transient attributes: `replayed`, True when an earlier send
    with the same key was returned without calling Kroger; `queued`, True when the row is still
    pending for the worker (read it again for the outcome). The list lines whose products Kroger
    took are marked sent, even when a later batch fails. Raises kroger.errors.* after recording
    the outcome (KrogerCartOutcomeUnknown when Kroger gave no answer), IdempotencyKeyReused or
    CartSendInProgress.
    """
    send = _record_or_claim(
        user=user,
        items=_as_dicts(items),
        idempotency_key=idempotency_key,
        shopping_list=shopping_list,
        list_lines=list_lines,
    )
    background = background_worker_available() if background is None else background
    send.queued = background and not send.replayed
    if send.queued:
        transaction.on_commit(lambda: _queue_or_deliver_here(send))
        return send
    if send.replayed:
        _mark_list_lines(send)  # a no-op unless whoever sent it stopped before marking them
        return send
    return _deliver_here(send)


def _queue_or_deliver_here(send: CartSend) -> None:
    from shopping.tasks import send_cart  # the tasks module imports this one

    if not hand_to_worker(send_cart, send.pk):
        send.queued = False
        _deliver_here(send)


def _deliver_here(send: CartSend) -> CartSend:
    try:
        return _deliver(send)
    finally:
        _mark_list_lines(send)  # Kroger may have taken some batches before failing


def _mark_list_lines(send: CartSend) -> None:
    if send.list_lines:
        mark_list_lines_sent(send.pk)


def _deliver(send: CartSend) -> CartSend:
    """Send the row's items not yet added, batch by batch, recording each outcome in the ledger.

    Before a batch goes to Kroger its items are marked `"sending"` (and saved), so a worker that
    dies mid-call leaves a row whose outcome is known to be unknown, never one that looks unsent.
    """
    pending = [item for item in send.items if not item["added"]]
    client = get_client()
    for start in range(0, len(pending), BATCH_SIZE):
        batch = pending[start : start + BATCH_SIZE]
        for item in batch:
            item["sending"] = True
        CartSend.objects.filter(pk=send.pk).update(items=send.items)
        cart_items = [CartItem(upc=i["upc"], quantity=i["quantity"], modality=i["modality"]) for i in batch]
        try:
            call_with_access_token(
                send.owner,
                lambda token, cart_items=cart_items: client.add_to_cart(token=token, items=cart_items),
            )
        except KrogerCartOutcomeUnknown as exc:
            _finish(send, CartSend.Status.UNKNOWN, exc)
            raise
        except KrogerError as exc:
            for item in pending[start:]:
                item["added"] = False
                item.pop("sending", None)
            _finish(send, CartSend.Status.FAILED, exc)
            raise
        except Exception as exc:
            # A bug or an unexpected library error mid-call: we cannot know what Kroger did.
            _finish(send, CartSend.Status.UNKNOWN, exc)
            raise
        for item in batch:
            item["added"] = True
            item.pop("sending", None)
    _finish(send, CartSend.Status.SUCCEEDED)
    return send


def deliver_queued_send(send_id: int) -> CartSend:
    """Deliver a queued ledger row by ID: idempotent and safe to run again; the ledger decides.

    - succeeded or unknown: nothing is sent (an unknown outcome stays for the shopper to check);
    - a batch was in flight when a worker died (`"sending"` items): the row becomes unknown;
    - failed (Kroger refused or was busy): the items not yet added are sent again;
    - pending: sent.
    Raises kroger.errors.* as `send_items_to_cart` does, after recording the outcome.
    """
    with transaction.atomic():
        send = CartSend.objects.select_for_update().select_related("owner").get(pk=send_id)
        if send.status in (CartSend.Status.SUCCEEDED, CartSend.Status.UNKNOWN):
            return send
        if any(item.get("sending") and item.get("added") is None for item in send.items):
            send.status = CartSend.Status.UNKNOWN
            send.error_code = KrogerCartOutcomeUnknown.code
            send.error_message = KrogerCartOutcomeUnknown.default_message
            send.completed_at = timezone.now()
            send.save(update_fields=["status", "error_code", "error_message", "completed_at"])
            return send
        if send.status == CartSend.Status.FAILED:
            _reopen(send)
    return _deliver(send)


def added_upcs(send: CartSend) -> set[str]:
    """The products this send put in the cart: every item once it succeeded, else those Kroger accepted."""
    if send.status == CartSend.Status.SUCCEEDED:
        return {row["upc"] for row in send.items}
    return {row["upc"] for row in send.items if row.get("added")}


def mark_list_lines_sent(send_id: int) -> None:
    """Mark the list lines whose product this send put in the cart as sent (with what was sent).

    Idempotent: a line is marked once, then dropped from the row's `list_lines`, so running it
    again (a retried task, a replayed request) never overwrites a later send's marks.
    """
    with transaction.atomic():
        send = CartSend.objects.select_for_update().filter(pk=send_id).first()
        if send is None or not send.list_lines or send.shopping_list_id is None:
            return
        added = added_upcs(send)
        done = [line for line in send.list_lines if line["product_id"] in added]
        if not done:
            return
        items = ListItem.objects.filter(
            shopping_list_id=send.shopping_list_id, pk__in=[line["item_id"] for line in done]
        ).in_bulk()
        for line in done:
            if item := items.get(line["item_id"]):
                item.sent_product_id, item.sent_quantity = line["product_id"], line["quantity"]
        ListItem.objects.bulk_update(items.values(), ["sent_product_id", "sent_quantity"])
        now = timezone.now()
        ShoppingList.objects.filter(pk=send.shopping_list_id).update(last_sent_at=now, updated_at=now)
        send.list_lines = [line for line in send.list_lines if line not in done]
        send.save(update_fields=["list_lines"])
