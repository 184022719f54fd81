"""Kroger Public API: the client, its typed results and errors. No Django in here."""

from .client import KrogerClient
from .errors import (
    KrogerAuthError,
    KrogerBadRequest,
    KrogerCartOutcomeUnknown,
    KrogerDailyLimitReached,
    KrogerError,
    KrogerNotFound,
    KrogerRateLimited,
    KrogerReconnectRequired,
    KrogerSlow,
    KrogerUnavailable,
)
from .schemas import (
    Allergen,
    CartItem,
    DayHours,
    Department,
    Location,
    PayloadError,
    Product,
    ProductPage,
    Profile,
    TokenGrant,
)

__all__ = [
    "Allergen",
    "CartItem",
    "DayHours",
    "Department",
    "KrogerAuthError",
    "KrogerBadRequest",
    "KrogerCartOutcomeUnknown",
    "KrogerClient",
    "KrogerDailyLimitReached",
    "KrogerError",
    "KrogerNotFound",
    "KrogerRateLimited",
    "KrogerReconnectRequired",
    "KrogerSlow",
    "KrogerUnavailable",
    "Location",
    "PayloadError",
    "Product",
    "ProductPage",
    "Profile",
    "TokenGrant",
]
