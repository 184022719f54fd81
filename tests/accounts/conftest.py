"""A scripted Kroger OAuth server at the HTTP boundary (`responses`), for the sign-in tests.

The sandbox fixture covers happy paths; these tests also need Kroger to misbehave in ways
the sandbox cannot (timeouts, non-JSON, profiles without an id), and to show exactly what
our site sent.
"""

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.conf import settings

from tests.helpers import SAM

PROFILE_ID = SAM  # the sandbox shopper the fake token endpoint signs in
ACCESS_TOKEN = "AT-signin-4f1c2d9e8b7a6c5d"
REFRESH_TOKEN = "RT-signin-9a8b7c6d5e4f3a2b"


def token_url() -> str:
    return f"{settings.KROGER_API_BASE_URL}/v1/connect/oauth2/token"


def profile_url() -> str:
    return f"{settings.KROGER_API_BASE_URL}/v1/identity/profile"


def basic_auth_header() -> str:
    raw = f"{settings.KROGER_CLIENT_ID}:{settings.KROGER_CLIENT_SECRET}".encode()
    return "Basic " + base64.b64encode(raw).decode()


def form(request) -> dict[str, str]:
    """A recorded request's form body as a flat dict."""
    body = request.body.decode() if isinstance(request.body, bytes) else request.body
    return {key: values[0] for key, values in parse_qs(body or "").items()}


def start_login(client) -> dict[str, str]:
    """GET /auth/login and return the authorize URL's query parameters."""
    response = client.get("/auth/login")
    assert response.status_code == 302
    return {key: values[0] for key, values in parse_qs(urlsplit(response["Location"]).query).items()}


def callback(client, **params):
    return client.get("/auth/callback", params)


class FakeKroger:
    """Token and profile endpoints with a script; `calls` records every request."""

    def __init__(self, mock: responses.RequestsMock):
        self.mock = mock
        self.token_body: dict | str = {
            "access_token": ACCESS_TOKEN,
            "refresh_token": REFRESH_TOKEN,
            "token_type": "bearer",
            "expires_in": 1800,
        }
        self.token_status = 200
        self.profile_body: dict | str = {"data": {"id": PROFILE_ID}, "meta": {}}
        self.profile_status = 200
        mock.add_callback(responses.POST, token_url(), callback=self._token)
        mock.add_callback(responses.GET, profile_url(), callback=self._profile)

    @staticmethod
    def _reply(status, body):
        text = body if isinstance(body, str) else json.dumps(body)
        return status, {"Content-Type": "application/json"}, text

    def _token(self, request):
        return self._reply(self.token_status, self.token_body)

    def _profile(self, request):
        return self._reply(self.profile_status, self.profile_body)

    def requests_to(self, url: str) -> list:
        return [call.request for call in self.mock.calls if call.request.url.split("?")[0] == url]

    @property
    def token_requests(self) -> list:
        return self.requests_to(token_url())

    @property
    def profile_requests(self) -> list:
        return self.requests_to(profile_url())


@pytest.fixture
def fake_kroger():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield FakeKroger(mock)


@pytest.fixture
def fernet_keys(settings):
    """Lets a test swap TOKEN_ENCRYPTION_KEYS; the cached key ring is reset before and after."""
    from accounts.fields import get_fernet

    get_fernet.cache_clear()
    yield settings
    get_fernet.cache_clear()
