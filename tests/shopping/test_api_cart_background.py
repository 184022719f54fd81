"""Cart sends where a Celery broker is configured: 202 with the queued send, the worker delivers it.

The broker is switched on for the test (`task_always_eager` off), so the API queues instead of
sending; no message reaches a broker (on-commit callbacks never run inside the test's
transaction) and the test plays the worker by running `send_cart` for the queued send, as a
worker would. Kroger is the sandbox (or `responses` for its failures).
"""

import pytest

from shopping.models import CartSend
from shopping.tasks import send_cart
from tests.helpers import STORE

pytestmark = pytest.mark.django_db

MILK = "0001111041700"
CART_URL = "https://kroger.sandbox.test/v1/cart/add"


def run_worker(send_id: int) -> str:
    """What a worker does with the queued message: run the task for that send."""
    return send_cart.apply(args=[send_id]).get()


def test_a_cart_add_is_queued_with_202_and_the_worker_adds_it_once(
    broker, api_client, user, connect_kroger, kroger_sandbox, django_capture_on_commit_callbacks
):
    profile_id = connect_kroger(user)
    items = {"items": [{"upc": MILK, "quantity": 2}]}

    with django_capture_on_commit_callbacks() as queued:
        accepted = api_client.post("/api/cart", items, format="json", headers={"Idempotency-Key": "bg-1"})
    before = api_client.get(accepted["Location"]).json()
    in_cart_before = kroger_sandbox.cart_for(profile_id)
    run_worker(accepted.json()["id"])
    after = api_client.get(accepted["Location"]).json()
    repeated = api_client.post("/api/cart", items, format="json", headers={"Idempotency-Key": "bg-1"})
    run_worker(accepted.json()["id"])  # a redelivered message

    assert accepted.status_code == 202 and accepted.json()["status"] == "pending"
    assert accepted["Location"] == f"/api/cart/sends/{accepted.json()['id']}"
    assert len(queued) == 1
    assert before["status"] == "pending" and in_cart_before == []
    assert after["status"] == "succeeded" and after["items"][0]["added"] is True
    assert repeated.status_code == 200 and repeated.json()["status"] == "succeeded"
    assert kroger_sandbox.cart_for(profile_id) == [{"upc": MILK, "quantity": 2, "modality": "PICKUP"}]


def test_a_queued_send_kroger_keeps_refusing_reads_as_failed_with_the_reason(broker, api_client, kroger_cart):
    kroger_cart.put(CART_URL, status=429, json={"errors": {"reason": "rate limit exceeded"}})

    accepted = api_client.post("/api/cart", {"items": [{"upc": MILK, "quantity": 1}]}, format="json")
    run_worker(accepted.json()["id"])
    send = api_client.get(accepted["Location"]).json()

    assert accepted.status_code == 202
    assert (send["status"], send["error_code"]) == ("failed", "kroger_rate_limited")
    assert send["items"][0]["added"] is False and send["error_message"]


def test_a_list_send_is_queued_and_its_lines_count_as_sent_once_the_worker_has_added_them(
    broker, api_client, user, connect_kroger, kroger_sandbox, django_capture_on_commit_callbacks
):
    user.preferred_location_id = STORE
    user.save()
    profile_id = connect_kroger(user)
    list_id = api_client.post(
        "/api/lists", {"name": "Weekly", "text": "whole milk\norganic bananas"}, format="json"
    ).json()["id"]
    api_client.post(f"/api/lists/{list_id}/resolve", {}, format="json")

    with django_capture_on_commit_callbacks():
        accepted = api_client.post(f"/api/lists/{list_id}/send-to-cart", {}, format="json")
    lines_before = api_client.get(f"/api/lists/{list_id}").json()["items"]
    double_click = api_client.post(f"/api/lists/{list_id}/send-to-cart", {}, format="json")
    run_worker(accepted.json()["cart_send_id"])
    lines_after = api_client.get(f"/api/lists/{list_id}").json()["items"]
    again = api_client.post(f"/api/lists/{list_id}/send-to-cart", {"confirm": True}, format="json")

    assert accepted.status_code == 202 and accepted.json()["status"] == "pending"
    assert accepted["Location"] == f"/api/cart/sends/{accepted.json()['cart_send_id']}"
    assert accepted.json()["detail"].startswith("Sending 2 lines to your Kroger cart")
    assert not any(line["in_cart"] for line in lines_before)
    assert double_click.status_code == 409 and double_click.json()["code"] == "cart_send_in_progress"
    assert all(line["in_cart"] for line in lines_after)
    assert {row["upc"] for row in kroger_sandbox.cart_for(profile_id)} == {
        line["product_id"] for line in lines_after
    }
    assert again.status_code == 200 and again.json()["sent"] == []
    assert CartSend.objects.count() == 1


def test_without_a_broker_the_cart_add_still_answers_with_the_outcome(
    api_client, user, connect_kroger, kroger_sandbox
):
    connect_kroger(user)

    response = api_client.post("/api/cart", {"items": [{"upc": MILK, "quantity": 1}]}, format="json")

    assert response.status_code == 201 and response.json()["status"] == "succeeded"
    assert "Location" not in response


def test_the_schema_documents_the_queued_answers(db, client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]

    assert "202" in paths["/api/cart"]["post"]["responses"]
    assert "Location" in paths["/api/cart"]["post"]["responses"]["202"]["headers"]
    assert "202" in paths["/api/lists/{id}/send-to-cart"]["post"]["responses"]
