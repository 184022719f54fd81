"""The one Django-aware corner of `kroger/`: a KrogerClient built from settings.

Settings are read at call time (never at import), so `override_settings` and the pytest
`settings` fixture take effect. The client shares Django's cache across processes (app
token, quota counters, searches) and one `requests.Session` per process: its connection
pool is thread-safe and bounded, so concurrent searches from a thread pool reuse a few
kept-alive connections instead of each short-lived thread leaving one open.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import requests
from django.conf import settings
from django.core.cache import cache

from .client import KrogerClient
from .quota import ShopperBudget

# Enough pooled connections for the list resolver's search pool (LIST_RESOLVE_WORKERS) plus
# request threads, so none is opened and thrown away per search.
POOL_SIZE = 32
_session: requests.Session | None = None
_session_lock = threading.Lock()


def _shared_session() -> requests.Session:
    global _session
    with _session_lock:
        if _session is None:
            session = requests.Session()
            adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=POOL_SIZE)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            _session = session
        return _session


def close_shared_session() -> None:
    """Close the pooled connections (e.g. before the server they point at goes away); reopens on demand."""
    global _session
    with _session_lock:
        if _session is not None:
            _session.close()
            _session = None


# Who is spending Kroger calls in this request: a function giving the shopper's key (or None).
_spender: ContextVar[Callable[[], str | None] | None] = ContextVar("kroger_spender", default=None)


@contextmanager
def spending_for(shopper: Callable[[], str | None]) -> Iterator[None]:
    """Charge Kroger calls of clients made inside this block to `shopper()` (see ShopperBudget).

    `shopper` is called at each Kroger call, so a user who authenticates later in the request counts.
    """
    reset = _spender.set(shopper)
    try:
        yield
    finally:
        _spender.reset(reset)


class _LazyBudget:
    """The budget of whoever `shopper()` names when a call is made; nobody named, nothing charged."""

    def __init__(self, shopper: Callable[[], str | None]):
        self._shopper = shopper

    def spend(self) -> int:
        who = self._shopper()
        limit = getattr(settings, "KROGER_DAILY_BUDGET_PER_USER", 0)
        if not who or not limit:
            return 0
        return ShopperBudget(cache, who, limit).spend()


def get_client() -> KrogerClient:
    """A KrogerClient for the configured Kroger (or sandbox) base URL and app credentials."""
    return KrogerClient(
        base_url=settings.KROGER_API_BASE_URL,
        client_id=settings.KROGER_CLIENT_ID,
        client_secret=settings.KROGER_CLIENT_SECRET,
        timeout=settings.KROGER_TIMEOUT_SECONDS,
        max_retries=settings.KROGER_MAX_RETRIES,
        session=_shared_session(),
        cache=cache,
        product_cache_seconds=settings.KROGER_PRODUCT_CACHE_SECONDS,
        location_cache_seconds=settings.KROGER_LOCATION_CACHE_SECONDS,
        daily_limits=getattr(settings, "KROGER_DAILY_LIMITS", None),
        budget=_LazyBudget(shopper) if (shopper := _spender.get()) is not None else None,
    )
