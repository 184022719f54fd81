"""The HTTP details under `KrogerClient._request()`: error mapping, retry timing, logging.

Kroger's error bodies come in several shapes (kroger-api.md §8.2): wrapped
`{"errors": {"reason": ...}}`, unwrapped `{"reason": ...}`, OAuth-style
`{"error": ..., "error_description": ...}` (top level or wrapped), CE's `{"message": ...}`,
or nothing at all. `error_for_response()` reads them all.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

import requests
from urllib3.exceptions import NewConnectionError

from .errors import (
    KrogerAuthError,
    KrogerBadRequest,
    KrogerError,
    KrogerNotFound,
    KrogerRateLimited,
    KrogerSlow,
    KrogerUnavailable,
)
from .schemas import PayloadError

logger = logging.getLogger("kroger.client")

BACKOFF_BASE_SECONDS = 0.25
BACKOFF_CAP_SECONDS = 4.0
# A longer Retry-After than this is not worth holding a shopper's page for: fail fast instead.
MAX_RETRY_AFTER_SECONDS = 5
MAX_REASON_LENGTH = 200
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRYABLE_EXCEPTIONS = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
)
UNREADABLE = "Kroger sent an answer we could not read. Please try again later."
T = TypeVar("T")


class TimeBudget:
    """One deadline shared by every Kroger attempt, retry and backoff made inside `time_budget()`.

    Without it each call may take timeout × attempts plus backoff; with it a request (or one
    resolve) spends at most `seconds` on Kroger in all. Wall-clock time (`time.time`), so a
    test can move it with time_machine; a clock step can at worst stretch one budget.
    """

    def __init__(self, seconds: float):
        self.ends_at = time.time() + max(0.0, seconds)

    def remaining(self) -> float:
        return self.ends_at - time.time()

    def timeout(self, per_call: float) -> float:
        """The timeout for the next attempt: the per-call one, cut to what is left; raises KrogerSlow."""
        left = self.remaining()
        if left <= 0:
            raise KrogerSlow()
        return min(per_call, left)

    def allows_wait(self, seconds: float) -> bool:
        """Whether backing off this long still leaves time for another attempt."""
        return self.remaining() > seconds


_budget: ContextVar[TimeBudget | None] = ContextVar("kroger_time_budget", default=None)


@contextmanager
def time_budget(seconds: float | None) -> Iterator[TimeBudget | None]:
    """Bound every Kroger call made inside the block (threads started with a copy of the context
    included) by one shared deadline; `None` leaves only the per-call timeouts. Inside another
    budget, the earlier deadline wins."""
    outer = _budget.get()
    budget = outer
    if seconds is not None:
        budget = TimeBudget(seconds if outer is None else min(seconds, outer.remaining()))
    reset = _budget.set(budget)
    try:
        yield budget
    finally:
        _budget.reset(reset)


def current_budget() -> TimeBudget | None:
    """The time budget in force for this context, if any."""
    return _budget.get()


def kroger_reason(response: requests.Response) -> str:
    """Kroger's human explanation from any of its error body shapes ("" when there is none)."""
    try:
        body: Any = response.json()
    except ValueError:
        return ""
    candidates = []
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list):
            errors = next((e for e in errors if isinstance(e, dict)), None)
        if isinstance(errors, dict):
            candidates.append(errors)
        candidates.append(body)
    for candidate in candidates:
        for key in ("reason", "error_description", "message"):
            value = candidate.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()[:MAX_REASON_LENGTH]
    return ""


def parse_retry_after(response: requests.Response) -> int | None:
    """The Retry-After header in whole seconds (HTTP dates are rare enough to ignore)."""
    value = response.headers.get("Retry-After", "")
    try:
        return max(0, int(float(value)))
    except ValueError:
        return None


def error_for_response(response: requests.Response) -> KrogerError:
    """The KrogerError for a non-2xx response."""
    status, reason = response.status_code, kroger_reason(response)
    if status == 401:
        return KrogerAuthError(status=status)
    if status == 403:
        message = f"Kroger refused access: {reason}" if reason else None
        return KrogerAuthError(message, status=status)
    if status == 404:
        return KrogerNotFound(status=status)
    if status == 429:
        return KrogerRateLimited(status=status, retry_after=parse_retry_after(response))
    if 400 <= status < 500:
        # 400 and every other 4xx: our request was wrong, so retrying it cannot help.
        message = f"Kroger did not accept the request: {reason}" if reason else None
        return KrogerBadRequest(message, status=status)
    return KrogerUnavailable(status=status)


def was_not_sent(exc: requests.RequestException) -> bool:
    """True only when the request certainly never reached Kroger (connect timeout or refused).

    Anything else (read timeout, reset connection) may have been processed by Kroger.
    """
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if not isinstance(exc, requests.exceptions.ConnectionError):
        return False
    seen: set[int] = set()
    stack: list[Any] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, NewConnectionError | ConnectionRefusedError):
            return True
        if isinstance(current, BaseException):
            stack.extend([current.__cause__, current.__context__, getattr(current, "reason", None)])
            stack.extend(arg for arg in current.args if isinstance(arg, BaseException))
    return False


def backoff_seconds(attempt: int, jitter: Callable[[], float]) -> float:
    """Exponential backoff with jitter: half the step is fixed, half random (attempt 0 = first retry)."""
    step = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * (2**attempt))
    return step / 2 + step / 2 * jitter()


def log_call(method: str, path: str, status: int | str, elapsed: float, attempt: int) -> None:
    """One line per HTTP attempt: method, path (never the query), status, elapsed. Never tokens."""
    level = logging.DEBUG if isinstance(status, int) and status < 400 else logging.WARNING
    logger.log(
        level, "kroger %s %s -> %s in %.0f ms (attempt %d)", method, path, status, elapsed * 1000, attempt
    )


def json_body(response: requests.Response) -> dict:
    """The JSON object body of a 2xx response; anything else means Kroger sent nonsense."""
    if response.status_code == 204 or not response.content:
        raise KrogerUnavailable("Kroger sent an empty answer. Please try again in a few minutes.")
    try:
        body = response.json()
    except ValueError:
        raise KrogerUnavailable(UNREADABLE) from None
    if not isinstance(body, dict):
        raise KrogerUnavailable(UNREADABLE)
    return body


def data_of(body: dict, kind: type) -> Any:
    """`body["data"]` when it is of the expected kind (list for searches, dict for one record)."""
    data = body.get("data")
    if not isinstance(data, kind):
        raise KrogerUnavailable(UNREADABLE)
    return data


def parse_or_unavailable(parse: Callable[[Any], T], data: Any) -> T:
    """Run a schema parser; a payload it cannot make sense of means Kroger is misbehaving."""
    try:
        return parse(data)
    except PayloadError as exc:
        raise KrogerUnavailable(UNREADABLE) from exc
