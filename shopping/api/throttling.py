"""API throttles: rates read at request time, counted atomically in the shared cache.

DRF's own throttles keep a list of request times and write it back (read, then write), so two
processes racing on one user both pass. These count with one atomic `incr` per request in a
fixed window (`cache.add` creates the window's counter), so the limit holds across every process
that shares the cache (Redis in production).
"""

from rest_framework import throttling
from rest_framework.settings import api_settings

from kroger.quota import increment


class AtomicWindowMixin:
    """A fixed-window counter in place of SimpleRateThrottle's request history."""

    def get_rate(self):
        # Read at request time: DRF's own copy of the rates is frozen at import.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view):
        if getattr(self, "rate", None) is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        now = self.timer()
        window = int(now // self.duration)
        count = increment(self.cache, f"{self.key}:{window}", timeout=self.duration * 2)
        self._wait = max(1.0, (window + 1) * self.duration - now)
        return count <= self.num_requests

    def wait(self):
        return getattr(self, "_wait", None)


class UserRateThrottle(AtomicWindowMixin, throttling.UserRateThrottle):
    """Per user (per client address when anonymous), `API_THROTTLE_RATE`."""


class ScopedRateThrottle(AtomicWindowMixin, throttling.ScopedRateThrottle):
    """Per user and the view's `throttle_scope`."""

    def allow_request(self, request, view):
        # DRF's scoped throttle learns its scope (and so its rate) from the view, here.
        self.scope = getattr(view, self.scope_attr, None)
        if not self.scope:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
