"""Kroger at the HTTP boundary for the catalogue, cart and list tests (answers the sandbox cannot give)."""

import re

import pytest
import responses
from django.test import Client

from shopper.celery import app as celery_app
from tests.factories import KrogerTokenFactory, UserFactory
from tests.helpers import STORE, household_of


@pytest.fixture
def shopper(user):
    """The signed-in user, with the sandbox store chosen."""
    user.preferred_location_id = STORE
    user.preferred_location_name = "Kroger On the Rhine"
    user.save()
    return user


@pytest.fixture
def members(db):
    """Sam and Alex, of one household, both shopping at the sandbox store."""
    sam = UserFactory(display_name="Sam", preferred_location_id=STORE)
    alex = UserFactory(display_name="Alex", preferred_location_id=STORE, household=household_of(sam))
    return sam, alex


@pytest.fixture
def browser_client(shopper, logged_in_client):
    """The pages as `shopper` sees them in a browser without JavaScript."""
    return logged_in_client


@pytest.fixture
def api(shopper, api_client):
    """An API client for `shopper`."""
    return api_client


@pytest.fixture
def broker():
    """A Celery broker configured: background work is queued for a worker instead of run here
    (no message reaches a broker: on-commit callbacks never run inside the test's transaction)."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def kroger_http(settings):
    """Plain `responses` for failure cases, with an app token that always works."""
    settings.KROGER_MAX_RETRIES = 0  # one attempt, so nothing backs off (no sleeping)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(
            f"{settings.KROGER_API_BASE_URL}/v1/connect/oauth2/token",
            json={"access_token": "app-token", "token_type": "bearer", "expires_in": 1800},
        )
        yield mock


@pytest.fixture
def kroger_cart(settings, user):
    """`responses` for the cart endpoint; the shopper has a live access token."""
    settings.KROGER_MAX_RETRIES = 0
    KrogerTokenFactory(user=user)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def _meanwhile() -> list:
    return []


@pytest.fixture
def kroger_sandbox_http(settings, _meanwhile):
    """The sandbox behind `responses`, as `kroger_sandbox` (tests/conftest.py), yielding the mock
    itself: its `calls` are the requests our code made to Kroger, counted at the HTTP boundary."""
    sandbox, base = Client(), settings.KROGER_API_BASE_URL
    prefix = len(re.sub(r"^https?://[^/]+", "", base))

    def forward(request):
        if "/v1/products" in request.path_url and _meanwhile:
            _meanwhile.pop(0)()
        headers = {k: v for k, v in request.headers.items() if k.lower() in ("authorization", "accept")}
        answer = sandbox.generic(
            request.method, "/sandbox/kroger" + request.path_url[prefix:], data=request.body or b"",
            content_type=request.headers.get("Content-Type", ""), headers=headers,
        )  # fmt: skip
        return answer.status_code, dict(answer.headers), answer.content

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        for method in ("GET", "POST", "PUT"):
            mock.add_callback(method, re.compile(re.escape(base) + r"(/.*)?$"), callback=forward)
        yield mock


@pytest.fixture
def kroger_meanwhile(kroger_sandbox_http, _meanwhile):
    """The sandbox behind `responses`, plus `meanwhile(do)`: `do` runs once, while the next
    product request (a search or a lookup) is waiting for Kroger, as another member acting then."""
    return _meanwhile.append
