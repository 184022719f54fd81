"""System checks for the account settings (Django's own --deploy checks don't cover these)."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

REST_ALLOW_ANY = "rest_framework.permissions.AllowAny"


@register(Tags.security)
def check_token_encryption_keys(app_configs=None, **kwargs) -> list:
    """TOKEN_ENCRYPTION_KEYS: present, valid Fernet keys, and never the SECRET_KEY."""
    keys = [key.strip() for key in getattr(settings, "TOKEN_ENCRYPTION_KEYS", []) if key.strip()]
    if not keys:
        return [
            Error(
                "TOKEN_ENCRYPTION_KEYS is empty: Kroger tokens cannot be stored.",
                hint="Generate one: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'",
                id="accounts.E001",
            )
        ]
    errors = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            errors.append(
                Error(
                    f"TOKEN_ENCRYPTION_KEYS entry {position} is not a valid Fernet key.",
                    hint="Each key is 32 url-safe base64-encoded bytes (Fernet.generate_key()).",
                    id="accounts.E002",
                )
            )
        if key == settings.SECRET_KEY:
            errors.append(
                Error(
                    f"TOKEN_ENCRYPTION_KEYS entry {position} equals SECRET_KEY.",
                    hint="Use a separate key, so rotating one never strands the other.",
                    id="accounts.E003",
                )
            )
    return errors


@register(Tags.security)
def check_session_cookie_samesite(app_configs=None, **kwargs) -> list:
    """The OAuth callback is a cross-site top-level GET: Strict would lose the session, None is unsafe."""
    if settings.SESSION_COOKIE_SAMESITE != "Lax":
        return [
            Warning(
                'SESSION_COOKIE_SAMESITE should be "Lax".',
                hint="Strict breaks the Kroger callback; None weakens CSRF protection.",
                id="accounts.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_redirect_uri_https(app_configs=None, **kwargs) -> list:
    """Outside DEBUG and the sandbox, the Kroger redirect URI must be https."""
    if settings.DEBUG or settings.KROGER_SANDBOX:
        return []
    if not settings.KROGER_REDIRECT_URI.startswith("https://"):
        return [
            Error(
                "KROGER_REDIRECT_URI must start with https:// in production.",
                hint="The authorization code travels in this URL.",
                id="accounts.E004",
            )
        ]
    return []


@register(Tags.security)
def check_api_default_permission(app_configs=None, **kwargs) -> list:
    """The API denies by default; open endpoints opt out explicitly."""
    classes = getattr(settings, "REST_FRAMEWORK", {}).get("DEFAULT_PERMISSION_CLASSES") or [REST_ALLOW_ANY]
    if REST_ALLOW_ANY in classes:
        return [
            Error(
                "REST_FRAMEWORK DEFAULT_PERMISSION_CLASSES allows anonymous access by default.",
                hint='Use ["rest_framework.permissions.IsAuthenticated"].',
                id="accounts.E005",
            )
        ]
    return []
