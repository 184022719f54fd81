"""Shopping lists and their lines, with the pick made for each line."""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from shopping.parsing import clean_term
from shopping.products import OUT_OF_STOCK, ProductSnapshotFields
from shopping.units import measure, requested_measure

from .scoping import HouseholdQuerySet

OUNCES_PER_LB = Decimal(16)
CENT = Decimal("0.01")


def is_ready(prefix: str = "") -> models.Q:
    """The one definition of a ready line: picked and not skipped, so "Send to Kroger cart" sends
    it (or sent it)."""
    return (
        models.Q(**{f"{prefix}status": "resolved"})
        & ~models.Q(**{f"{prefix}product_id": ""})
        & models.Q(**{f"{prefix}skipped": False})
    )


@dataclass(frozen=True)
class ListProgress:
    """Where a list's lines stand, for the list page, the lists index, the home page and the API."""

    total: int
    ready: int
    needs_choice: int = 0
    not_found: int = 0
    failed: int = 0  # Kroger could not be reached: "Try again"
    skipped: int = 0  # kept on the list, not sent, not counted as lines to get ready

    @property
    def looking(self) -> int:
        """Lines not looked up yet."""
        return self.total - self.ready - self.needs_choice - self.not_found - self.failed - self.skipped

    @property
    def stage(self) -> int:
        """Lines looked up plus lines answered. Resolving only ever moves lines on (pending ->
        failed or answered, failed -> answered), so of two snapshots of one list the later has
        the larger stage, or the same stage and the same counts. lists.js orders answers by it."""
        looked_up = self.total - self.looking - self.skipped
        return looked_up + (looked_up - self.failed)

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.ready == self.total - self.skipped

    @property
    def summary(self) -> str:
        """ "8 of 10 ready · 2 need your choice" (only the parts that apply)."""
        parts = [f"{self.ready} of {self.total - self.skipped} ready"]
        if self.needs_choice:
            parts.append(f"{self.needs_choice} need{'s' if self.needs_choice == 1 else ''} your choice")
        if self.not_found:
            parts.append(f"{self.not_found} not found at this store")
        if self.failed:
            parts.append(f"{self.failed} to try again")
        if self.looking:
            parts.append(f"{self.looking} to look up")
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        return " · ".join(parts)

    def __str__(self) -> str:
        return self.summary

    @classmethod
    def of_items(cls, items: Iterable["ListItem"]) -> "ListProgress":
        statuses = [
            ("skipped" if item.skipped else "ready" if item.is_ready else item.status) for item in items
        ]
        return cls(
            total=len(statuses),
            ready=statuses.count("ready"),
            needs_choice=statuses.count(ListItem.Status.NEEDS_CHOICE),
            not_found=statuses.count(ListItem.Status.NOT_FOUND),
            failed=statuses.count(ListItem.Status.ERROR),
            skipped=statuses.count("skipped"),
        )


class ShoppingListQuerySet(HouseholdQuerySet):
    def with_items(self):
        """Prefetch each list's lines (in list order, from ListItem.Meta.ordering)."""
        return self.prefetch_related("items")

    def with_counts(self):
        """Annotate the counts `ShoppingList.progress` reads, in the same query."""
        count = lambda condition: models.Count("items", filter=condition)  # noqa: E731
        # Meta.ordering is not applied to GROUP BY queries, so order explicitly.
        return self.annotate(
            item_count=models.Count("items"),
            ready_count=count(is_ready("items__")),
            needs_choice_count=count(models.Q(items__status="needs_choice", items__skipped=False)),
            not_found_count=count(models.Q(items__status="not_found", items__skipped=False)),
            failed_count=count(models.Q(items__status="error", items__skipped=False)),
            skipped_count=count(models.Q(items__skipped=True)),
        ).order_by("-updated_at", "-id")

    def take_resolve_lease(self, pk: int, *, token: str, seconds: float, takeover: str = "") -> bool:
        """Hold list `pk` for one resolve under `token` when nobody holds it, the holder's lease has
        expired, or the holder is `takeover` (a hold handed on). One UPDATE: atomic on every engine."""
        now = timezone.now()
        free = models.Q(resolve_lease="") | models.Q(resolving_until__lte=now)
        if takeover:
            free |= models.Q(resolve_lease=takeover)
        taken = self.filter(free, pk=pk).update(
            resolve_lease=token, resolving_until=now + timedelta(seconds=seconds)
        )
        return taken == 1

    def renew_resolve_lease(self, pk: int, *, token: str, seconds: float) -> bool:
        """Push the holder's lease on (it is still working); False once someone else took it over."""
        until = timezone.now() + timedelta(seconds=seconds)
        return self.filter(pk=pk, resolve_lease=token).update(resolving_until=until) == 1

    def release_resolve_lease(self, pk: int, *, token: str) -> None:
        self.filter(pk=pk, resolve_lease=token).update(resolve_lease="", resolving_until=None)


class ShoppingList(models.Model):
    household = models.ForeignKey(
        "accounts.Household", on_delete=models.CASCADE, related_name="shopping_lists"
    )
    # Who created the list (it belongs to the household; pages say "created by Sam").
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shopping_lists"
    )
    name = models.CharField(max_length=100, blank=True)
    # The store the list is picked for (the shopper's preferred store when created).
    location_id = models.CharField(max_length=8, blank=True)
    raw_text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    # Who is resolving the list right now (a random token) and until when their hold lasts
    # unless renewed: a resolve killed mid-way stops renewing, so its hold runs out.
    resolve_lease = models.CharField(max_length=32, blank=True, default="")
    resolving_until = models.DateTimeField(null=True, blank=True)

    objects = ShoppingListQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.name or f"List {self.pk}"

    @property
    def is_resolving(self) -> bool:
        """A resolve (a request or the background worker) holds the list and its lease is live."""
        return (
            bool(self.resolve_lease)
            and self.resolving_until is not None
            and self.resolving_until > timezone.now()
        )

    @property
    def progress(self) -> ListProgress:
        """From the `with_counts()` annotations when present, else from the (prefetched) items."""
        if hasattr(self, "ready_count"):
            return ListProgress(
                total=self.item_count,
                ready=self.ready_count,
                needs_choice=self.needs_choice_count,
                not_found=self.not_found_count,
                failed=self.failed_count,
                skipped=self.skipped_count,
            )
        return ListProgress.of_items(self.items.all())

    @property
    def basket_total(self) -> Decimal:
        """Today's price of every picked line (promos applied); uses prefetched items."""
        return basket_total(self.items.all())

    @property
    def total_is_estimate(self) -> bool:
        """Whether a weighed line is in the basket, so the total is an estimate."""
        return total_is_estimate(self.items.all())


def basket_total(items: Iterable["ListItem"]) -> Decimal:
    """What the picked (not skipped) lines cost at their current prices (promos applied);
    weighed lines count at their estimated weight."""
    return sum(
        (item.line_total for item in items if item.is_ready and item.line_total),
        Decimal("0.00"),
    )


def total_is_estimate(items: Iterable["ListItem"]) -> bool:
    return any(item.is_ready and item.line_total_is_estimate for item in items)


class ListItemQuerySet(models.QuerySet):
    def for_household(self, household):
        """Lines of the household's lists, each with its list loaded."""
        return self.filter(shopping_list__household=household).select_related("shopping_list")


class ListItem(ProductSnapshotFields):
    """One line of a list, with the product picked for it (its snapshot columns; blank: none yet)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Looking…"
        RESOLVED = "resolved", "Picked"
        NEEDS_CHOICE = "needs_choice", "Needs your choice"
        NOT_FOUND = "not_found", "Not found at this store"
        ERROR = "error", "Kroger could not be reached"

    class Source(models.TextChoices):
        MEMORY = "memory", "Remembered pick"
        RULES = "rules", "Household rules"
        ASSISTANT = "assistant", "Assistant"
        USER = "user", "Your choice"

    shopping_list = models.ForeignKey(ShoppingList, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    raw_text = models.CharField(max_length=300)
    # Parsed from the line: "2 lb ground beef" -> amount 2, unit "lb", term "ground beef".
    amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    unit = models.CharField(max_length=30, blank=True)
    # The line's own term: what remembered picks and guidance are keyed on. Never overwritten.
    term = models.CharField(max_length=200, blank=True)
    # The words typed into "search again"; blank: the line searches for its own term.
    search_text = models.CharField(max_length=200, blank=True)
    quantity = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.PENDING)
    source = models.CharField(max_length=10, choices=Source.choices, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    # Up to 5 other candidates, each a ProductSnapshot.as_dict().
    alternatives = models.JSONField(default=list, blank=True)
    # What the last successful send put in the cart, to send only the difference next time.
    sent_product_id = models.CharField(max_length=13, blank=True)
    sent_quantity = models.PositiveIntegerField(default=0)
    # The shopper settled a line the picker was unsure of: offer to remember it until they do.
    ask_to_remember = models.BooleanField(default=False)
    # Kept on the list but not sent and not in the total ("we have some this week").
    skipped = models.BooleanField(default=False)
    # Goes up whenever the line's text, pick, quantity or skipping changes: an edit made from an
    # older version is refused (409) instead of silently overwriting another member's change.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ListItemQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.raw_text

    @property
    def search_term(self) -> str:
        """What Kroger is asked for: the "search again" words (cleaned like a pasted line), else
        the line's own term."""
        return clean_term(self.search_text) if self.search_text else self.term

    @property
    def suggested_guidance(self) -> str:
        """A guidance line for the pick, worded the way the picker reads it ("Prefer General Mills
        for cereal"); "" without a product."""
        if not self.product_id or not self.term:
            return ""
        return f"Prefer {self.brand or self.description} for {self.term}"[:500]

    @property
    def estimated_weight(self) -> tuple[Decimal, str] | None:
        """For a weighed product: the pounds the line total is worked out from, and where they
        come from ("the line", "Kroger's average weight", "assumed"); None when sold by unit.

        "2 lb chicken breasts" -> 2 lb, as long as the quantity is still the one worked out from
        the line; otherwise the quantity times one unit's weight (Kroger's average weight when
        it gives one, else 1 lb)."""
        if not self.sold_by_weight:
            return None
        wanted = requested_measure(self.amount, self.unit)
        if wanted and wanted[1] == "weight" and self.quantity == self._quantity_for_wanted(wanted[0]):
            return (wanted[0] / OUNCES_PER_LB).quantize(CENT), "the line"
        if self.average_weight:
            return self.average_weight * self.quantity, "Kroger's average weight"
        return Decimal(self.quantity), "assumed"

    def _quantity_for_wanted(self, ounces: Decimal) -> int:
        have = measure(self.size)
        if not have or have[1] != "weight":
            return 1
        return max(1, min(99, math.ceil(ounces / have[0] - Decimal("0.15"))))

    @property
    def estimated_pounds(self) -> Decimal | None:
        estimate = self.estimated_weight
        return None if estimate is None else estimate[0]

    @property
    def weight_note(self) -> str:
        """ "about 2 lb at $3.99/lb" for weighed lines (the page shows it beside the total)."""
        estimate = self.estimated_weight
        if estimate is None or self.price is None:
            return ""
        pounds, origin = estimate
        note = f"about {pounds.normalize():f} lb at ${self.price}/lb"
        if origin == "assumed":
            return note + " (weight assumed: 1 lb each)"
        if origin != "the line":
            return note + f" ({origin})"
        return note

    @property
    def line_total(self):
        if self.price is None:
            return None
        estimate = self.estimated_weight
        if estimate is not None:
            return (self.price * estimate[0]).quantize(CENT)
        return self.price * self.quantity

    @property
    def line_total_is_estimate(self) -> bool:
        """Weighed products are charged by the weight packed, so their total is an estimate."""
        return self.sold_by_weight and self.price is not None

    @property
    def in_cart(self) -> bool:
        """Everything this line asks for went to the Kroger cart already."""
        return (
            bool(self.product_id)
            and self.sent_product_id == self.product_id
            and self.quantity <= self.sent_quantity
        )

    @property
    def needs_choice(self) -> bool:
        return self.status == self.Status.NEEDS_CHOICE

    @property
    def suggested_alternative_id(self) -> str:
        """The alternative offered first when swapping: the best one Kroger has in stock."""
        in_stock = (a for a in self.alternatives if a.get("stock_level") != OUT_OF_STOCK)
        return next((a.get("product_id", "") for a in in_stock), "")

    @property
    def is_ready(self) -> bool:
        """Picked and not skipped, so sending the list sends it (the Python twin of `is_ready()`)."""
        return self.status == self.Status.RESOLVED and bool(self.product_id) and not self.skipped
