"""The one Django-aware corner of `kroger/`: a KrogerClient built from settings.

Settings are read at call time (never at import), so `override_settings` and the pytest
`settings` fixture take effect. The client shares Django's cache across processes (app
token, quota counters, searches) and reuses one `requests.Session` per thread, which
keeps connections pooled while staying safe for thread-pooled concurrent searches.
"""

from __future__ import annotations

import threading

import requests
from django.conf import settings
from django.core.cache import cache

from .client import KrogerClient

_local = threading.local()


def _thread_session() -> requests.Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = requests.Session()
    return session


def get_client() -> KrogerClient:
    """A KrogerClient for the configured Kroger (or sandbox) base URL and app credentials."""
    return KrogerClient(
        base_url=settings.KROGER_API_BASE_URL,
        client_id=settings.KROGER_CLIENT_ID,
        client_secret=settings.KROGER_CLIENT_SECRET,
        timeout=settings.KROGER_TIMEOUT_SECONDS,
        max_retries=settings.KROGER_MAX_RETRIES,
        session=_thread_session(),
        cache=cache,
        product_cache_seconds=settings.KROGER_PRODUCT_CACHE_SECONDS,
        location_cache_seconds=settings.KROGER_LOCATION_CACHE_SECONDS,
        daily_limits=getattr(settings, "KROGER_DAILY_LIMITS", None),
    )
