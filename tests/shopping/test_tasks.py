"""Celery tasks, run eagerly (no broker): pick refreshes in batches; cart sends retried, never added twice."""

import copy
import json
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from celery.exceptions import Retry

from accounts.access import household_of
from kroger.errors import KrogerCartOutcomeUnknown
from shopping.models import CartSend
from shopping.services.cart import send_items_to_cart
from shopping.tasks import refresh_remembered_picks, remembered_stock, send_cart
from tests.factories import SelectionFactory
from tests.helpers import OTHER_STORE, STORE, on_a_worker
from tests.kroger.kroger_fakes import payload

pytestmark = pytest.mark.django_db

BASE = "https://kroger.sandbox.test"
CART_ADD = f"{BASE}/v1/cart/add"
ITEMS = [{"upc": "0001111041700", "quantity": 2, "modality": "PICKUP"}]


def _product(product_id: str, price: float) -> dict:
    item = copy.deepcopy(payload("product_search.json")["data"][0])
    item["productId"] = item["upc"] = product_id
    item["items"][0]["price"] = {"regular": price, "promo": 0}
    item["items"][0]["inventory"] = {"stockLevel": "LOW"}
    return item


def test_the_daily_refresh_updates_prices_per_store_in_batches_of_50(kroger_http, user):
    stale = [SelectionFactory(owner=user, location_id=STORE, price=Decimal("9.99")) for _ in range(60)]
    elsewhere = SelectionFactory(owner=user, location_id=OTHER_STORE, product_id=stale[0].product_id)
    anywhere = SelectionFactory(owner=user, location_id="", price=Decimal("1.00"))
    asked = []

    def products(request):
        query = parse_qs(urlsplit(request.url).query)
        ids = query["filter.productId"][0].split(",")
        asked.append((query["filter.locationId"][0], len(ids)))
        price = 2.5 if query["filter.locationId"][0] == STORE else 3.0
        return 200, {}, json.dumps({"data": [_product(pid, price) for pid in ids]})

    kroger_http.add_callback(responses.GET, f"{BASE}/v1/products", callback=products)

    stores = refresh_remembered_picks.delay().get()
    refresh_remembered_picks.delay().get()  # again: same values, same rows

    assert stores == 2
    assert sorted(asked) == sorted(
        [(STORE, 50), (STORE, 10), (OTHER_STORE, 1)]
    )  # the second run hit the cache
    for pick in stale:
        pick.refresh_from_db()
        assert pick.price == Decimal("2.50")
    elsewhere.refresh_from_db()
    anywhere.refresh_from_db()
    assert elsewhere.price == Decimal("3.00") and anywhere.price == Decimal("1.00")
    assert remembered_stock(STORE, stale[0].product_id) == "LOW"


def test_a_queued_cart_send_is_retried_after_a_429_and_adds_once(
    kroger_cart, user, django_capture_on_commit_callbacks
):
    kroger_cart.add(responses.PUT, CART_ADD, status=429, json={"errors": {"reason": "slow down"}})
    kroger_cart.add(responses.PUT, CART_ADD, status=204)

    with django_capture_on_commit_callbacks(execute=True):
        send = send_items_to_cart(user=user, items=ITEMS, idempotency_key="k-1", background=True)

    send.refresh_from_db()
    assert send.status == CartSend.Status.SUCCEEDED
    assert [item["added"] for item in send.items] == [True]
    assert len(kroger_cart.calls) == 2


def test_a_send_whose_outcome_kroger_left_unknown_is_never_retried(
    kroger_cart, user, django_capture_on_commit_callbacks
):
    kroger_cart.add(responses.PUT, CART_ADD, status=502)
    kroger_cart.add(responses.PUT, CART_ADD, status=204)

    with django_capture_on_commit_callbacks(execute=True):
        send = send_items_to_cart(user=user, items=ITEMS, idempotency_key="k-2", background=True)
    again = send_cart.delay(send.pk).get()

    send.refresh_from_db()
    assert send.status == CartSend.Status.UNKNOWN and send.error_code == KrogerCartOutcomeUnknown.code
    assert again == CartSend.Status.UNKNOWN
    assert len(kroger_cart.calls) == 1


def test_running_a_finished_send_again_calls_nobody(kroger_cart, user, django_capture_on_commit_callbacks):
    kroger_cart.add(responses.PUT, CART_ADD, status=204)
    with django_capture_on_commit_callbacks(execute=True):
        send = send_items_to_cart(user=user, items=ITEMS, idempotency_key="k-3", background=True)

    results = [send_cart.delay(send.pk).get() for _ in range(3)]

    assert results == [CartSend.Status.SUCCEEDED] * 3
    assert len(kroger_cart.calls) == 1


def test_a_worker_that_died_mid_call_leaves_an_unknown_outcome_not_a_resend(kroger_cart, user):
    send = CartSend.objects.create(
        household=household_of(user),
        owner=user,
        items=[{**ITEMS[0], "added": None, "sending": True}],
        idempotency_key="k-4",
    )

    status = send_cart.delay(send.pk).get()

    assert status == CartSend.Status.UNKNOWN
    assert len(kroger_cart.calls) == 0


def test_on_a_worker_a_429_schedules_a_retry_with_kroger_s_retry_after(kroger_cart, user):
    kroger_cart.add(responses.PUT, CART_ADD, status=429, headers={"Retry-After": "40"}, json={})
    kroger_cart.add(responses.PUT, CART_ADD, status=204)
    send = CartSend.objects.create(
        household=household_of(user), owner=user, items=[{**ITEMS[0], "added": None}], idempotency_key="k-5"
    )

    # Run as a worker runs it (not eagerly): Celery's own retry publishes the next try, which
    # without a broker here runs at once, as the worker would run it once the countdown is up.
    with on_a_worker(send_cart, send.pk), pytest.raises(Retry) as scheduled:
        send_cart.run(send.pk)

    send.refresh_from_db()
    assert (type(scheduled.value.exc).__name__, scheduled.value.when) == ("KrogerRateLimited", 40)
    assert tuple(scheduled.value.sig.args) == (send.pk,)
    assert send.status == CartSend.Status.SUCCEEDED
    assert [item["added"] for item in send.items] == [True]
    assert len(kroger_cart.calls) == 2
