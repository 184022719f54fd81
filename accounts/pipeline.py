"""python-social-auth pipeline steps for Kroger: find the shopper by profile ID, store tokens encrypted."""

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import KrogerToken, User

DEFAULT_EXPIRES_IN = 1800


def expires_in_seconds(response: dict[str, Any]) -> int:
    """The token lifetime Kroger sent, or its documented 30 minutes when missing or odd."""
    try:
        seconds = int(response.get("expires_in") or DEFAULT_EXPIRES_IN)
    except (TypeError, ValueError):
        return DEFAULT_EXPIRES_IN
    return seconds if seconds > 0 else DEFAULT_EXPIRES_IN


def user_by_profile_id(backend, uid=None, user=None, *args, **kwargs) -> dict | None:
    """Reuse a local user already keyed on this Kroger profile ID (e.g. created before the link)."""
    if backend.name != "kroger" or user is not None or not uid:
        return None
    existing = User.objects.filter(kroger_profile_id=uid).first()
    return {"user": existing, "is_new": False} if existing else None


def save_kroger_tokens(backend, user=None, response=None, social=None, uid=None, *args, **kwargs) -> None:
    """Store the tokens encrypted in KrogerToken and only non-secret metadata in extra_data."""
    if backend.name != "kroger" or user is None:
        return None
    response = response or {}
    with transaction.atomic():
        token = KrogerToken.objects.select_for_update().filter(user=user).first() or KrogerToken(user=user)
        token.access_token = response["access_token"]
        # A response without a refresh token must not erase the one we hold.
        if response.get("refresh_token"):
            token.refresh_token = response["refresh_token"]
        token.access_expires_at = timezone.now() + timedelta(seconds=expires_in_seconds(response))
        scope = response.get("scope")
        if isinstance(scope, str) and scope:
            token.scopes = scope[:200]
        elif not token.scopes:
            token.scopes = " ".join(backend.get_scope())
        token.needs_reconnect = False
        token.save()
        if uid and user.kroger_profile_id != uid:
            user.kroger_profile_id = uid
            user.save(update_fields=["kroger_profile_id"])
    if social is not None:
        # backend.extra_data() strips every token; what remains is expiry and scope metadata.
        social.set_extra_data(backend.extra_data(user, uid, response, kwargs.get("details") or {}, kwargs))
    return None
