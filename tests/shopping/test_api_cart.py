"""POST /api/cart and the ledger (/api/cart/sends): validation, idempotency, failures, owners."""

import pytest
import requests
import responses
from rest_framework.test import APIClient

from shopping.models import CartSend
from tests.factories import CartSendFactory, KrogerTokenFactory
from tests.helpers import ALEX

pytestmark = pytest.mark.django_db

BASE = "https://kroger.sandbox.test"
CART_URL = f"{BASE}/v1/cart/add"
MILK = "0001111041700"
EGGS = "0001111060903"


def add(client, items, key=None):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post("/api/cart", {"items": items}, format="json", headers=headers)


def cart_calls(mock):
    return [call for call in mock.calls if call.request.url == CART_URL]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "items"),
        ({"items": []}, "items"),
        ({"items": [{"upc": MILK, "quantity": 1}] * 51}, "items"),
        ({"items": [{"upc": "011110417008", "quantity": 1}]}, "items"),
        ({"items": [{"upc": "00011110417OO", "quantity": 1}]}, "items"),
        ({"items": [{"upc": MILK, "quantity": 0}]}, "items"),
        ({"items": [{"upc": MILK, "quantity": 100}]}, "items"),
        ({"items": [{"upc": MILK}]}, "items"),
        ({"items": [{"upc": MILK, "quantity": 1, "modality": "SHIP"}]}, "items"),
        ({"items": "milk"}, "items"),
    ],
)
def test_bad_items_are_a_400_and_nothing_is_sent_or_recorded(api_client, kroger_cart, body, field):
    response = api_client.post("/api/cart", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert cart_calls(kroger_cart) == []
    assert not CartSend.objects.exists()


def test_a_bad_item_says_which_item_and_why(api_client, kroger_cart):
    response = add(api_client, [{"upc": MILK, "quantity": 1}, {"upc": "123", "quantity": 1}])

    assert response.json()["items"]["1"]["upc"] == ["A UPC has 13 digits, e.g. 0001111041700."]


def test_an_overlong_idempotency_key_is_a_400(api_client, kroger_cart):
    response = add(api_client, [{"upc": MILK, "quantity": 1}], key="k" * 101)

    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()


def test_items_land_in_the_shoppers_kroger_cart_and_the_ledger(
    api_client, user, connect_kroger, kroger_sandbox
):
    profile_id = connect_kroger(user)

    response = add(
        api_client, [{"upc": MILK, "quantity": 2}, {"upc": EGGS, "quantity": 1, "modality": "DELIVERY"}]
    )

    assert response.status_code == 201
    assert response.json()["status"] == "succeeded"
    assert kroger_sandbox.cart_for(profile_id) == [
        {"upc": MILK, "quantity": 2, "modality": "PICKUP"},
        {"upc": EGGS, "quantity": 1, "modality": "DELIVERY"},
    ]
    send = CartSend.objects.get(owner=user)
    assert send.status == CartSend.Status.SUCCEEDED
    assert [item["upc"] for item in send.items] == [MILK, EGGS]
    assert send.completed_at is not None


def test_the_same_idempotency_key_never_adds_twice(api_client, user, connect_kroger, kroger_sandbox):
    profile_id = connect_kroger(user)
    items = [{"upc": MILK, "quantity": 2}]

    first = add(api_client, items, key="retry-me")
    second = add(api_client, items, key="retry-me")

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json() == first.json()
    assert kroger_sandbox.cart_for(profile_id) == [{"upc": MILK, "quantity": 2, "modality": "PICKUP"}]
    assert CartSend.objects.count() == 1


def test_without_a_key_each_request_adds_again(api_client, user, connect_kroger, kroger_sandbox):
    profile_id = connect_kroger(user)

    add(api_client, [{"upc": MILK, "quantity": 1}])
    add(api_client, [{"upc": MILK, "quantity": 1}])

    assert kroger_sandbox.cart_for(profile_id)[0]["quantity"] == 2
    assert CartSend.objects.count() == 2


def test_keys_are_per_shopper(api_client, user, other_user, connect_kroger, kroger_sandbox):
    connect_kroger(user)
    connect_kroger(other_user, profile_id=ALEX)
    other_client = APIClient()
    other_client.force_authenticate(other_user)

    mine = add(api_client, [{"upc": MILK, "quantity": 1}], key="same-key")
    theirs = add(other_client, [{"upc": MILK, "quantity": 1}], key="same-key")

    assert mine.status_code == theirs.status_code == 201
    assert kroger_sandbox.cart_for(ALEX)[0]["quantity"] == 1


def test_reusing_a_key_for_different_items_is_a_409(api_client, user, connect_kroger, kroger_sandbox):
    profile_id = connect_kroger(user)
    add(api_client, [{"upc": MILK, "quantity": 1}], key="k1")

    response = add(api_client, [{"upc": MILK, "quantity": 3}], key="k1")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert kroger_sandbox.cart_for(profile_id)[0]["quantity"] == 1


def test_an_expired_access_token_is_refreshed_and_the_add_goes_through(
    api_client, user, connect_kroger, kroger_sandbox
):
    profile_id = connect_kroger(user, access_expired=True)
    old_refresh = user.kroger_token.refresh_token

    response = add(api_client, [{"upc": MILK, "quantity": 1}])

    assert response.status_code == 201
    assert kroger_sandbox.cart_for(profile_id) == [{"upc": MILK, "quantity": 1, "modality": "PICKUP"}]
    user.kroger_token.refresh_from_db()
    assert user.kroger_token.refresh_token != old_refresh  # rotated and saved


def test_a_cart_add_kroger_rejects_for_a_revoked_token_refreshes_and_adds_once(
    api_client, user, connect_kroger, kroger_sandbox
):
    profile_id = connect_kroger(user)  # looks fresh to us...
    user.kroger_token.access_token = "revoked-by-kroger"  # ...but Kroger answers 401
    user.kroger_token.save()

    response = add(api_client, [{"upc": MILK, "quantity": 1}], key="k-refresh")

    assert response.status_code == 201
    assert kroger_sandbox.cart_for(profile_id) == [{"upc": MILK, "quantity": 1, "modality": "PICKUP"}]
    user.kroger_token.refresh_from_db()
    assert user.kroger_token.access_token != "revoked-by-kroger"


def test_a_rejected_refresh_asks_the_shopper_to_reconnect(api_client, user, kroger_sandbox):
    KrogerTokenFactory(
        user=user,
        access_token="dead",
        refresh_token="unknown-to-kroger",
        access_expires_at="2020-01-01T00:00Z",
    )

    response = add(api_client, [{"upc": MILK, "quantity": 1}])

    assert response.status_code == 401
    assert response.json()["code"] == "kroger_reconnect_required"
    send = CartSend.objects.get(owner=user)
    assert send.status == CartSend.Status.FAILED
    assert send.error_code == "kroger_reconnect_required"


def test_a_shopper_marked_for_reconnect_gets_a_401_without_a_kroger_call(api_client, user, settings):
    KrogerTokenFactory(user=user, needs_reconnect=True)
    with responses.RequestsMock() as mock:
        response = add(api_client, [{"upc": MILK, "quantity": 1}])
        assert len(mock.calls) == 0

    assert response.status_code == 401
    assert response.json()["code"] == "kroger_reconnect_required"


def test_a_shopper_who_never_connected_gets_a_401(api_client):
    response = add(api_client, [{"upc": MILK, "quantity": 1}])

    assert response.status_code == 401
    assert response.json()["code"] == "kroger_reconnect_required"


def test_kroger_not_answering_records_an_unknown_outcome(api_client, user, kroger_cart):
    kroger_cart.put(CART_URL, body=requests.exceptions.ReadTimeout("no answer"))

    response = add(api_client, [{"upc": MILK, "quantity": 1}], key="k-timeout")

    assert response.status_code == 503
    assert response.json()["code"] == "kroger_cart_outcome_unknown"
    assert "check your kroger cart" in response.json()["detail"].lower()
    assert int(response["Retry-After"]) > 0
    assert CartSend.objects.get(owner=user).status == CartSend.Status.UNKNOWN


def test_a_kroger_5xx_on_the_cart_is_an_unknown_outcome_and_is_not_resent(api_client, user, kroger_cart):
    kroger_cart.put(
        CART_URL, status=500, json={"errors": {"reason": "Internal server error", "code": "CART-4000"}}
    )

    first = add(api_client, [{"upc": MILK, "quantity": 1}], key="k-500")
    again = add(api_client, [{"upc": MILK, "quantity": 1}], key="k-500")

    assert first.status_code == 503
    assert first.json()["code"] == "kroger_cart_outcome_unknown"
    assert again.status_code == 200
    assert again.json()["status"] == "unknown"
    assert len(cart_calls(kroger_cart)) == 1


def test_rate_limited_is_a_429_and_a_retry_with_the_same_key_sends_again(api_client, user, kroger_cart):
    kroger_cart.put(
        CART_URL, status=429, headers={"Retry-After": "30"}, json={"errors": {"reason": "slow down"}}
    )
    kroger_cart.put(CART_URL, status=204)

    first = add(api_client, [{"upc": MILK, "quantity": 1}], key="k-429")
    assert first.status_code == 429
    assert first.json()["code"] == "kroger_rate_limited"
    assert first["Retry-After"] == "30"
    assert CartSend.objects.get(owner=user).status == CartSend.Status.FAILED

    retry = add(api_client, [{"upc": MILK, "quantity": 1}], key="k-429")

    assert retry.status_code == 201
    assert retry.json()["status"] == "succeeded"
    assert CartSend.objects.count() == 1
    assert len(cart_calls(kroger_cart)) == 2


def test_kroger_refusing_an_item_is_a_400_recorded_as_failed(api_client, user, kroger_cart):
    kroger_cart.put(
        CART_URL,
        status=400,
        json={
            "errors": {
                "timestamp": 1,
                "code": "API-4101-400",
                "reason": "UPC must have a length of 13 characters",
            }
        },
    )

    response = add(api_client, [{"upc": MILK, "quantity": 1}])

    assert response.status_code == 400
    assert "UPC must have a length of 13 characters" in response.json()["detail"]
    send = CartSend.objects.get(owner=user)
    assert send.status == CartSend.Status.FAILED
    assert "UPC must have a length" in send.error_message


def test_kroger_unreachable_before_sending_is_a_503_recorded_as_failed(api_client, user, kroger_cart):
    kroger_cart.put(CART_URL, body=requests.exceptions.ConnectTimeout("no route"))

    response = add(api_client, [{"upc": MILK, "quantity": 1}])

    assert response.status_code == 503
    assert response.json()["code"] == "kroger_unavailable"
    assert CartSend.objects.get(owner=user).status == CartSend.Status.FAILED


class TestLedger:
    def test_lists_only_my_sends_newest_first(self, api_client, user, other_user):
        older = CartSendFactory(owner=user, status=CartSend.Status.SUCCEEDED)
        newer = CartSendFactory(owner=user, status=CartSend.Status.UNKNOWN)
        CartSendFactory(owner=other_user)

        response = api_client.get("/api/cart/sends")

        assert response.status_code == 200
        assert [row["id"] for row in response.json()["results"]] == [newer.id, older.id]
        assert response.json()["results"][0]["status_display"] == "Outcome unknown"

    def test_is_paginated(self, api_client, user):
        CartSendFactory.create_batch(3, owner=user)

        response = api_client.get("/api/cart/sends", {"page_size": 2})

        assert response.json()["count"] == 3
        assert len(response.json()["results"]) == 2
        assert response.json()["next"]

    def test_one_of_my_sends(self, api_client, user):
        send = CartSendFactory(owner=user, error_message="Kroger said no")

        response = api_client.get(f"/api/cart/sends/{send.id}")

        assert response.status_code == 200
        assert response.json()["error_message"] == "Kroger said no"
        assert response.json()["items"] == [{"upc": MILK, "quantity": 1, "modality": "PICKUP", "added": None}]

    def test_someone_elses_send_is_a_404(self, api_client, other_user):
        send = CartSendFactory(owner=other_user)

        assert api_client.get(f"/api/cart/sends/{send.id}").status_code == 404

    def test_listing_takes_a_fixed_number_of_queries(self, api_client, user, django_assert_max_num_queries):
        CartSendFactory.create_batch(5, owner=user)

        with django_assert_max_num_queries(3):
            api_client.get("/api/cart/sends")
