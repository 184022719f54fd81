"""The household's memory: guidance lines and remembered picks (selections)."""

import re
import unicodedata

from django.conf import settings
from django.db import models

from shopping.products import ProductSnapshotFields

from .scoping import HouseholdQuerySet


def is_product_id(value: str) -> bool:
    """A Kroger product ID: exactly 13 ASCII digits (str.isdigit would also pass "²" or "٣")."""
    return re.fullmatch(r"[0-9]{13}", value) is not None


def normalize_term(term: str) -> str:
    """Fold case, Latin accents, punctuation and spacing, so "Milk ", "milk" and "Café"/"cafe"
    are one term; letters of other scripts stay as typed, marks included ("ガム" is not "カム",
    "й" is not "и", "दूध" keeps its vowel sign), after NFKC ("ｶﾞﾑ" is "ガム")."""
    if term.isascii():
        return " ".join(re.sub(r"[^\w\s]", " ", term.lower()).split())
    kept: list[str] = []
    for char in unicodedata.normalize("NFKC", term).casefold():
        if unicodedata.category(char).startswith("M"):
            if kept and not _is_latin(kept[-1]):  # a voicing mark or vowel sign of its letter
                kept.append(char)
        elif char.isalnum() or char == "_":
            base = unicodedata.normalize("NFD", char)[0]
            kept.append(base if _is_latin(base) else char)  # é -> e, ガ stays ガ
        else:
            kept.append(" ")
    return " ".join("".join(kept).split())


def _is_latin(char: str) -> bool:
    return char.isascii() or unicodedata.name(char, "").startswith("LATIN ")


class SelectionQuerySet(HouseholdQuerySet):
    def for_term(self, term: str):
        return self.filter(normalized_term=normalize_term(term))


class Guidance(models.Model):
    """One line of household guidance, in the household's own words."""

    household = models.ForeignKey("accounts.Household", on_delete=models.CASCADE, related_name="guidance")
    # Who added the line (the guidance page says so).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guidance")
    text = models.CharField(max_length=500)
    # An item term or category this line is about; blank means it applies generally.
    applies_to = models.CharField(max_length=100, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "guidance"

    def __str__(self) -> str:
        return self.text[:60]


class Selection(ProductSnapshotFields):
    """A remembered pick: "when we say *milk* at this store we mean this product"."""

    class Source(models.TextChoices):
        USER = "user", "Chosen by the shopper"
        RULES = "rules", "Picked by the household rules"
        ASSISTANT = "assistant", "Picked by the assistant"

    household = models.ForeignKey("accounts.Household", on_delete=models.CASCADE, related_name="selections")
    # Who last remembered it (the picks page says so).
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="selections")
    term = models.CharField(max_length=200)
    normalized_term = models.CharField(max_length=200, editable=False)
    # Blank: the pick applies at any store.
    location_id = models.CharField(max_length=8, blank=True)
    # The product: its snapshot columns (ProductSnapshotFields), as Kroger described it.
    quantity = models.PositiveIntegerField(default=1)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.USER)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = SelectionQuerySet.as_manager()

    class Meta:
        ordering = [models.F("last_used_at").desc(nulls_last=True), "-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "normalized_term", "location_id"],
                name="one_selection_per_term_and_store",
            )
        ]
        indexes = [models.Index(fields=["household", "normalized_term"])]

    def __str__(self) -> str:
        return f"{self.term} → {self.product_id}"

    def save(self, *args, **kwargs):
        self.normalized_term = normalize_term(self.term)
        super().save(*args, **kwargs)
