"""python-social-auth pipeline steps for Kroger: find the shopper by profile ID, store tokens encrypted."""

from django.db import transaction

from .access import membership_of
from .models import KrogerToken, User


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
        token.apply_grant(response)
        if not token.scopes:
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


def ensure_household(backend, user=None, *args, **kwargs) -> None:
    """A new shopper starts with a household of their own (an invitation can bring them into another)."""
    if user is not None:
        membership_of(user)
