"""Sending a shopping list to the Kroger cart: only what changed since the last send, after
the shopper confirms a repeat, in batched cart calls through the ledger (`services.cart`).

Remembered picks never searched this store, so they are checked with Kroger (one batched
lookup) before anything is sent: only products Kroger sells at the list's store reach the cart.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from accounts.households import display_name
from kroger.gateway import get_client
from kroger.schemas import CartItem
from shopping.models import CartSend, ListItem, ShoppingList
from shopping.picking.scoring import not_sold_here
from shopping.services.cart import send_items_to_cart


class ConfirmationRequired(Exception):
    """The list went to the cart before; sending again needs the shopper's confirmation."""

    def __init__(self, plan: "SendPlan"):
        super().__init__("This list was sent before: confirm to send only what changed.")
        self.plan = plan


class RecentlySent(Exception):
    """Products on this list went to the cart from another list lately: send anyway or leave out."""

    code = "recently_sent"

    def __init__(self, recent: list["RecentSend"], plan: "SendPlan"):
        count = len(recent)
        super().__init__(
            f"{count} product{'s' if count != 1 else ''} on this list went to a Kroger cart in your "
            f"household from another list in the last {settings.RECENT_SEND_HOURS} hours. Leave out the ones "
            "you don't want twice (skip those lines), then send again with confirm."
        )
        self.recent = recent
        self.plan = plan


@dataclass
class RecentSend:
    """A line about to be sent whose product went to the cart from another list lately."""

    item: ListItem
    product_id: str
    quantity: int  # how many were sent then
    sent_at: datetime
    list_id: int
    list_name: str
    sent_by: str = ""  # the sender's display name
    by_you: bool = True

    @property
    def summary(self) -> str:
        """ "Alex sent 2 × Whole Milk to their cart yesterday from ‘Weekly shop’" ("You … your cart")."""
        when = timezone.localtime(self.sent_at).date()
        days_ago = (timezone.localdate() - when).days
        day = {0: "today", 1: "yesterday"}.get(days_ago, f"on {when:%A}")
        who, cart = ("You", "your") if self.by_you else (self.sent_by, "their")
        what = f"{self.quantity} × {self.item.description}"
        return f"{who} sent {what} to {cart} cart {day} from ‘{self.list_name}’"


@dataclass
class NotSent:
    """A line a send leaves out, and why."""

    item: ListItem
    reason: str  # skipped, needs_choice, not_found, error, pending, held_back

    LABELS = {
        "skipped": "Skipped",
        "needs_choice": "Needs your choice",
        "not_found": "Nothing suitable at this store",
        "held_back": "Not sold here",
        "error": "Kroger could not be reached",
        "pending": "Not looked up yet",
    }

    @property
    def label(self) -> str:
        return self.LABELS[self.reason]


@dataclass
class SendLine:
    item: ListItem
    quantity: int
    change: str  # new, changed, more


@dataclass
class SendPlan:
    lines: list[SendLine] = field(default_factory=list)
    # Lines whose earlier product stays in the cart: Kroger's cart can only add.
    left_in_cart: list[ListItem] = field(default_factory=list)
    # Remembered picks Kroger no longer sells at this store: held back for the shopper to choose.
    held_back: list[ListItem] = field(default_factory=list)
    # Lines not picked, or skipped: not sent.
    not_ready: list[NotSent] = field(default_factory=list)

    @property
    def not_sent(self) -> list[NotSent]:
        """Every line this send leaves out, and why (lines already in the cart are not listed)."""
        return self.not_ready + [NotSent(item, "held_back") for item in self.held_back]


@dataclass
class SendResult:
    plan: SendPlan
    cart_send: CartSend | None = None

    @property
    def detail(self) -> str:
        not_sent = self.plan.not_sent
        note = (
            " Not sent: "
            + "; ".join(f"{line.item.raw_text} ({line.label.lower()})" for line in not_sent)
            + "."
            if not_sent
            else ""
        )
        if not self.plan.lines:
            return "Nothing new to send: everything on this list already went to a Kroger cart." + note
        count = len(self.plan.lines)
        lines = f"{count} line{'s' if count != 1 else ''}"
        if self.cart_send is not None and self.cart_send.status == CartSend.Status.PENDING:
            return (
                f"Sending {lines} to your Kroger cart: the list shows them as sent once Kroger has them."
                + note
            )
        return f"Added {lines} to your Kroger cart." + note


def plan_send(shopping_list: ShoppingList, items: list[ListItem] | None = None) -> SendPlan:
    """What sending would add now: new lines, changed products, increased quantities."""
    plan = SendPlan()
    for item in shopping_list.items.all() if items is None else items:
        if not item.is_ready:
            reason = "skipped" if item.skipped else item.status
            plan.not_ready.append(NotSent(item, reason if reason in NotSent.LABELS else "needs_choice"))
            continue
        if not item.sent_product_id:
            plan.lines.append(SendLine(item, item.quantity, "new"))
        elif item.sent_product_id != item.product_id:
            plan.lines.append(SendLine(item, item.quantity, "changed"))
            plan.left_in_cart.append(item)
        elif item.quantity > item.sent_quantity:
            plan.lines.append(SendLine(item, item.quantity - item.sent_quantity, "more"))
        elif item.quantity < item.sent_quantity:
            plan.left_in_cart.append(item)
    return plan


def recently_sent(shopping_list: ShoppingList, lines: list[SendLine], *, user) -> list[RecentSend]:
    """The lines about to be sent whose product anyone in the list's household sent to their cart
    from another list within RECENT_SEND_HOURS (one query). `user` is who is about to send."""
    wanted = {line.item.product_id: line.item for line in lines}
    if not wanted:
        return []
    since = timezone.now() - timedelta(hours=settings.RECENT_SEND_HOURS)
    sends = (
        CartSend.objects.filter(household_id=shopping_list.household_id, created_at__gte=since)
        .exclude(shopping_list=None)
        .exclude(shopping_list_id=shopping_list.pk)
        .exclude(status__in=[CartSend.Status.FAILED, CartSend.Status.PENDING])
        .select_related("shopping_list", "owner")
        .order_by("-created_at", "-id")
    )
    found: dict[str, RecentSend] = {}
    for send in sends:
        for row in send.items:
            upc = row.get("upc")
            added = row.get("added") or send.status == CartSend.Status.SUCCEEDED
            if upc in wanted and upc not in found and added is not False:
                found[upc] = RecentSend(
                    item=wanted[upc], product_id=upc, quantity=int(row.get("quantity") or 0),
                    sent_at=send.completed_at or send.created_at, list_id=send.shopping_list_id,
                    list_name=str(send.shopping_list), sent_by=display_name(send.owner),
                    by_you=send.owner_id == user.pk,
                )  # fmt: skip
    return [found[line.item.product_id] for line in lines if line.item.product_id in found]


def send_list_to_cart(*, shopping_list: ShoppingList, user, confirm: bool = False) -> SendResult:
    """Add what changed since the last send to the shopper's Kroger cart, through the ledger.

    Raises RecentlySent when a product went to the cart from another list lately and
    ConfirmationRequired when the list was sent before (both only when `confirm` is false; lines
    the shopper leaves out are skipped ones), and kroger.errors.* (after marking whatever Kroger
    did add) when the cart add fails.
    """
    items = list(shopping_list.items.all())
    plan = plan_send(shopping_list, items)
    if not plan.lines:
        return SendResult(plan=plan)
    if not confirm:
        recent = recently_sent(shopping_list, plan.lines, user=user)
        if recent:
            raise RecentlySent(recent, plan)
    if shopping_list.last_sent_at and not confirm:
        raise ConfirmationRequired(plan)
    _hold_back_unverified(shopping_list, plan)
    if not plan.lines:
        return SendResult(plan=plan)
    totals: dict[str, int] = {}
    for line in plan.lines:
        totals[line.item.product_id] = totals.get(line.item.product_id, 0) + line.quantity
    cart_items = [CartItem(upc=upc, quantity=quantity) for upc, quantity in totals.items()]
    # The same list state always gets the same key, so a double click never adds twice.
    fingerprint = json.dumps([shopping_list.pk, str(shopping_list.last_sent_at), sorted(totals.items())])
    key = "list-" + hashlib.sha256(fingerprint.encode()).hexdigest()[:40]
    # What each line sends, so whoever finishes the send (this request or the worker) marks it.
    lines = [
        {"item_id": line.item.pk, "product_id": line.item.product_id, "quantity": line.item.quantity}
        for line in plan.lines
    ]
    cart_send = send_items_to_cart(
        user=user, items=cart_items, idempotency_key=key, shopping_list=shopping_list, list_lines=lines
    )
    shopping_list.refresh_from_db(fields=["last_sent_at", "updated_at"])  # marked sent by the ledger
    return SendResult(plan=plan, cart_send=cart_send)


def _hold_back_unverified(shopping_list: ShoppingList, plan: SendPlan) -> None:
    """Check remembered picks with Kroger for this store before sending them.

    Memory wins without a search, so a remembered product (from another store, or typed into
    the selections API) never came from Kroger for this store; one batched lookup per 50 ids
    makes sure only products Kroger sells here reach the cart.
    """
    remembered = [line for line in plan.lines if line.item.source == ListItem.Source.MEMORY]
    if not remembered:
        return
    ids = {line.item.product_id for line in remembered}
    sold = {
        product.product_id: product
        for product in get_client().get_products(ids, location_id=shopping_list.location_id)
        if product.price is not None and not not_sold_here(product)
    }
    held = []
    for line in remembered:
        item, product = line.item, sold.get(line.item.product_id)
        if product is None:
            item.status, item.confidence = ListItem.Status.NEEDS_CHOICE, 0.0
            item.reason = "Kroger does not sell the remembered product at this store: choose another"
            held.append(item)
        else:  # today's price replaces the one remembered
            item.regular_price = product.regular_price
            item.promo_price = product.promo_price if product.on_sale else None
    fields = ["status", "confidence", "reason", "regular_price", "promo_price"]
    ListItem.objects.bulk_update([line.item for line in remembered], fields)
    plan.lines = [line for line in plan.lines if line.item not in held]
    plan.held_back = held
