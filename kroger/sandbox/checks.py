"""System check: the sandbox must never be served by accident in production."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_sandbox_is_deliberate(app_configs, **kwargs) -> list[Error]:
    """Error when the sandbox app is installed with DEBUG off unless KROGER_SANDBOX is True."""
    if settings.DEBUG or getattr(settings, "KROGER_SANDBOX", False) is True:
        return []
    return [
        Error(
            "The Kroger sandbox is installed while DEBUG is off and KROGER_SANDBOX is not set.",
            hint="Remove kroger.sandbox from INSTALLED_APPS, or set KROGER_SANDBOX=true on purpose.",
            id="sandbox.E001",
        )
    ]
