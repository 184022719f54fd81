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
from collections.abc import Callable
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


def _cache() -> BaseCache:
    from django.core.cache import caches

    return caches[CACHE_ALIAS]


def _key(*parts: object) -> str:
    # reset() moves to a new generation: every older key is then unreachable (and expires).
    generation = _cache().get(_GENERATION, 0)
    return ":".join(str(part) for part in (generation, *parts))


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
    _incr(_GENERATION)
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
    counts = _cache().get_many([_key("grants", kind) for kind in GRANT_TYPES])
    return {kind: counts[_key("grants", kind)] for kind in GRANT_TYPES if counts.get(_key("grants", kind))}


def pkce_challenge(verifier: str) -> str:
    """S256: base64url(sha256(verifier)) without padding (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


# --- Carts ------------------------------------------------------------------------------
# A cart is one counter per (UPC, modality) line, so concurrent adds accumulate with incr,
# plus a numbered index of lines in the order they were first added.


def add_to_cart(profile_id: str, items: list[dict]) -> None:
    """Add items; quantities accumulate for the same UPC and modality."""
    cache = _cache()
    for item in items:
        line = (item["upc"], item["modality"])
        quantity_key = _key("cart", profile_id, "line", *line)
        if cache.add(quantity_key, 0, timeout=None):  # the first add of this line numbers it
            position = _incr(_key("cart", profile_id, "lines"))
            cache.set(_key("cart", profile_id, "at", position), line, timeout=None)
        _incr(quantity_key, item["quantity"])


def cart_for(profile_id: str) -> list[dict]:
    """One shopper's cart: [{"upc", "quantity", "modality"}, ...] in order added."""
    cache = _cache()
    count = cache.get(_key("cart", profile_id, "lines"), 0)
    at = cache.get_many([_key("cart", profile_id, "at", n) for n in range(1, count + 1)])
    lines = [at[key] for key in sorted(at, key=lambda key: int(key.rsplit(":", 1)[1]))]
    quantities = cache.get_many([_key("cart", profile_id, "line", *line) for line in lines])
    cart = []
    for upc, modality in lines:
        quantity = quantities.get(_key("cart", profile_id, "line", upc, modality))
        if quantity:
            cart.append({"upc": upc, "quantity": quantity, "modality": modality})
    return cart


# --- Daily limits -----------------------------------------------------------------------


def _window_start(endpoint: str) -> float:
    """When the endpoint's current daily window began (the first call starts one)."""
    cache, key = _cache(), _key("usage", endpoint, "start")
    now = time.time()
    cache.add(key, now, timeout=None)
    start = cache.get(key, now)
    if now - start >= DAY_SECONDS:
        # The window is over: of every process that notices, the first to add names the next one.
        cache.add(_key("usage", endpoint, "after", start), now, timeout=DAY_SECONDS)
        start = cache.get(_key("usage", endpoint, "after", start), now)
        cache.set(key, start, timeout=None)
    return start


def count_call(endpoint: str) -> bool:
    """Count one call against the endpoint's daily limit; False once the limit is used up."""
    limit = _cache().get(_key("limit", endpoint), DEFAULT_DAILY_LIMITS.get(endpoint))
    if limit is None:
        return True
    start = _window_start(endpoint)
    return _incr(_key("usage", endpoint, start)) <= limit


def seconds_until_reset(endpoint: str) -> int:
    """Seconds until the endpoint's daily window restarts (for Retry-After)."""
    return max(1, int(_window_start(endpoint) + DAY_SECONDS - time.time()))


def set_daily_limit(endpoint: str, limit: int) -> None:
    """Lower (or raise) one endpoint's daily limit, so tests can reach it in a few calls."""
    _cache().set(_key("limit", endpoint), int(limit), timeout=None)


# --- Faults and drift -------------------------------------------------------------------
# A fault is stored with a serial of its own, so setting it again restarts its call count.


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
    fault = Fault(int(latency_ms), float(error_rate), int(status), rate_limited, timeout)
    _cache().set(_key("fault", endpoint), (_random_token(6), fault), timeout=None)


def clear_faults() -> None:
    """Remove every injected fault."""
    _cache().delete_many([_key("fault", endpoint) for endpoint in ENDPOINTS])


def _faults() -> dict[str, tuple[str, Fault]]:
    stored = _cache().get_many([_key("fault", endpoint) for endpoint in ENDPOINTS])
    return {
        endpoint: stored[_key("fault", endpoint)]
        for endpoint in ENDPOINTS
        if _key("fault", endpoint) in stored
    }


def list_faults() -> dict[str, dict]:
    """The faults in force, by endpoint."""
    return {
        name: {key: value for key, value in vars(fault).items() if key != "calls"}
        for name, (_, fault) in _faults().items()
    }


def get_fault(endpoint: str) -> Fault | None:
    """The fault set for an endpoint, if any."""
    stored = _cache().get(_key("fault", endpoint))
    return None if stored is None else stored[1]


def should_fail(endpoint: str) -> bool:
    """Advance the endpoint's deterministic error sequence; True when this call must fail."""
    stored = _cache().get(_key("fault", endpoint))
    if stored is None or stored[1].error_rate <= 0:
        return False
    serial, fault = stored
    fault.calls = _incr(_key("fault", endpoint, serial, "calls"))  # shared by every process
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
