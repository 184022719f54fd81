"""Schemathesis over the whole OpenAPI schema, as two users with personal API tokens.

Each operation gets a bounded, derandomised number of generated requests, valid (positive) and
invalid (negative), alternating between the two users. Every schemathesis check runs: no server
error, responses (status, headers, content type, body) conform to the schema, valid data is
accepted and invalid data rejected (so the schema states the rules the server enforces), plus
the checks that re-send a request (without auth, with an unsupported method). Neither user ever
sees or changes the other's objects. Kroger calls go to the sandbox. The schema is generated at
run time, so endpoints added later are covered too.
"""

import re
from contextlib import contextmanager
from itertools import count

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.test import APIClient
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from shopping.models import Guidance, Selection
from tests.factories import (
    ApiTokenFactory,
    CartSendFactory,
    GuidanceFactory,
    KrogerTokenFactory,
    SelectionFactory,
    ShoppingListFactory,
    UserFactory,
)
from tests.helpers import STORE

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
# NUL characters are refused in every text field (PostgreSQL cannot store them); the schema does
# not spell that out on each string, so none are generated.
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], allow_x00=False)
_turn = count()
# An invitation token is a secret, as a credential is: a schema cannot say which ones exist, so a
# well-formed unknown one is refused (400, as issue 10 asks) although it fits the schema.
SECRET_INPUT_OPERATIONS = {("POST", "/api/household/join")}


def _keep_connections_open():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)


class _HandlerInTestTransaction(WSGIHandler):
    def __call__(self, environ, start_response):
        _keep_connections_open()
        response = super().__call__(environ, start_response)
        # Django's test client (the sandbox forwarding of Kroger calls) connects the signals again
        # mid-request; the response's close would then end the test's transaction.
        _keep_connections_open()
        return response


@contextmanager
def _wsgi_app_in_test_transaction():
    """Django's WSGI app, minus the per-request connection closing that would end the test transaction.

    Django's own test client disconnects the same signal for the same reason (style.md §3.5).
    """
    _keep_connections_open()
    try:
        yield _HandlerInTestTransaction()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _memory_of(user):
    return (
        list(Guidance.objects.filter(owner=user).order_by("pk").values_list("pk", "text", "position")),
        list(Selection.objects.filter(owner=user).order_by("pk").values_list("pk", "term", "quantity")),
    )


@pytest.fixture
def two_shoppers(db, settings, kroger_sandbox):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            key: "100000/min" for key in settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
        },
    }
    shoppers = []
    for name in ("alice", "bob"):
        user = UserFactory(username=name, preferred_location_id=STORE)
        KrogerTokenFactory(user=user)
        ApiTokenFactory(user=user, secret=f"ps_schemathesis-{name}")
        marker = f"private-to-{name}"
        GuidanceFactory.create_batch(2, owner=user, text=marker)
        SelectionFactory.create_batch(2, owner=user, description=marker)
        shoppers.append({"user": user, "secret": f"ps_schemathesis-{name}", "marker": marker})
    return shoppers


@schema.parametrize()
@settings(
    max_examples=12,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema_for_two_users(case, two_shoppers):
    me, stranger = two_shoppers if next(_turn) % 2 == 0 else two_shoppers[::-1]
    strangers_memory = _memory_of(stranger["user"])

    with _wsgi_app_in_test_transaction() as app:
        # The schema's app is also what the re-sending checks (ignored_auth, ...) call.
        case.operation.schema.app = app
        secret_input = (case.method.upper(), case.path) in SECRET_INPUT_OPERATIONS
        response = case.call_and_validate(
            app=app,
            base_url="http://testserver",
            headers={"Authorization": f"Bearer {me['secret']}"},
            excluded_checks=[positive_data_acceptance] if secret_input else None,
        )

    assert stranger["marker"] not in response.text, "one user's data reached another"
    assert _memory_of(stranger["user"]) == strangers_memory, "one user's request changed another's data"


@pytest.mark.django_db
def test_every_detail_route_hides_one_users_objects_from_another(kroger_sandbox):
    """Replay A's objects on every detail route in the schema as B: 404 (or 403), never a change."""
    alice, bob = UserFactory(), UserFactory()
    for model_factory in (GuidanceFactory, SelectionFactory, CartSendFactory, ShoppingListFactory):
        model_factory(owner=alice)
    ApiTokenFactory(user=alice)
    as_alice, as_bob = APIClient(), APIClient()
    as_alice.force_login(alice)
    as_bob.force_login(bob)

    replayed = []
    for path, operations in schema.raw_schema["paths"].items():
        if not path.endswith("}") or "get" not in schema.raw_schema["paths"].get(path.rsplit("/", 1)[0], {}):
            continue
        listing = as_alice.get(path.rsplit("/", 1)[0])
        if listing.status_code != 200 or not isinstance(listing.json(), dict):
            continue
        alices_ids = {item.get("id") for item in listing.json().get("results", [])}
        bobs_ids = {item.get("id") for item in as_bob.get(path.rsplit("/", 1)[0]).json().get("results", [])}
        for object_id in alices_ids - bobs_ids - {None}:
            url = path[: path.rindex("{")] + str(object_id)
            before = as_alice.get(url).content
            for method in operations:
                if method in ("get", "put", "patch", "delete"):
                    response = getattr(as_bob, method)(url, {}, format="json")
                    assert response.status_code in (403, 404), f"{method.upper()} {url} as a stranger"
                    replayed.append(f"{method.upper()} {path}")
            assert as_alice.get(url).content == before
    assert {
        "GET /api/guidance/{id}",
        "DELETE /api/selections/{id}",
        "DELETE /api/tokens/{id}",
        "PATCH /api/lists/{id}",
        "DELETE /api/lists/{id}",
        "GET /api/cart/sends/{id}",
    } <= set(replayed)


@pytest.mark.django_db
def test_every_secured_operation_answers_401_without_credentials(kroger_sandbox):
    anonymous, checked = APIClient(), 0
    for path, operations in schema.raw_schema["paths"].items():
        url = re.sub(r"\{[^}]+\}", "1", path)
        for method, operation in operations.items():
            if method in ("get", "post", "put", "patch", "delete") and any(operation.get("security", [{}])):
                response = getattr(anonymous, method)(url, {}, format="json")
                assert response.status_code == 401, f"{method.upper()} {path} answered {response.status_code}"
                checked += 1
    assert checked >= 15
