"""Sign in with Kroger (python-social-auth backend)."""

from social_core.backends.oauth import BaseOAuth2PKCE


class KrogerOAuth2(BaseOAuth2PKCE):
    name = "kroger"
