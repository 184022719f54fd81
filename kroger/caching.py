"""Cache helpers for the client: safe keys, and a process-local fallback cache.

The client takes any object with Django's cache API (get/set/add/incr/delete); the
gateway passes `django.core.cache.cache` so every process shares one app token, one set
of quota counters and one search cache. `MemoryCache` is only the fallback when no cache
is given (scripts, the REPL).
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from typing import Any, Protocol

KEY_PREFIX = "kroger:v1"


class CacheLike(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...
    def set(self, key: str, value: Any, timeout: float | None = ...) -> None: ...
    def add(self, key: str, value: Any, timeout: float | None = ...) -> bool: ...
    def incr(self, key: str, delta: int = 1) -> int: ...
    def delete(self, key: str) -> Any: ...


def cache_key(kind: str, *parts: Any) -> str:
    """A short cache key that is safe on every backend (no spaces, bounded length)."""
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:40]
    return f"{KEY_PREFIX}:{kind}:{digest}"


class MemoryCache:
    """A tiny thread-safe in-process cache with Django's cache API and expiry."""

    def __init__(self) -> None:
        self._data: dict[str, tuple[Any, float | None]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str) -> tuple[Any, float | None] | None:
        entry = self._data.get(key)
        if entry is not None and entry[1] is not None and entry[1] <= time.time():
            del self._data[key]
            return None
        return entry

    def get(self, key: str, default: Any = None) -> Any:
        with self._lock:
            entry = self._live(key)
            return default if entry is None else entry[0]

    def set(self, key: str, value: Any, timeout: float | None = 300) -> None:
        with self._lock:
            self._data[key] = (value, None if timeout is None else time.time() + timeout)

    def add(self, key: str, value: Any, timeout: float | None = 300) -> bool:
        with self._lock:
            if self._live(key) is not None:
                return False
            self._data[key] = (value, None if timeout is None else time.time() + timeout)
            return True

    def incr(self, key: str, delta: int = 1) -> int:
        with self._lock:
            entry = self._live(key)
            if entry is None:
                raise ValueError(f"Key '{key}' not found")
            self._data[key] = (entry[0] + delta, entry[1])
            return entry[0] + delta

    def delete(self, key: str) -> bool:
        with self._lock:
            return self._data.pop(key, None) is not None
