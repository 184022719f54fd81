"""The sandbox's state: codes, tokens, carts, daily counters, faults and drift.

Kept in Django's "sandbox" cache, so several server processes share one sandbox (see below).
Time comes from `time.time()` and every expiry is checked against it (cache timeouts only
tidy up), so `time_machine` can move it, on Redis too.
"""

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.core.cache.backends.base import BaseCache

from kroger.quota import increment

ENDPOINTS = ("token", "profile", "products", "locations", "cart")
# Kroger's public daily limits (kroger-api.md §8.1); the window restarts 24 h after its first call.
DEFAULT_DAILY_LIMITS = {
    "products": 10_000,
    "locations": 1_600,
    "chains": 1_600,
    "departments": 1_600,
    "cart": 5_000,
    "profile": 5_000,
}
CODE_LIFETIME_SECONDS = 300
DAY_SECONDS = 24 * 60 * 60
# A "timeout" fault with no latency of its own waits this long: longer than any client timeout.
DEFAULT_TIMEOUT_MS = 30_000


@dataclass
class Fault:
    latency_ms: int = 0
    error_rate: float = 0.0
    status: int = 500
    rate_limited: bool = False
    timeout: bool = False
    calls: int = 0
    serial: str = ""  # set_fault() gives each setting its own, so setting it again restarts its count


@dataclass
class Grant:
    """What an access token, refresh token or authorization code stands for."""

    client_id: str
    scopes: frozenset[str]
    profile_id: str | None = None
    expires_at: float = 0.0
    redirect_uri: str = ""
    code_challenge: str = ""


# The sandbox's state lives in the "sandbox" cache (settings.CACHES): one shared Redis when
# CACHE_URL=redis://, so every gunicorn worker sees the same codes, tokens, carts and faults;
# a per-process memory cache otherwise (one process: runserver, the tests). Every change is one
# atomic cache operation (add, incr, delete), never read-then-write across processes.
CACHE_ALIAS = "sandbox"
GRANT_TYPES = ("authorization_code", "refresh_token", "client_credentials")
_GENERATION = "generation"
_sleep: list[Callable[[float], None]] = [time.sleep]
# The generation one sandbox request works in (see one_generation()); None outside a request.
_request_generation: ContextVar[int | None] = ContextVar("sandbox_generation", default=None)


def _cache() -> BaseCache:
    from django.core.cache import caches

    return caches[CACHE_ALIAS]


@contextmanager
def one_generation() -> Iterator[None]:
    """Read the generation once for everything inside (a sandbox request), not once per key.

    The generation lives in the shared cache, so every process agrees on it; a reset() made
    elsewhere during the block takes effect from the next request, never halfway through one.
    """
    reset_to = _request_generation.set(_cache().get(_GENERATION, 0))
    try:
        yield
    finally:
        _request_generation.reset(reset_to)


def _keys() -> Callable[..., str]:
    """A key maker for the current generation, read once: for an operation that builds several keys."""
    # reset() moves to a new generation: every older key is then unreachable (and expires).
    generation = _request_generation.get()
    if generation is None:
        generation = _cache().get(_GENERATION, 0)
    return lambda *parts: ":".join(str(part) for part in (generation, *parts))


def _key(*parts: object) -> str:
    return _keys()(*parts)


def _secret_key(kind: str, token: str) -> str:
    # Keys name tokens by digest: the cache never holds a usable token in plaintext.
    return _key(kind, hashlib.sha256(token.encode()).hexdigest())


def _incr(key: str, delta: int = 1) -> int:
    """Atomically add `delta` to a sandbox counter (created at 0, kept until reset)."""
    return increment(_cache(), key, timeout=None, delta=delta)


def _take(key: str) -> object | None:
    """Read and delete a value; of several concurrent takers only one gets it (delete says who)."""
    cache = _cache()
    value = cache.get(key)
    if value is None or not cache.delete(key):
        return None
    return value


def reset() -> None:
    """Forget every code, token, cart, counter, fault and drift setting (tests call this)."""
    generation = _incr(_GENERATION)
    if _request_generation.get() is not None:
        _request_generation.set(generation)  # a reset inside a request applies to the rest of it
    _sleep[0] = time.sleep


# --- OAuth ------------------------------------------------------------------------------


def _random_token(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).rstrip(b"=").decode()


def _until(expires_at: float) -> int:
    """A cache timeout a little past `expires_at` (the expiry itself is checked against time.time())."""
    return max(1, int(expires_at - time.time())) + 60


def issue_code(grant: Grant) -> str:
    """Store an authorization code for `grant`; it lives five minutes and works once."""
    code = _random_token(24)
    grant.expires_at = time.time() + CODE_LIFETIME_SECONDS
    _cache().set(_secret_key("code", code), grant, timeout=_until(grant.expires_at))
    return code


def take_code(code: str) -> Grant | None:
    """Consume a code: a second call (in any process), or a call after expiry, gets None."""
    grant = _take(_secret_key("code", code))
    if grant is None or grant.expires_at < time.time():
        return None
    return grant


def issue_access_token(
    *, client_id: str, scopes: frozenset[str], profile_id: str | None, lifetime: int
) -> str:
    """Mint a JWT-looking access token (RS256-style header, Kroger-like claims, fake signature)."""
    now = int(time.time())
    header = {"alg": "RS256", "jku": "https://api.kroger.com/v1/.well-known/jwks.json", "kid": "sandbox"}
    claims = {
        "aud": client_id,
        "exp": now + lifetime,
        "iat": now,
        "iss": "api.kroger.com",
        "sub": profile_id or client_id,
        "scope": " ".join(sorted(scopes)),
        "authAt": time.time_ns(),
        "jti": _random_token(9),
    }
    token = f"{_b64({**header, 'typ': 'JWT'})}.{_b64(claims)}.{_random_token(32)}"
    grant = Grant(client_id=client_id, scopes=scopes, profile_id=profile_id, expires_at=now + lifetime)
    _cache().set(_secret_key("access", token), grant, timeout=_until(grant.expires_at))
    return token


def issue_refresh_token(*, client_id: str, scopes: frozenset[str], profile_id: str) -> str:
    """Store a single-use refresh token for a shopper's grant."""
    token = _random_token(24)
    grant = Grant(client_id=client_id, scopes=scopes, profile_id=profile_id)
    _cache().set(_secret_key("refresh", token), grant, timeout=None)
    return token


def take_refresh_token(token: str, *, client_id: str) -> Grant | None:
    """Consume a refresh token (rotation: each one works exactly once, for its own client)."""
    key = _secret_key("refresh", token)
    grant = _cache().get(key)
    if grant is None or grant.client_id != client_id:
        return None
    return _take(key)


def find_access_token(token: str) -> Grant | None:
    """The grant behind a live access token, or None when unknown or expired."""
    grant = _cache().get(_secret_key("access", token))
    if grant is None or grant.expires_at <= time.time():
        return None
    return grant


def record_grant(grant_type: str) -> None:
    """Count one successful token response of this grant type."""
    _incr(_key("grants", grant_type))


def grants_issued() -> dict[str, int]:
    """How many tokens each grant type has issued since reset() (e.g. "exactly one refresh")."""
    key = _keys()
    counts = _cache().get_many([key("grants", kind) for kind in GRANT_TYPES])
    return {kind: counts[key("grants", kind)] for kind in GRANT_TYPES if counts.get(key("grants", kind))}


def pkce_challenge(verifier: str) -> str:
    """S256: base64url(sha256(verifier)) without padding (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


# --- Carts ------------------------------------------------------------------------------
# A cart is one counter per (UPC, modality) line, so concurrent adds accumulate with incr,
# plus a numbered index of lines in the order they were first added.


def add_to_cart(profile_id: str, items: list[dict]) -> None:
    """Add items; quantities accumulate for the same UPC and modality."""
    cache, key = _cache(), _keys()
    for item in items:
        line = (item["upc"], item["modality"])
        quantity_key = key("cart", profile_id, "line", *line)
        if cache.add(quantity_key, 0, timeout=None):  # the first add of this line numbers it
            position = _incr(key("cart", profile_id, "lines"))
            cache.set(key("cart", profile_id, "at", position), line, timeout=None)
        _incr(quantity_key, item["quantity"])


def cart_for(profile_id: str) -> list[dict]:
    """One shopper's cart: [{"upc", "quantity", "modality"}, ...] in order added."""
    cache, key = _cache(), _keys()
    count = cache.get(key("cart", profile_id, "lines"), 0)
    at = cache.get_many([key("cart", profile_id, "at", n) for n in range(1, count + 1)])
    lines = [at[k] for k in sorted(at, key=lambda k: int(k.rsplit(":", 1)[1]))]
    quantities = cache.get_many([key("cart", profile_id, "line", *line) for line in lines])
    cart = []
    for upc, modality in lines:
        quantity = quantities.get(key("cart", profile_id, "line", upc, modality))
        if quantity:
            cart.append({"upc": upc, "quantity": quantity, "modality": modality})
    return cart


# --- Daily limits -----------------------------------------------------------------------


def _window_start(endpoint: str) -> float:
    """When the endpoint's current daily window began (the first call starts one)."""
    cache, key = _cache(), _keys()
    start_key, now = key("usage", endpoint, "start"), time.time()
    cache.add(start_key, now, timeout=None)
    start = cache.get(start_key, now)
    if now - start >= DAY_SECONDS:
        # The window is over: of every process that notices, the first to add names the next one.
        cache.add(key("usage", endpoint, "after", start), now, timeout=DAY_SECONDS)
        start = cache.get(key("usage", endpoint, "after", start), now)
        cache.set(start_key, start, timeout=None)
    return start


def count_call(endpoint: str) -> bool:
    """Count one call against the endpoint's daily limit; False once the limit is used up."""
    key = _keys()
    limit = _cache().get(key("limit", endpoint), DEFAULT_DAILY_LIMITS.get(endpoint))
    if limit is None:
        return True
    start = _window_start(endpoint)
    return _incr(key("usage", endpoint, start)) <= limit


def seconds_until_reset(endpoint: str) -> int:
    """Seconds until the endpoint's daily window restarts (for Retry-After)."""
    return max(1, int(_window_start(endpoint) + DAY_SECONDS - time.time()))


def set_daily_limit(endpoint: str, limit: int) -> None:
    """Lower (or raise) one endpoint's daily limit, so tests can reach it in a few calls."""
    _cache().set(_key("limit", endpoint), int(limit), timeout=None)


# --- Faults and drift -------------------------------------------------------------------


def set_fault(
    endpoint: str,
    *,
    latency_ms: int = 0,
    error_rate: float = 0.0,
    status: int = 500,
    rate_limited: bool = False,
    timeout: bool = False,
) -> None:
    """Make one endpoint slow, flaky, rate limited or hanging until `clear_faults()`.

    error_rate is deterministic: with rate r, call n fails when floor(n*r) > floor((n-1)*r),
    so 0.5 fails every 2nd call and 1.0 every call. `timeout` processes the request, then
    waits latency_ms (30 s if 0) and answers 504: the caller's own timeout decides. With
    `timeout`, error_rate picks the calls that hang instead of the ones that answer 5xx (0: all
    hang). Tests should fake timeouts with `responses` (or `set_sleep`); benchmarks use latency.
    """
    if endpoint not in ENDPOINTS:
        raise ValueError(f"Unknown endpoint {endpoint!r}; expected one of {', '.join(ENDPOINTS)}")
    if not 0.0 <= error_rate <= 1.0:
        raise ValueError("error_rate must be between 0 and 1")
    fault = Fault(
        int(latency_ms), float(error_rate), int(status), rate_limited, timeout, serial=_random_token(6)
    )
    _cache().set(_key("fault", endpoint), fault, timeout=None)


def clear_faults() -> None:
    """Remove every injected fault."""
    key = _keys()
    _cache().delete_many([key("fault", endpoint) for endpoint in ENDPOINTS])


def list_faults() -> dict[str, dict]:
    """The faults in force, by endpoint."""
    key = _keys()
    stored = _cache().get_many([key("fault", endpoint) for endpoint in ENDPOINTS])
    return {
        endpoint: {name: value for name, value in vars(fault).items() if name not in ("calls", "serial")}
        for endpoint in ENDPOINTS
        if (fault := stored.get(key("fault", endpoint))) is not None
    }


def get_fault(endpoint: str) -> Fault | None:
    """The fault set for an endpoint, if any (read it once per call and pass it to should_fail)."""
    return _cache().get(_key("fault", endpoint))


def should_fail(endpoint: str, fault: Fault | None) -> bool:
    """Advance the endpoint's deterministic error sequence under `fault` (this call's reading of
    get_fault()); True when this call must fail."""
    if fault is None or fault.error_rate <= 0:
        return False
    fault.calls = _incr(_key("fault", endpoint, fault.serial, "calls"))  # shared by every process
    return int(fault.calls * fault.error_rate) > int((fault.calls - 1) * fault.error_rate)


def set_sleep(sleep: Callable[[float], None]) -> None:
    """Replace the function used for injected latency (tests pass a recorder; this process only)."""
    _sleep[0] = sleep


def sleep(seconds: float) -> None:
    """Wait for injected latency (through the replaceable sleep function)."""
    _sleep[0](seconds)


def set_drift(enabled: bool = True) -> None:
    """Emit real-world drift: lower-case fulfillment keys, `default` images, unwrapped 400s."""
    _cache().set(_key("drift"), bool(enabled), timeout=None)


def drift() -> bool:
    """Whether drift mode is on."""
    return bool(_cache().get(_key("drift"), False))
