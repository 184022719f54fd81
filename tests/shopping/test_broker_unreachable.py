"""A broker that is configured but down: a shopper's request does the work itself, never a 500.

`CELERY_BROKER_URL` points at a loopback port nothing listens on, and tasks are no longer eager,
as on a deployed site whose Redis has stopped. Publishing a task then fails after Celery's own
short retries, and the request falls back: a background resolve resolves its lines in the
request (within the deadline; the 202 shows them done), a cart send is delivered in the
request (the 201 of a site without a broker). The database is not wrapped in a test
transaction, so the send's on-commit hand-off runs at once, as in production.
"""

import pytest

from shopper.celery import app as celery_app
from shopping.models import CartSend
from tests.helpers import STORE, free_port

pytestmark = pytest.mark.django_db(transaction=True)

MILK = "0001111041700"


@pytest.fixture
def broker_down(settings, monkeypatch):
    url = f"redis://127.0.0.1:{free_port()}/0"
    saved = celery_app.conf.task_always_eager, celery_app.conf.broker_url
    settings.CELERY_BROKER_URL = url
    # Celery reads its broker from the environment before its configuration (CI's PostgreSQL
    # leg sets CELERY_BROKER_URL to a live Redis): point both at the dead port.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.delenv("CELERY_BROKER_WRITE_URL", raising=False)
    _forget_broker_connections()
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = False, url
    yield url
    celery_app.conf.task_always_eager, celery_app.conf.broker_url = saved
    _forget_broker_connections()


def _forget_broker_connections() -> None:
    """Drop the pooled connections and producers of an earlier broker (the live Redis of CI's
    PostgreSQL leg, used by tests that ran before): `app.close()` leaves the producer pool,
    which is bound to its broker, so publishing would still reach the live one."""
    celery_app.close()
    celery_app.amqp._producer_pool = None  # as Celery itself does after a fork (`_after_fork`)


@pytest.fixture
def shopper(user, connect_kroger, kroger_sandbox):
    user.preferred_location_id = STORE
    user.save()
    return user, connect_kroger(user)


def test_a_background_resolve_is_done_in_the_request_when_the_broker_is_down(
    broker_down, shopper, api_client, caplog
):
    list_id = api_client.post(
        "/api/lists", {"name": "Weekly", "text": "whole milk\norganic bananas"}, format="json"
    )
    list_id = list_id.json()["id"]

    response = api_client.post(f"/api/lists/{list_id}/resolve", {"background": True}, format="json")

    assert response.status_code == 202
    assert response.json()["progress"]["looking"] == 0 and response.json()["resolving"] is False
    assert all(item["product_id"] for item in response.json()["items"])
    assert "Broker unreachable" in caplog.text


def test_a_cart_add_is_delivered_in_the_request_when_the_broker_is_down(
    broker_down, shopper, api_client, kroger_sandbox
):
    _, profile_id = shopper

    response = api_client.post(
        "/api/cart",
        {"items": [{"upc": MILK, "quantity": 2}]},
        format="json",
        headers={"Idempotency-Key": "k"},
    )

    assert response.status_code == 201 and response.json()["status"] == "succeeded"
    assert "Location" not in response
    assert kroger_sandbox.cart_for(profile_id) == [{"upc": MILK, "quantity": 2, "modality": "PICKUP"}]


def test_a_list_send_is_delivered_and_its_lines_marked_sent_when_the_broker_is_down(
    broker_down, shopper, api_client, kroger_sandbox
):
    _, profile_id = shopper
    created = api_client.post(
        "/api/lists", {"name": "Weekly", "text": "whole milk\norganic bananas"}, format="json"
    )
    list_id = created.json()["id"]
    api_client.post(f"/api/lists/{list_id}/resolve", {}, format="json")

    sent = api_client.post(f"/api/lists/{list_id}/send-to-cart", {}, format="json")
    lines = api_client.get(f"/api/lists/{list_id}").json()["items"]

    assert sent.status_code == 200 and sent.json()["status"] == "succeeded"
    assert all(line["in_cart"] for line in lines)
    assert {row["upc"] for row in kroger_sandbox.cart_for(profile_id)} == {
        line["product_id"] for line in lines
    }
    assert CartSend.objects.get().status == CartSend.Status.SUCCEEDED
