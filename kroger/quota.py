"""Daily call counting per Kroger endpoint group, in the shared cache.

Kroger's public tier allows a fixed number of calls per endpoint per day
(kroger-api.md §8.1) and its 429 behaviour is undocumented, so we count our own calls and
refuse with a clear error *before* Kroger would. Kroger's window starts at the first call
of the day; we use the UTC day, which can only make us stop earlier, never later.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from .caching import KEY_PREFIX, CacheLike
from .errors import KrogerDailyLimitReached

# Reference: Kroger "API Basics" page, rate limits (developer.kroger.com); kroger-api.md §8.1
DEFAULT_DAILY_LIMITS = {"products": 10_000, "locations": 1_600, "cart": 5_000, "identity": 5_000}
GROUPS = ("auth", "products", "locations", "cart", "identity")
COUNTER_SECONDS = 2 * 24 * 60 * 60


class QuotaGuard:
    """Counts calls per endpoint group per UTC day; refuses once a group's limit is reached."""

    def __init__(
        self,
        cache: CacheLike,
        limits: dict[str, int] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self._cache = cache
        self._limits = {**DEFAULT_DAILY_LIMITS, **(limits or {})}
        self._now = now

    def _key(self, group: str) -> str:
        return f"{KEY_PREFIX}:quota:{group}:{self._now().date().isoformat()}"

    def spend(self, group: str) -> int:
        """Count one call to `group`. Raises KrogerDailyLimitReached (without counting) at the limit."""
        key = self._key(group)
        limit = self._limits.get(group)
        if limit is not None and (self._cache.get(key) or 0) >= limit:
            raise KrogerDailyLimitReached(retry_after=self._seconds_to_midnight())
        self._cache.add(key, 0, timeout=COUNTER_SECONDS)
        try:
            return self._cache.incr(key)
        except ValueError:
            # The counter expired or was evicted between add() and incr(): start again.
            self._cache.set(key, 1, timeout=COUNTER_SECONDS)
            return 1

    def usage_today(self) -> dict[str, int]:
        """Calls made today per endpoint group (for the admin and benchmarks)."""
        return {group: int(self._cache.get(self._key(group)) or 0) for group in GROUPS}

    def _seconds_to_midnight(self) -> int:
        now = self._now()
        seconds = 24 * 60 * 60 - (now.hour * 3600 + now.minute * 60 + now.second)
        return max(seconds, 1)
