"""The site's own client-credentials token (product.compact), shared by every process.

Kroger issues it for the app, not for a shopper, so one token serves the whole cluster
through the shared cache: whoever takes the cache lock fetches it, the others wait for that
fetch instead of asking Kroger too, and it is kept until shortly before Kroger expires it.
Reference: Kroger "Authorization Endpoints" OAuth2 token (client_credentials); kroger-api.md §3.3.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests

from .caching import CacheLike, cache_key
from .errors import KrogerAuthError, KrogerBadRequest, KrogerSlow
from .http import current_budget, json_body, parse_or_unavailable
from .schemas import TokenGrant

TOKEN_PATH = "/v1/connect/oauth2/token"
APP_SCOPE = "product.compact"
# Refresh the shared app token this long before Kroger expires it (kroger-api.md §9 item 15).
APP_TOKEN_EARLY_SECONDS = 60
# How often a process waiting for another's app-token fetch looks for the token.
APP_TOKEN_POLL_SECONDS = 0.05


class SharedAppToken:
    """The app token of one Kroger base URL and client id, cached and fetched once per cluster.

    `request` is the client's HTTP seam (`KrogerClient._request`), so the token call gets the
    same timeout, retries, quota accounting and error mapping as every other call. The wait
    for another process's fetch uses the client's `sleep` and `clock`.
    """

    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        cache: CacheLike,
        request: Callable[..., requests.Response],
        lock_seconds: float,
        sleep: Callable[[float], Any],
        clock: Callable[[], float],
    ):
        self._base_url = base_url
        self._client_id = client_id
        self._client_secret = client_secret
        self._cache = cache
        self._request = request
        self._lock_seconds = lock_seconds
        self._sleep = sleep
        self._clock = clock

    def get(self) -> str:
        """The token, from the cache, from another process's fetch, or fetched from Kroger."""
        key = self._key()
        token = self._cache.get(key)
        if token:
            return token
        # One fetch per cluster: whoever takes the lock asks Kroger, the others wait for its token.
        lock = f"{key}:lock"
        # The wait ends by the client's own clock (not by counting polls), so a test's no-op sleep
        # only makes it poll faster; a test that fakes the clock advances it in its sleep.
        give_up_at = self._clock() + self._lock_seconds
        while self._clock() < give_up_at:
            if self._cache.add(lock, 1, timeout=self._lock_seconds):
                try:
                    return self._cache.get(key) or self._fetch(key)
                finally:
                    self._cache.delete(lock)
            if (budget := current_budget()) is not None and not budget.allows_wait(APP_TOKEN_POLL_SECONDS):
                raise KrogerSlow()
            self._sleep(APP_TOKEN_POLL_SECONDS)
            token = self._cache.get(key)
            if token:
                return token
        # The lock holder vanished without a token: fetch one ourselves rather than fail.
        return self._fetch(key)

    def forget(self) -> None:
        """Drop the cached token (Kroger answered 401 to it), so the next `get()` fetches a new one."""
        self._cache.delete(self._key())

    def _fetch(self, key: str) -> str:
        grant = self._grant({"grant_type": "client_credentials", "scope": APP_SCOPE})
        seconds = grant.expires_in - APP_TOKEN_EARLY_SECONDS
        if seconds > 0:
            self._cache.set(key, grant.access_token, timeout=seconds)
        return grant.access_token

    # The shopper's grants (authorization code, refresh) go through accounts.backends, which
    # python-social-auth drives; the client only needs the app's own client-credentials grant.

    def _grant(self, form: dict[str, str]) -> TokenGrant:
        try:
            response = self._request(
                "POST", TOKEN_PATH, group="auth", data=form, auth=(self._client_id, self._client_secret)
            )
        except (KrogerBadRequest, KrogerAuthError) as exc:
            # A 400/401 for the app grant means our own credentials are wrong, which a shopper cannot fix.
            raise KrogerAuthError(
                "Kroger is not accepting this site's credentials right now.", status=exc.status
            ) from exc
        return parse_or_unavailable(TokenGrant.from_api, json_body(response))

    def _key(self) -> str:
        return cache_key("app-token", self._base_url, self._client_id)
