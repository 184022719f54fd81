"""Kroger failures as a small hierarchy, each with a message a shopper can read.

`permanent` tells callers whether trying again later could help (as in healthchecks'
TransportError), so nobody has to parse status codes outside the client.
"""


class KrogerError(Exception):
    """Base class. `message` is safe to show to a shopper; it never contains secrets."""

    permanent = True
    code = "kroger_error"
    default_message = "Kroger could not handle that request."

    def __init__(
        self, message: str | None = None, *, status: int | None = None, retry_after: int | None = None
    ):
        self.message = message or self.default_message
        self.status = status
        self.retry_after = retry_after
        super().__init__(self.message)


class KrogerAuthError(KrogerError):
    """Kroger rejected our credentials or token (401/403)."""

    code = "kroger_auth_failed"
    default_message = "Kroger did not accept our sign-in."


class KrogerReconnectRequired(KrogerAuthError):
    """The shopper's Kroger session is gone (no tokens, or the refresh was rejected)."""

    code = "kroger_reconnect_required"
    default_message = "Your Kroger connection has expired. Please reconnect your Kroger account."


class KrogerNotFound(KrogerError):
    code = "kroger_not_found"
    default_message = "Kroger could not find that."


class KrogerBadRequest(KrogerError):
    """Kroger refused the request's parameters (400)."""

    code = "kroger_bad_request"
    default_message = "Kroger did not accept that request."


class KrogerRateLimited(KrogerError):
    """Kroger answered 429."""

    permanent = False
    code = "kroger_rate_limited"
    default_message = "Kroger is receiving too many requests right now. Please try again in a minute."


class KrogerDailyLimitReached(KrogerRateLimited):
    """Our own guard: the day's Kroger quota for an endpoint is used up."""

    code = "kroger_daily_limit_reached"
    default_message = "The daily Kroger limit has been reached. Please try again tomorrow."


class KrogerShopperBudgetReached(KrogerRateLimited):
    """This shopper has used their own daily share of Kroger calls (`KROGER_DAILY_BUDGET_PER_USER`)."""

    code = "kroger_budget_exhausted"
    default_message = (
        "You have used today's Kroger lookups for your account. Remembered picks still work; "
        "searching Kroger again is possible after midnight UTC."
    )


class KrogerUnavailable(KrogerError):
    """Kroger is unreachable, timed out, answered 5xx or sent something we cannot read."""

    permanent = False
    code = "kroger_unavailable"
    default_message = "Kroger is not responding right now. Please try again in a few minutes."


class KrogerCartOutcomeUnknown(KrogerUnavailable):
    """A cart add got no answer: the items may or may not have been added."""

    code = "kroger_cart_outcome_unknown"
    default_message = "Kroger did not confirm the cart update. Check your Kroger cart before sending again."


class KrogerSlow(KrogerUnavailable):
    """The caller's time budget for Kroger ran out (see `kroger.http.time_budget`): try again later."""

    code = "kroger_slow"
    default_message = "Kroger is slow right now. Please try again in a moment."
