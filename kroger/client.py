"""KrogerClient: one public method per Kroger Public API endpoint, one `_request()` seam.

Every call gets a timeout, `Accept: application/json`, bounded retries with backoff and
jitter (connection errors, timeouts, 5xx, 429 with Retry-After), our own daily quota
guard, and error mapping into `kroger.errors`. Results are parsed at the edge into
`kroger.schemas`. Reference for every fact used here: /work/shared/docs/kroger-api.md.
No Django imports: `kroger.gateway.get_client()` builds one from settings.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

import requests

from .app_token import APP_TOKEN_POLL_SECONDS as APP_TOKEN_POLL_SECONDS  # still importable from here
from .app_token import SharedAppToken
from .caching import CacheLike, MemoryCache, cache_key
from .errors import (
    KrogerAuthError,
    KrogerBadRequest,
    KrogerCartOutcomeUnknown,
    KrogerNotFound,
    KrogerSlow,
    KrogerUnavailable,
)
from .http import (
    MAX_RETRY_AFTER_SECONDS,
    RETRYABLE_EXCEPTIONS,
    RETRYABLE_STATUSES,
    backoff_seconds,
    current_budget,
    data_of,
    error_for_response,
    json_body,
    log_call,
    parse_or_unavailable,
    was_not_sent,
)
from .quota import QuotaGuard, ShopperBudget
from .schemas import (
    CartItem,
    Location,
    PayloadError,
    Product,
    ProductPage,
    Profile,
    page_limited,
)

PRODUCT_BATCH_SIZE = 50
# Kroger's search sometimes fails with 5xx for large pages (PRODUCT-4011, issue 11; not in
# kroger-api.md): such a search is retried once at this size, never at its own.
SAFE_SEARCH_LIMIT = 10


def _join(value: str | Iterable[str] | None, separator: str) -> str | None:
    if value is None or isinstance(value, str):
        return value or None
    return separator.join(v for v in value if v) or None


class KrogerClient:
    """Typed wrapper around the Kroger Public API v1. Raises kroger.errors.* on failure."""

    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        timeout: float = 8.0,
        max_retries: int = 2,
        session: requests.Session | None = None,
        cache: CacheLike | None = None,
        sleep: Callable[[float], Any] = time.sleep,
        product_cache_seconds: int = 900,
        location_cache_seconds: int = 86400,
        daily_limits: dict[str, int] | None = None,
        jitter: Callable[[], float] = random.random,
        budget: ShopperBudget | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._base_url = base_url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret
        self._timeout = timeout
        self._max_retries = max(0, int(max_retries))
        self._session = session or requests.Session()
        self._cache = cache if cache is not None else MemoryCache()
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._product_seconds = product_cache_seconds
        self._location_seconds = location_cache_seconds
        self._quota = QuotaGuard(self._cache, daily_limits, budget=budget)

    def __repr__(self) -> str:
        return f"KrogerClient(base_url={self._base_url!r})"

    # --- OAuth2 ---------------------------------------------------------------------------

    def get_app_token(self) -> str:
        """The shared client-credentials token (product.compact), cached until shortly before expiry."""
        return self._shared_app_token().get()

    def _shared_app_token(self) -> SharedAppToken:
        return SharedAppToken(
            base_url=self._base_url,
            client_id=self._client_id,
            client_secret=self._client_secret,
            cache=self._cache,
            request=self._request,
            # The holder's longest possible fetch (every attempt timing out), and some slack.
            lock_seconds=self._timeout * (self._max_retries + 1) + 5,
            sleep=self._sleep,
            clock=self._clock,
        )

    # --- Identity -------------------------------------------------------------------------

    def get_profile(self, *, token: str) -> Profile:
        """The signed-in shopper's Kroger profile id (needs profile.compact)."""
        # Reference: Kroger "Identity API" GET /v1/identity/profile; kroger-api.md §4
        body = json_body(self._request("GET", "/v1/identity/profile", group="identity", token=token))
        return parse_or_unavailable(Profile.from_api, data_of(body, dict))

    # --- Products -------------------------------------------------------------------------

    def search_products(
        self,
        *,
        term: str | None = None,
        location_id: str | None = None,
        brand: str | Iterable[str] | None = None,
        fulfillment: str | Iterable[str] | None = None,
        start: int = 0,
        limit: int = 10,
    ) -> ProductPage:
        """One page of a product search; prices, stock and aisle need `location_id`."""
        # Reference: Kroger "Products API" GET /v1/products; kroger-api.md §5.1, §9 items 5-9
        brand, fulfillment = _join(brand, "|"), _join(fulfillment, ",")
        params = {
            "filter.term": term or None,
            "filter.locationId": location_id or None,
            "filter.brand": brand,
            "filter.fulfillment": fulfillment,
            # The spec says start is 1-250 while responses report 0: only send a real offset.
            "filter.start": start or None,
            "filter.limit": limit,
        }
        search = (term, location_id, brand, fulfillment, start)
        key = cache_key("search", *search, limit)
        body = self._cache.get(key)
        if body is None:
            big = limit > SAFE_SEARCH_LIMIT
            try:
                body = self._product_search(params, retry_5xx=not big)
            except KrogerUnavailable as exc:
                if not big or exc.status is None or exc.status < 500:
                    raise
                # Kroger's 5xx on a big page is often about its size (PRODUCT-4011, issue 11), so
                # asking again at that size would likely fail the same way and spend the daily quota:
                # one attempt at a small page is the only retry. Its answer is kept for the search
                # asked for (and for the small one) and says it is a page of 10, so callers page on.
                small = {**params, "filter.limit": SAFE_SEARCH_LIMIT}
                body = page_limited(self._product_search(small, retries=0), SAFE_SEARCH_LIMIT)
                self._cache.set(cache_key("search", *search, SAFE_SEARCH_LIMIT), body, self._product_seconds)
            self._cache.set(key, body, timeout=self._product_seconds)
        return parse_or_unavailable(lambda b: ProductPage.from_api(b, start=start, limit=limit), body)

    def _product_search(self, params: dict[str, Any], **retrying: Any) -> dict:
        body = json_body(
            self._app_request("GET", "/v1/products", group="products", params=params, **retrying)
        )
        data_of(body, list)
        return body

    def get_product(self, product_id: str, *, location_id: str | None = None) -> Product:
        """One product by its 13-digit id. Raises KrogerNotFound if Kroger does not know it."""
        # Reference: Kroger "Products API" GET /v1/products/{id}; kroger-api.md §5.2
        key = cache_key("product", product_id, location_id)
        data = self._cache.get(key)
        if data is None:
            path = f"/v1/products/{quote(str(product_id), safe='')}"
            params = {"filter.locationId": location_id or None}
            body = json_body(self._app_request("GET", path, group="products", params=params))
            data = data_of(body, dict)
            self._cache.set(key, data, timeout=self._product_seconds)
        return parse_or_unavailable(Product.from_api, data)

    def get_products(self, product_ids: Iterable[str], *, location_id: str | None = None) -> list[Product]:
        """Several products by id, in the order asked, fetched in batches of 50; unknown ids are left out."""
        # Reference: Kroger "Products API" GET /v1/products?filter.productId=; kroger-api.md §9 item 5
        wanted = list(dict.fromkeys(str(pid) for pid in product_ids if pid))
        found: dict[str, dict] = {}
        missing = []
        for product_id in wanted:
            data = self._cache.get(cache_key("product", product_id, location_id))
            if data is None:
                missing.append(product_id)
            else:
                found[product_id] = data
        for first in range(0, len(missing), PRODUCT_BATCH_SIZE):
            batch = missing[first : first + PRODUCT_BATCH_SIZE]
            params = {
                "filter.productId": ",".join(batch),
                # The batch is still capped by filter.limit (default 10), so send its size.
                "filter.limit": len(batch),
                "filter.locationId": location_id or None,
            }
            body = json_body(self._app_request("GET", "/v1/products", group="products", params=params))
            for data in data_of(body, list):
                if not isinstance(data, dict):
                    continue
                product_id = str(data.get("productId") or data.get("upc") or "")
                if product_id in batch:
                    found[product_id] = data
                    self._cache.set(
                        cache_key("product", product_id, location_id), data, self._product_seconds
                    )
        return [parse_or_unavailable(Product.from_api, found[pid]) for pid in wanted if pid in found]

    # --- Locations ------------------------------------------------------------------------

    def search_locations(
        self, *, zip_code: str, radius_miles: int = 10, limit: int = 10, chain: str | None = None
    ) -> list[Location]:
        """Stores near a ZIP code, nearest first."""
        # Reference: Kroger "Locations API" GET /v1/locations; kroger-api.md §6.1, §9 item 19
        key = cache_key("locations", zip_code, radius_miles, limit, chain)
        data = self._cache.get(key)
        if data is None:
            params = {
                "filter.zipCode.near": zip_code,
                "filter.radiusInMiles": radius_miles,
                "filter.limit": limit,
                "filter.chain": chain or None,
            }
            body = json_body(self._app_request("GET", "/v1/locations", group="locations", params=params))
            data = data_of(body, list)
            self._cache.set(key, data, timeout=self._location_seconds)
            for location in data:
                if isinstance(location, dict) and location.get("locationId"):
                    location_key = cache_key("location", str(location["locationId"]))
                    self._cache.set(location_key, location, timeout=self._location_seconds)
        locations = []
        for location in data:
            try:
                locations.append(Location.from_api(location))
            except PayloadError:
                continue  # one odd store should not hide the others
        return locations

    def get_location(self, location_id: str) -> Location:
        """One store by its 8-character id. Raises KrogerNotFound if there is no such store."""
        # Reference: Kroger "Locations API" GET /v1/locations/{locationId}; kroger-api.md §6.2
        key = cache_key("location", str(location_id))
        data = self._cache.get(key)
        if data is None:
            path = f"/v1/locations/{quote(str(location_id), safe='')}"
            data = data_of(json_body(self._app_request("GET", path, group="locations")), dict)
            self._cache.set(key, data, timeout=self._location_seconds)
        return parse_or_unavailable(Location.from_api, data)

    def location_exists(self, location_id: str) -> bool:
        """Whether a store id exists (HEAD: 204 yes; 404 or a malformed id no)."""
        # Reference: Kroger "Locations API" HEAD /v1/locations/{locationId}; kroger-api.md §6.2
        key = cache_key("location-exists", str(location_id))
        if self._cache.get(key) or self._cache.get(cache_key("location", str(location_id))) is not None:
            return True
        try:
            self._app_request("HEAD", f"/v1/locations/{quote(str(location_id), safe='')}", group="locations")
        except (KrogerNotFound, KrogerBadRequest):
            return False  # 400 means the id is not even well-formed (not 8 characters)
        self._cache.set(key, True, timeout=self._location_seconds)
        return True

    # --- Cart -----------------------------------------------------------------------------

    def add_to_cart(
        self, *, token: str, items: Iterable[CartItem | dict], retry_unknown: bool = False
    ) -> None:
        """Add items to the shopper's cart (204). Raises KrogerCartOutcomeUnknown if Kroger never answered.

        `retry_unknown=True` is the caller's say-so to retry even when Kroger may already have
        added the items (a duplicate add is then the caller's accepted risk).
        """
        # Reference: Kroger "Cart API" PUT /v1/cart/add (204, no body); kroger-api.md §7.1, §9 item 17
        cart_items = [item if isinstance(item, CartItem) else CartItem(**item) for item in items]
        if not cart_items:
            raise KrogerBadRequest("There is nothing to add to the cart.")
        body = {"items": [item.to_api() for item in cart_items]}
        # The cart has no idempotency key and no read: a retry after an unknown outcome could add twice.
        self._request(
            "PUT", "/v1/cart/add", group="cart", token=token, json=body, outcome_matters=not retry_unknown
        )

    # --- Accounting and diagnostics -------------------------------------------------------

    def usage_today(self) -> dict[str, int]:
        """Kroger calls made today per endpoint group (shared across processes via the cache)."""
        return self._quota.usage_today()

    def fetch_raw(self, path: str, *, params: dict[str, Any] | None = None) -> dict:
        """Raw JSON of an app-token GET (for the `kroger_smoke` key diff; not for app code)."""
        group = "locations" if path.startswith("/v1/locations") else "products"
        return json_body(self._app_request("GET", path, group=group, params=params))

    # --- The seam -------------------------------------------------------------------------

    def _app_request(
        self, method: str, path: str, *, group: str, params: dict | None = None, **retrying: Any
    ) -> requests.Response:
        """A call with the shared app token; a 401 drops the cached token and retries once with a new one.

        `retrying` is passed on to `_request()` (`retries`, `retry_5xx`)."""
        token = self.get_app_token()
        try:
            return self._request(method, path, group=group, token=token, params=params, **retrying)
        except KrogerAuthError as exc:
            if exc.status != 401:
                raise
        self._shared_app_token().forget()
        return self._request(method, path, group=group, token=self.get_app_token(), params=params, **retrying)

    def _request(
        self,
        method: str,
        path: str,
        *,
        group: str,
        token: str | None = None,
        params: dict[str, Any] | None = None,
        data: dict[str, str] | None = None,
        json: Any = None,
        auth: tuple[str, str] | None = None,
        outcome_matters: bool = False,
        retries: int | None = None,
        retry_5xx: bool = True,
    ) -> requests.Response:
        """Send one logical request (with bounded retries); return the 2xx response or raise.

        `outcome_matters` marks a call that must not be repeated once Kroger may have acted
        on it (the cart add): it is only retried when it certainly never left, or on 429.
        `retries` overrides the client's max_retries for this call (0: a single attempt);
        `retry_5xx=False` raises a 5xx at once, still retrying connection errors and 429.
        """
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if params:
            params = {k: v for k, v in params.items() if v is not None}
        attempts = (self._max_retries if retries is None else retries) + 1
        # Inside a time budget every attempt and backoff draws on one deadline (kroger.http.TimeBudget).
        budget = current_budget()
        for attempt in range(attempts):
            last = attempt == attempts - 1
            timeout = budget.timeout(self._timeout) if budget is not None else self._timeout
            self._quota.spend(group)
            started = time.monotonic()
            try:
                response = self._session.request(
                    method,
                    self._base_url + path,
                    params=params,
                    data=data,
                    json=json,
                    headers=headers,
                    auth=auth,
                    timeout=timeout,
                    allow_redirects=False,
                )
            except requests.RequestException as exc:
                log_call(method, path, type(exc).__name__, time.monotonic() - started, attempt + 1)
                if not isinstance(exc, RETRYABLE_EXCEPTIONS):
                    raise KrogerUnavailable() from exc
                if outcome_matters and not was_not_sent(exc):
                    raise KrogerCartOutcomeUnknown() from exc
                wait = backoff_seconds(attempt, self._jitter)
                if budget is not None and not budget.allows_wait(wait):
                    raise KrogerSlow() from exc
                if last:
                    raise KrogerUnavailable() from exc
                self._sleep(wait)
                continue
            status = response.status_code
            log_call(method, path, status, time.monotonic() - started, attempt + 1)
            if 200 <= status < 300:
                return response
            error = error_for_response(response)
            if status in RETRYABLE_STATUSES and (retry_5xx or status < 500):
                if outcome_matters and status >= 500:
                    raise KrogerCartOutcomeUnknown(status=status)
                retry_after = error.retry_after if status == 429 else None
                if retry_after is not None and retry_after > MAX_RETRY_AFTER_SECONDS:
                    raise error
                wait = retry_after if retry_after is not None else backoff_seconds(attempt, self._jitter)
                if not last and (budget is None or budget.allows_wait(wait)):
                    self._sleep(wait)
                    continue
            raise error
        raise AssertionError("unreachable")  # pragma: no cover
