"""Account workflows: the shopper's preferred store and their Kroger connection status."""

import re

from kroger.errors import KrogerBadRequest, KrogerNotFound
from kroger.gateway import get_client

from .models import KrogerToken, User

LOCATION_ID_RE = re.compile(r"\d{8}")
LOCATION_FORMAT_MESSAGE = "Enter the store's 8-digit Kroger location ID, for example 01400943."

CONNECTED = "connected"
RECONNECT_NEEDED = "reconnect_needed"
NOT_CONNECTED = "not_connected"


class InvalidLocation(Exception):
    """The location ID is malformed or no Kroger store has it. `message` is safe to show."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def validate_location_id_format(location_id: str) -> str:
    """The stripped location ID, or InvalidLocation when it is not 8 digits."""
    location_id = (location_id or "").strip()
    if not LOCATION_ID_RE.fullmatch(location_id):
        raise InvalidLocation(LOCATION_FORMAT_MESSAGE)
    return location_id


def set_preferred_location(*, user: User, location_id: str) -> User:
    """Confirm the store with Kroger and save its ID, name and address on the user.

    Raises InvalidLocation for a malformed or unknown store; other Kroger failures
    (unreachable, rate limited) propagate as kroger.errors. Nothing is saved on failure.
    """
    location_id = validate_location_id_format(location_id)
    try:
        location = get_client().get_location(location_id)
    except (KrogerNotFound, KrogerBadRequest):
        raise InvalidLocation(f"No Kroger store has the location ID {location_id}.") from None
    user.preferred_location_id = location.location_id or location_id
    user.preferred_location_name = (location.name or "")[:200]
    user.preferred_location_address = (location.address or "")[:300]
    user.save(
        update_fields=["preferred_location_id", "preferred_location_name", "preferred_location_address"]
    )
    return user


def connection_status(token: KrogerToken | None) -> str:
    """connected, reconnect_needed or not_connected, for a user's KrogerToken (or None)."""
    if token is None:
        return NOT_CONNECTED
    return RECONNECT_NEEDED if token.needs_reconnect else CONNECTED


def kroger_token_for(user: User) -> KrogerToken | None:
    """The user's KrogerToken row without the token columns (status and expiry only), or None."""
    return KrogerToken.objects.filter(user=user).defer("access_token", "refresh_token").first()
