"""Sign in with Kroger: a python-social-auth backend (authorization code + PKCE, Basic client auth).

Every URL and credential is read from the KROGER_* settings at call time, so pointing
KROGER_API_BASE_URL at another host (the sandbox, a test double) moves the whole flow there.
"""

from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from requests.auth import HTTPBasicAuth
from social_core.backends.oauth import BaseOAuth2PKCE
from social_core.exceptions import AuthCredentialError, SocialAuthBaseException

KROGER_SCOPES = ["profile.compact", "cart.basic:write", "product.compact"]
# Never copied into UserSocialAuth.extra_data: tokens live encrypted in accounts.KrogerToken.
SECRET_KEYS = ("access_token", "refresh_token", "id_token", "token_type")
# A refresh holds the user's token row lock, so it must not wait long on Kroger.
REFRESH_TIMEOUT_SECONDS = 5.0


def _quote_all(value: str, safe: str = "", encoding=None, errors=None) -> str:
    # Spaces as %20 (Kroger's documented form), and ':' and '/' escaped too.
    return quote(value, safe="", encoding=encoding, errors=errors)


class KrogerOAuth2(BaseOAuth2PKCE):
    """Kroger's OAuth 2.0 authorization-code grant. Docs: developer.kroger.com."""

    name = "kroger"
    title = "Kroger"
    ACCESS_TOKEN_METHOD = "POST"
    REFRESH_TOKEN_METHOD = "POST"
    DEFAULT_SCOPE = KROGER_SCOPES
    SCOPE_SEPARATOR = " "
    REDIRECT_STATE = False  # the redirect URI must match the registered one exactly
    STATE_PARAMETER = True
    USE_BASIC_AUTH = True  # client credentials as HTTP Basic, never in the body
    ID_KEY = "id"
    REQUIRES_USER_ID = True
    EXTRA_DATA = [("expires_in", "expires_in"), ("scope", "scope")]

    # --- URLs and credentials, from settings at call time -------------------------------

    @staticmethod
    def base_url() -> str:
        return settings.KROGER_API_BASE_URL.rstrip("/")

    def authorization_url(self) -> str:
        return f"{self.base_url()}/v1/connect/oauth2/authorize"

    def access_token_url(self) -> str:
        return f"{self.base_url()}/v1/connect/oauth2/token"

    def refresh_token_url(self) -> str:
        return self.access_token_url()

    def profile_url(self) -> str:
        return f"{self.base_url()}/v1/identity/profile"

    def get_key_and_secret(self) -> tuple[str, str]:
        return settings.KROGER_CLIENT_ID, settings.KROGER_CLIENT_SECRET

    def get_redirect_uri(self, state: str | None = None) -> str:
        # Pinned: independent of the Host header and of any proxy in front of us.
        return settings.KROGER_REDIRECT_URI

    def get_scope(self) -> list[str]:
        return list(KROGER_SCOPES)

    def auth_url(self) -> str:
        state = self.get_or_create_state()
        params = self.auth_params(state)
        params.update(self.get_scope_argument())
        return f"{self.authorization_url()}?{urlencode(params, quote_via=_quote_all)}"

    # --- Profile and details ------------------------------------------------------------

    def user_data(self, access_token: str, *args, **kwargs) -> dict[str, Any]:
        body = self.get_json(self.profile_url(), headers={"Authorization": f"Bearer {access_token}"})
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            return {}
        profile_id = data.get("id")
        # social_uid rejects a missing/empty id; anything else is not a usable profile ID.
        return {"id": profile_id} if isinstance(profile_id, str) and profile_id.strip() else {}

    def get_user_details(self, response: dict[str, Any]) -> dict[str, Any]:
        # profile.compact exposes only the profile ID.
        return {"username": None, "email": None, "fullname": None, "first_name": None, "last_name": None}

    def extra_data(self, user, uid, response, details, pipeline_kwargs) -> dict[str, Any]:
        data = super().extra_data(user, uid, response, details, pipeline_kwargs)
        for key in SECRET_KEYS:
            data.pop(key, None)
        return data

    # --- Refresh: Basic auth, body holds only the grant -----------------------------------

    def refresh_token_params(self, token: str, *args, **kwargs) -> dict[str, str]:
        return {"grant_type": "refresh_token", "refresh_token": token}

    def refresh_token_auth(self) -> HTTPBasicAuth:
        return HTTPBasicAuth(*self.get_key_and_secret())

    def request(self, url, *, timeout=None, stage="user_info", **kwargs):
        if stage == "refresh" and timeout is None:
            timeout = REFRESH_TIMEOUT_SECONDS
        return super().request(url, timeout=timeout, stage=stage, **kwargs)

    def get_provider_error(
        self, data, *, stage="callback", status_code=None, retry_after=None
    ) -> SocialAuthBaseException | None:
        error = super().get_provider_error(
            data, stage=stage, status_code=status_code, retry_after=retry_after
        )
        # Kroger answers a used or revoked refresh token with 400 invalid_request, which
        # core classifies as a configuration error: for us it means "sign in again".
        if stage == "refresh" and status_code == 400:
            details = [error.detail] if error is not None and error.detail else []
            return AuthCredentialError(
                self,
                *details,
                code="reauthentication_required",
                source="provider_response",
                stage=stage,
                provider_code=getattr(error, "provider_code", None),
                status_code=status_code,
            )
        return error
