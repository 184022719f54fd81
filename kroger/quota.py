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
from .errors import KrogerDailyLimitReached, KrogerShopperBudgetReached

# Reference: Kroger "API Basics" page, rate limits (developer.kroger.com); kroger-api.md §8.1
DEFAULT_DAILY_LIMITS = {"products": 10_000, "locations": 1_600, "cart": 5_000, "identity": 5_000}
GROUPS = ("auth", "products", "locations", "cart", "identity")
COUNTER_SECONDS = 2 * 24 * 60 * 60
BUDGETED_GROUPS = frozenset({"products", "locations", "cart", "identity"})


def increment(cache: CacheLike, key: str, *, timeout: float | None, delta: int = 1) -> int:
    """Atomically add `delta` to a counter, created with `timeout` (None: no expiry); the new value."""
    redis_client = _redis_client(cache, key)
    if redis_client is not None:
        # One round trip instead of three (add's SET NX, incr's EXISTS and INCRBY): every request
        # is counted by a throttle, so this is on the hot path. Same commands, same atomicity.
        full_key = cache.make_and_validate_key(key)
        pipeline = redis_client.pipeline(transaction=False)
        pipeline.set(full_key, 0, ex=None if timeout is None else max(1, int(timeout)), nx=True)
        pipeline.incrby(full_key, delta)
        return int(pipeline.execute()[1])
    for _ in range(3):
        cache.add(key, 0, timeout=timeout)
        try:
            return cache.incr(key, delta)
        except ValueError:
            continue  # expired or evicted between add() and incr(): create it again
    raise RuntimeError(f"Could not count {key} in the cache.")


def _redis_client(cache: CacheLike, key: str):
    """The redis-py client behind Django's RedisCache, or None for any other cache.

    Asked of the backend's own client object, not with isinstance() of the cache: the throttles
    and middleware pass `django.core.cache.cache`, a proxy isinstance() cannot see through (it
    forwards attributes), which made every count take the three round trips."""
    from django.core.cache.backends.redis import RedisCacheClient

    client = getattr(cache, "_cache", None)
    if not isinstance(client, RedisCacheClient):
        return None
    return client.get_client(key, write=True)  # Django's own client picks the server


class QuotaGuard:
    """Counts calls per endpoint group per UTC day; refuses once a group's limit is reached."""

    def __init__(
        self,
        cache: CacheLike,
        limits: dict[str, int] | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        budget: ShopperBudget | None = None,
    ):
        self._cache = cache
        self._limits = {**DEFAULT_DAILY_LIMITS, **(limits or {})}
        self._now = now
        self._budget = budget

    def _key(self, group: str) -> str:
        return f"{KEY_PREFIX}:quota:{group}:{self._now().date().isoformat()}"

    def spend(self, group: str) -> int:
        """Count one call to `group` against the site's quota and, if budgeted, the shopper's budget.

        Raises KrogerDailyLimitReached or KrogerShopperBudgetReached, and then neither counter
        keeps the refused call. Atomic across processes sharing the cache: each count is one
        `incr`, and a refused call gives back what it took, so concurrent callers never overspend.
        """
        key = self._key(group)
        limit = self._limits.get(group)
        count = increment(self._cache, key, timeout=COUNTER_SECONDS)
        if limit is not None and count > limit:
            self._cache.incr(key, -1)
            raise KrogerDailyLimitReached(retry_after=self._seconds_to_midnight())
        if self._budget is not None and group in BUDGETED_GROUPS:
            try:
                self._budget.spend()  # gives back its own count when it refuses
            except Exception:
                self._cache.incr(key, -1)  # a call the shopper may not make costs the site nothing
                raise
        return count

    def usage_today(self) -> dict[str, int]:
        """Calls made today per endpoint group (for the admin and benchmarks)."""
        return {group: int(self._cache.get(self._key(group)) or 0) for group in GROUPS}

    def _seconds_to_midnight(self) -> int:
        return seconds_to_midnight(self._now())


def seconds_to_midnight(now: datetime) -> int:
    seconds = 24 * 60 * 60 - (now.hour * 3600 + now.minute * 60 + now.second)
    return max(seconds, 1)


class ShopperBudget:
    """One shopper's daily share of Kroger calls, counted in the shared cache (atomic, like the quota).

    The shared application token's own grants ("auth") are the site's cost, not the shopper's.
    """

    def __init__(
        self,
        cache: CacheLike,
        shopper: str,
        limit: int,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ):
        self._cache, self._shopper, self._limit, self._now = cache, shopper, limit, now

    def key(self) -> str:
        return f"{KEY_PREFIX}:budget:{self._shopper}:{self._now().date().isoformat()}"

    def spend(self) -> int:
        key = self.key()
        count = increment(self._cache, key, timeout=COUNTER_SECONDS)
        if count > self._limit:
            self._cache.incr(key, -1)
            raise KrogerShopperBudgetReached(retry_after=seconds_to_midnight(self._now()))
        return count

    def used_today(self) -> int:
        return int(self._cache.get(self.key()) or 0)
