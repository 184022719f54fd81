"""The sandbox's in-memory state: codes, tokens, carts, daily counters, faults and drift.

Module-level dicts behind one lock (the dev and live servers are threaded). No Django
imports, so tests and benchmarks can import this without the sandbox app installed.
Time comes from `time.time()`, so `time_machine` can move it.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

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


_lock = threading.Lock()
_codes: dict[str, Grant] = {}
_access_tokens: dict[str, Grant] = {}
_refresh_tokens: dict[str, Grant] = {}
_carts: dict[str, list[dict]] = {}
_usage: dict[str, tuple[float, int]] = {}  # endpoint -> (window start, calls)
_daily_limits: dict[str, int] = dict(DEFAULT_DAILY_LIMITS)
_faults: dict[str, Fault] = {}
_state = {"drift": False}
_grants_issued: dict[str, int] = {}  # grant_type -> successful token responses
_sleep: list[Callable[[float], None]] = [time.sleep]


def reset() -> None:
    """Forget every code, token, cart, counter, fault and drift setting (tests call this)."""
    with _lock:
        for table in (_codes, _access_tokens, _refresh_tokens, _carts, _usage, _faults, _grants_issued):
            table.clear()
        _daily_limits.clear()
        _daily_limits.update(DEFAULT_DAILY_LIMITS)
        _state["drift"] = False
        _sleep[0] = time.sleep


# --- OAuth ------------------------------------------------------------------------------


def _random_token(nbytes: int = 24) -> str:
    return secrets.token_urlsafe(nbytes)


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).rstrip(b"=").decode()


def issue_code(grant: Grant) -> str:
    """Store an authorization code for `grant`; it lives five minutes and works once."""
    code = _random_token(24)
    grant.expires_at = time.time() + CODE_LIFETIME_SECONDS
    with _lock:
        _codes[code] = grant
    return code


def take_code(code: str) -> Grant | None:
    """Consume a code: a second call, or a call after expiry, gets None."""
    with _lock:
        grant = _codes.pop(code, None)
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
    with _lock:
        _access_tokens[token] = grant
    return token


def issue_refresh_token(*, client_id: str, scopes: frozenset[str], profile_id: str) -> str:
    """Store a single-use refresh token for a shopper's grant."""
    token = _random_token(24)
    with _lock:
        _refresh_tokens[token] = Grant(client_id=client_id, scopes=scopes, profile_id=profile_id)
    return token


def take_refresh_token(token: str, *, client_id: str) -> Grant | None:
    """Consume a refresh token (rotation: each one works exactly once, for its own client)."""
    with _lock:
        grant = _refresh_tokens.get(token)
        if grant is None or grant.client_id != client_id:
            return None
        del _refresh_tokens[token]
    return grant


def find_access_token(token: str) -> Grant | None:
    """The grant behind a live access token, or None when unknown or expired."""
    with _lock:
        grant = _access_tokens.get(token)
    if grant is None or grant.expires_at <= time.time():
        return None
    return grant


def record_grant(grant_type: str) -> None:
    """Count one successful token response of this grant type."""
    with _lock:
        _grants_issued[grant_type] = _grants_issued.get(grant_type, 0) + 1


def grants_issued() -> dict[str, int]:
    """How many tokens each grant type has issued since reset() (e.g. "exactly one refresh")."""
    with _lock:
        return dict(_grants_issued)


def pkce_challenge(verifier: str) -> str:
    """S256: base64url(sha256(verifier)) without padding (RFC 7636)."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


# --- Carts ------------------------------------------------------------------------------


def add_to_cart(profile_id: str, items: list[dict]) -> None:
    """Add items; quantities accumulate for the same UPC and modality."""
    with _lock:
        cart = _carts.setdefault(profile_id, [])
        for item in items:
            for line in cart:
                if line["upc"] == item["upc"] and line["modality"] == item["modality"]:
                    line["quantity"] += item["quantity"]
                    break
            else:
                cart.append({"upc": item["upc"], "quantity": item["quantity"], "modality": item["modality"]})


def cart_for(profile_id: str) -> list[dict]:
    """A copy of one shopper's cart: [{"upc", "quantity", "modality"}, ...] in order added."""
    with _lock:
        return [dict(line) for line in _carts.get(profile_id, [])]


# --- Daily limits -----------------------------------------------------------------------


def count_call(endpoint: str) -> bool:
    """Count one call against the endpoint's daily limit; False once the limit is used up."""
    limit = _daily_limits.get(endpoint)
    if limit is None:
        return True
    now = time.time()
    with _lock:
        start, calls = _usage.get(endpoint, (now, 0))
        if now - start >= DAY_SECONDS:
            start, calls = now, 0
        if calls >= limit:
            _usage[endpoint] = (start, calls)
            return False
        _usage[endpoint] = (start, calls + 1)
    return True


def seconds_until_reset(endpoint: str) -> int:
    """Seconds until the endpoint's daily window restarts (for Retry-After)."""
    with _lock:
        start, _ = _usage.get(endpoint, (time.time(), 0))
    return max(1, int(start + DAY_SECONDS - time.time()))


def set_daily_limit(endpoint: str, limit: int) -> None:
    """Lower (or raise) one endpoint's daily limit, so tests can reach it in a few calls."""
    with _lock:
        _daily_limits[endpoint] = limit


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
    with _lock:
        _faults[endpoint] = Fault(int(latency_ms), float(error_rate), int(status), rate_limited, timeout)


def clear_faults() -> None:
    """Remove every injected fault."""
    with _lock:
        _faults.clear()


def list_faults() -> dict[str, dict]:
    """The faults in force, by endpoint."""
    with _lock:
        return {
            name: {key: value for key, value in vars(fault).items() if key != "calls"}
            for name, fault in _faults.items()
        }


def get_fault(endpoint: str) -> Fault | None:
    """The fault set for an endpoint, if any."""
    with _lock:
        return _faults.get(endpoint)


def should_fail(endpoint: str) -> bool:
    """Advance the endpoint's deterministic error sequence; True when this call must fail."""
    with _lock:
        fault = _faults.get(endpoint)
        if fault is None or fault.error_rate <= 0:
            return False
        fault.calls += 1
        return int(fault.calls * fault.error_rate) > int((fault.calls - 1) * fault.error_rate)


def set_sleep(sleep: Callable[[float], None]) -> None:
    """Replace the function used for injected latency (tests pass a recorder)."""
    _sleep[0] = sleep


def sleep(seconds: float) -> None:
    """Wait for injected latency (through the replaceable sleep function)."""
    _sleep[0](seconds)


def set_drift(enabled: bool = True) -> None:
    """Emit real-world drift: lower-case fulfillment keys, `default` images, unwrapped 400s."""
    _state["drift"] = bool(enabled)


def drift() -> bool:
    """Whether drift mode is on."""
    return _state["drift"]
