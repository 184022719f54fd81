"""send_items_to_cart: batching, the ledger's per-item outcome, and safe retries."""

import json

import pytest
import requests

from kroger.errors import KrogerBadRequest, KrogerCartOutcomeUnknown
from kroger.schemas import CartItem
from shopping.models import CartSend
from shopping.services.cart import BATCH_SIZE, CartSendInProgress, IdempotencyKeyReused, send_items_to_cart
from tests.factories import CartSendFactory, ShoppingListFactory

pytestmark = pytest.mark.django_db

CART_URL = "https://kroger.sandbox.test/v1/cart/add"


def items(count):
    return [CartItem(upc=f"{n:013d}", quantity=1) for n in range(1, count + 1)]


def sent_upcs(mock):
    """The UPCs of each cart call Kroger received, call by call."""
    return [[item["upc"] for item in json.loads(call.request.body)["items"]] for call in mock.calls]


def test_a_large_send_goes_in_batches_and_is_one_ledger_row(user, kroger_cart):
    kroger_cart.put(CART_URL, status=204)

    send = send_items_to_cart(user=user, items=items(BATCH_SIZE + 5))

    assert [len(batch) for batch in sent_upcs(kroger_cart)] == [BATCH_SIZE, 5]
    assert send.status == CartSend.Status.SUCCEEDED
    assert CartSend.objects.count() == 1
    assert all(item["added"] is True for item in send.items)


def test_a_failed_second_batch_says_how_many_were_added(user, kroger_cart):
    kroger_cart.put(CART_URL, status=204)
    kroger_cart.put(CART_URL, status=400, json={"errors": {"reason": "Cannot parse parameters"}})

    with pytest.raises(KrogerBadRequest):
        send_items_to_cart(user=user, items=items(BATCH_SIZE + 2), idempotency_key="big")

    send = CartSend.objects.get()
    assert send.status == CartSend.Status.FAILED
    assert send.error_message.startswith(f"{BATCH_SIZE} of {BATCH_SIZE + 2} items were added.")
    assert [item["added"] for item in send.items[-3:]] == [True, False, False]


def test_retrying_a_partly_failed_send_sends_only_what_is_missing(user, kroger_cart):
    kroger_cart.put(CART_URL, status=204)
    kroger_cart.put(CART_URL, status=400, json={"errors": {"reason": "Cannot parse parameters"}})
    kroger_cart.put(CART_URL, status=204)
    wanted = items(BATCH_SIZE + 2)
    with pytest.raises(KrogerBadRequest):
        send_items_to_cart(user=user, items=wanted, idempotency_key="big")

    send = send_items_to_cart(user=user, items=wanted, idempotency_key="big")

    assert send.status == CartSend.Status.SUCCEEDED
    assert send.error_message == ""
    assert sent_upcs(kroger_cart)[-1] == [item.upc for item in wanted[BATCH_SIZE:]]


def test_no_answer_leaves_the_unanswered_items_unknown(user, kroger_cart):
    kroger_cart.put(CART_URL, body=requests.exceptions.ReadTimeout("no answer"))

    with pytest.raises(KrogerCartOutcomeUnknown):
        send_items_to_cart(user=user, items=items(2), idempotency_key="t")

    send = CartSend.objects.get()
    assert send.status == CartSend.Status.UNKNOWN
    assert send.error_code == "kroger_cart_outcome_unknown"
    assert [item["added"] for item in send.items] == [None, None]


def test_an_unknown_send_is_never_resent_with_its_key(user, kroger_cart):
    kroger_cart.put(CART_URL, body=requests.exceptions.ReadTimeout("no answer"))
    with pytest.raises(KrogerCartOutcomeUnknown):
        send_items_to_cart(user=user, items=items(1), idempotency_key="t")

    send = send_items_to_cart(user=user, items=items(1), idempotency_key="t")

    assert send.replayed is True
    assert send.status == CartSend.Status.UNKNOWN
    assert len(kroger_cart.calls) == 1


def test_a_send_still_running_with_the_same_key_is_refused(user):
    CartSendFactory(owner=user, idempotency_key="busy", status=CartSend.Status.PENDING)

    with pytest.raises(CartSendInProgress):
        send_items_to_cart(user=user, items=[{"upc": "0001111041700", "quantity": 1}], idempotency_key="busy")


def test_the_same_key_with_other_items_is_refused(user):
    CartSendFactory(owner=user, idempotency_key="k", status=CartSend.Status.SUCCEEDED)

    with pytest.raises(IdempotencyKeyReused):
        send_items_to_cart(user=user, items=[{"upc": "0001111041700", "quantity": 5}], idempotency_key="k")


def test_dict_items_and_a_shopping_list_are_recorded(user, kroger_cart):
    kroger_cart.put(CART_URL, status=204)
    shopping_list = ShoppingListFactory(owner=user)

    send = send_items_to_cart(
        user=user, items=[{"upc": "0001111041700", "quantity": 3}], shopping_list=shopping_list
    )

    send.refresh_from_db()
    assert send.shopping_list == shopping_list
    assert send.items == [{"upc": "0001111041700", "quantity": 3, "modality": "PICKUP", "added": True}]
    assert json.loads(kroger_cart.calls[0].request.body) == {
        "items": [{"upc": "0001111041700", "quantity": 3, "modality": "PICKUP"}]
    }
