"""The cart ledger: Kroger's cart only adds and cannot be read, so every send is recorded."""

from django.conf import settings
from django.db import models

from .scoping import HouseholdQuerySet


class CartSend(models.Model):
    """One request to add items to a shopper's Kroger cart, and how it ended."""

    class Status(models.TextChoices):
        PENDING = "pending", "Sending"
        SUCCEEDED = "succeeded", "Added to cart"
        FAILED = "failed", "Not added"
        # Kroger did not answer: the items may or may not be in the cart.
        UNKNOWN = "unknown", "Outcome unknown"

    household = models.ForeignKey("accounts.Household", on_delete=models.CASCADE, related_name="cart_sends")
    # Who sent it, to their own Kroger cart with their own token.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart_sends")
    idempotency_key = models.CharField(max_length=100, blank=True)
    shopping_list = models.ForeignKey(
        "shopping.ShoppingList", null=True, blank=True, on_delete=models.SET_NULL, related_name="cart_sends"
    )
    # [{"upc": "0001111041700", "quantity": 2, "modality": "PICKUP"}, ...]
    items = models.JSONField(default=list)
    # A list send's lines not yet marked sent: [{"item_id", "product_id", "quantity"}, ...]. Marked
    # (and removed) once their product is in the cart, by the request or the background worker.
    list_lines = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    error_code = models.CharField(max_length=50, blank=True)
    error_message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="one_cart_send_per_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return f"Cart send {self.pk} ({self.status})"
