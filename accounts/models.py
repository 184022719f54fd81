"""Users, their encrypted Kroger tokens, and personal API tokens."""

import hashlib
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from .fields import EncryptedTextField

LOCATION_ID_LENGTH = 8
DEFAULT_EXPIRES_IN = 1800


class User(AbstractUser):
    """A shopper. Kroger sign-in creates these, keyed on the Kroger profile ID."""

    kroger_profile_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    preferred_location_id = models.CharField(max_length=LOCATION_ID_LENGTH, blank=True)
    # A copy of the store's name and address from Kroger, so pages need no Kroger call.
    preferred_location_name = models.CharField(max_length=200, blank=True)
    preferred_location_address = models.CharField(max_length=300, blank=True)
    # What the site calls the shopper ("Sam"): asked once after the first sign-in, editable.
    display_name = models.CharField(max_length=60, blank=True)
    display_name_asked = models.BooleanField(default=False)

    def __str__(self) -> str:
        return self.display_name or self.kroger_profile_id or self.username


class KrogerToken(models.Model):
    """A shopper's Kroger OAuth tokens, encrypted at rest. Use accounts.tokens to read them."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="kroger_token")
    access_token = EncryptedTextField()
    refresh_token = EncryptedTextField(blank=True)
    access_expires_at = models.DateTimeField()
    scopes = models.CharField(max_length=200, blank=True)
    # Set when Kroger rejected a refresh: the shopper has to sign in with Kroger again.
    needs_reconnect = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Kroger tokens for {self.user}"

    def expires_soon(self, now: datetime | None = None, *, margin: timedelta = timedelta(seconds=60)) -> bool:
        return self.access_expires_at - margin <= (now or timezone.now())

    def apply_grant(self, grant: Mapping[str, Any]) -> None:
        """Take a token-endpoint answer (sign-in or refresh): tokens, expiry and granted scopes."""
        self.access_token = grant["access_token"]
        # Kroger rotates refresh tokens; an answer without one must not erase the one we hold.
        if grant.get("refresh_token"):
            self.refresh_token = grant["refresh_token"]
        self.access_expires_at = timezone.now() + timedelta(seconds=expires_in_seconds(grant))
        scope = grant.get("scope")
        if isinstance(scope, str) and scope:
            self.scopes = scope[:200]


def expires_in_seconds(grant: Mapping[str, Any]) -> int:
    """The token lifetime Kroger sent, or its documented 30 minutes when missing or odd."""
    try:
        seconds = int(grant.get("expires_in") or DEFAULT_EXPIRES_IN)
    except (TypeError, ValueError):
        return DEFAULT_EXPIRES_IN
    return seconds if seconds > 0 else DEFAULT_EXPIRES_IN


class ApiTokenQuerySet(models.QuerySet):
    def active(self, now: datetime | None = None) -> "ApiTokenQuerySet":
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 hash is stored; the secret is shown once."""

    PREFIX = "ps_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the secret, to tell tokens apart in lists.
    key_prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def hash_secret(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def new_secret(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    def is_active(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


# --- Households -------------------------------------------------------------------------------


class Household(models.Model):
    """The people who shop together. Shopping memory, lists and the cart ledger belong to one."""

    DEFAULT_NAME = "Our household"

    name = models.CharField(max_length=100, default=DEFAULT_NAME)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in their household. Every user has exactly one (see accounts.access)."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MEMBER = "member", "Member"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["joined_at", "id"]
        constraints = [
            # Ownership passes on (leave, remove); it is never shared.
            models.UniqueConstraint(
                fields=["household"], condition=models.Q(role="owner"), name="one_owner_per_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()} of {self.household})"

    @property
    def is_owner(self) -> bool:
        return self.role == self.Role.OWNER


class HouseholdInviteQuerySet(models.QuerySet):
    def open(self, now: datetime | None = None) -> "HouseholdInviteQuerySet":
        """Invites that can still be used: not used, not revoked, not expired."""
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
        )


class HouseholdInvite(models.Model):
    """A single-use link into a household. Only the SHA-256 of its token is stored."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="invites")
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = HouseholdInviteQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Invite {self.pk} to {self.household}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(24)
