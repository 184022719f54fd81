"""The only way to get a usable Kroger access token for a shopper.

Kroger refresh tokens are single-use and rotate, so two concurrent refreshes for one shopper
would leave one of them holding a dead token. Refreshes are therefore serialised per shopper
with a row lock (`select_for_update`), the token is re-checked after the lock is taken, and
the rotated refresh token is saved in the same transaction.
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TypeVar

from django.db import transaction
from social_core.exceptions import AuthCredentialError, SocialAuthBaseException
from social_django.utils import load_strategy

from kroger.errors import KrogerAuthError, KrogerReconnectRequired, KrogerUnavailable

from .models import KrogerToken

logger = logging.getLogger(__name__)

T = TypeVar("T")
REFRESH_MARGIN = timedelta(seconds=60)


def get_access_token(user, *, force_refresh: bool = False) -> str:
    """Return a valid access token, refreshing it first when it expires within 60 seconds."""
    token = KrogerToken.objects.filter(user=user).first()
    if token is None or token.needs_reconnect:
        raise KrogerReconnectRequired()
    if force_refresh:
        return _refresh(user, rejected_access_token=token.access_token)
    if not token.expires_soon(margin=REFRESH_MARGIN):
        return token.access_token
    return _refresh(user, rejected_access_token=None)


def call_with_access_token(user, call: Callable[[str], T]) -> T:
    """Run call(token); if Kroger rejects the token, refresh once and retry once."""
    access_token = get_access_token(user)
    try:
        return call(access_token)
    except KrogerReconnectRequired:
        raise
    except KrogerAuthError:
        pass
    # Outside the except block, so a second failure does not chain the first one.
    return call(_refresh(user, rejected_access_token=access_token))


def _refresh(user, *, rejected_access_token: str | None) -> str:
    with transaction.atomic():
        token = KrogerToken.objects.select_for_update().filter(user=user).first()
        if token is None or token.needs_reconnect:
            raise KrogerReconnectRequired()
        # Re-check under the lock: another request may have refreshed while we waited.
        if rejected_access_token is None and not token.expires_soon(margin=REFRESH_MARGIN):
            return token.access_token
        if rejected_access_token is not None and token.access_token != rejected_access_token:
            return token.access_token
        data = _refresh_grant(user, token.refresh_token)
        if data is not None:
            token.apply_grant(data)
            token.save()
            return token.access_token
        token.needs_reconnect = True
        token.save(update_fields=["needs_reconnect", "updated_at"])
    # Only the "Kroger rejected the refresh" paths get here. Raised after the transaction
    # commits, so the reconnect flag is kept (and nothing else changes).
    raise KrogerReconnectRequired()


def _refresh_grant(user, refresh_token: str) -> dict | None:
    """Kroger's answer to a refresh, or None when Kroger rejected it (the shopper must reconnect)."""
    if not refresh_token:
        return None
    try:
        return load_strategy().get_backend("kroger").refresh_token(refresh_token)
    except AuthCredentialError as error:
        if error.code != "reauthentication_required":
            raise KrogerUnavailable() from None
        logger.info("Kroger rejected the refresh for user %s; reconnect needed", user.pk)
        return None
    except SocialAuthBaseException as error:
        # Unreachable, 5xx, timeout or an unreadable answer: the tokens stay as they are.
        logger.warning("Kroger token refresh failed for user %s: %s", user.pk, error.code)
        raise KrogerUnavailable() from None
