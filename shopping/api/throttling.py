"""Per-user API throttling whose rate is read at request time (DRF's own caches it at import)."""

from rest_framework import throttling
from rest_framework.settings import api_settings


class UserRateThrottle(throttling.UserRateThrottle):
    """DRF's per-user throttle, but `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` changes take effect."""

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
