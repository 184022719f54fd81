"""Template context about the signed-in shopper's Kroger connection."""

from django.conf import settings
from django.http import HttpRequest

from .models import KrogerToken


def kroger_connection(request: HttpRequest) -> dict:
    """kroger_reconnect_needed (signed in, and no usable Kroger tokens) and kroger_sandbox."""
    context = {"kroger_sandbox": settings.KROGER_SANDBOX, "kroger_reconnect_needed": False}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # One query; None means the shopper has no Kroger tokens at all.
        needs_reconnect = (
            KrogerToken.objects.filter(user=user).values_list("needs_reconnect", flat=True).first()
        )
        context["kroger_reconnect_needed"] = needs_reconnect is None or needs_reconnect
    return context
