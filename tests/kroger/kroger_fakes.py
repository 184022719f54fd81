"""Shared helpers for the client tests: a client wired to `responses`, payload loading."""

import json
import uuid
from pathlib import Path

import responses
from django.core.cache.backends.locmem import LocMemCache

from kroger import KrogerClient

BASE = "https://api.kroger.test"
TOKEN_URL = f"{BASE}/v1/connect/oauth2/token"
CLIENT_ID = "shopper-app-id"
CLIENT_SECRET = "s3cret-client-value-never-logged"
APP_TOKEN = "app-token-aaaaaaaaaaaaaaaa"
PAYLOADS = Path(__file__).parent / "payloads"


def payload(name: str) -> dict:
    return json.loads((PAYLOADS / name).read_text())


def new_cache() -> LocMemCache:
    """A real Django cache with its own namespace, so tests never share state."""
    return LocMemCache(f"kroger-test-{uuid.uuid4()}", {"TIMEOUT": None, "OPTIONS": {"MAX_ENTRIES": 10_000}})


class Sleeps(list):
    """A fake `sleep` that records the delays asked for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_client(cache=None, sleep=None, **overrides) -> KrogerClient:
    options = {
        "base_url": BASE,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "cache": cache if cache is not None else new_cache(),
        "sleep": sleep if sleep is not None else Sleeps(),
        "jitter": lambda: 0.5,
        "timeout": 3.0,
    }
    options.update(overrides)
    return KrogerClient(**options)


def add_token(mock: responses.RequestsMock, token: str = APP_TOKEN, expires_in: int = 1800) -> None:
    mock.add(
        responses.POST,
        TOKEN_URL,
        json={"access_token": token, "token_type": "bearer", "expires_in": expires_in},
    )


def calls_to(mock: responses.RequestsMock, path: str) -> list:
    return [call for call in mock.calls if call.request.url.split("?")[0] == BASE + path]
