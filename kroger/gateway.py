"""The one Django-aware corner of `kroger/`: a KrogerClient built from settings.

Settings are read at call time (never at import), so `override_settings` and the pytest
`settings` fixture take effect. The client shares Django's cache across processes (app
token, quota counters, searches) and one `requests.Session` per process: its connection
pool is thread-safe and bounded, so concurrent searches from a thread pool reuse a few
kept-alive connections instead of each short-lived thread leaving one open.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.cache import cache

from .client import KrogerClient
from .quota import ShopperBudget

# Pooled connections beyond the list resolver's search pool (LIST_RESOLVE_WORKERS): for request
# threads, so no connection is opened and thrown away per search.
POOL_FOR_REQUESTS = 16
_session: requests.Session | None = None
_session_lock = threading.Lock()


class _KrogerSession(requests.Session):
    """A Session that reads proxy settings and the CA bundle from the environment once per host.

    With `trust_env` on, requests walks the whole environment (proxies, no_proxy) and looks for
    ~/.netrc on every call: ~0.3 ms of CPU a call here, with searches running 25 at once. The
    settings do not change while the process runs, so they are read once; Kroger calls carry
    their own Authorization header, so ~/.netrc never applied to them.
    """

    def __init__(self) -> None:
        super().__init__()
        self.trust_env = False  # no per-call environment reads (nor ~/.netrc); see below
        self._proxies_for: dict[tuple[str, str], dict[str, str]] = {}
        self._ca_bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")

    def merge_environment_settings(self, url, proxies, stream, verify, cert):
        # What requests does with trust_env on, with the environment's part looked up once.
        host = urlsplit(url)[:2]
        if host not in self._proxies_for:
            self._proxies_for[host] = requests.utils.get_environ_proxies(url)
        proxies = {**self._proxies_for[host], **(proxies or {})}
        if verify is True or verify is None:
            verify = self._ca_bundle or verify
        return super().merge_environment_settings(url, proxies, stream, verify, cert)


def _shared_session() -> requests.Session:
    global _session
    with _session_lock:
        if _session is None:
            session = _KrogerSession()
            pool_size = settings.LIST_RESOLVE_WORKERS + POOL_FOR_REQUESTS
            adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=pool_size)
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
