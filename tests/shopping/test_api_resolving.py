"""Resolving a list robustly: in the background (202), one resolve at a time (409), a killed
resolve's hold expiring, and a deadline that leaves slow lines pending instead of failing."""

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
import time_machine
from celery.exceptions import Retry
from django.utils import timezone

from kroger.client import SAFE_SEARCH_LIMIT
from shopping.models import ListItem, ShoppingList
from shopping.services import resolving
from shopping.tasks import resolve_list_lines
from tests.helpers import on_a_worker
from tests.kroger.kroger_fakes import payload

pytestmark = pytest.mark.django_db

BASE = "https://kroger.sandbox.test"
SLOW = "Kroger is slow — still trying"
FIVE_LINES = "whole milk\norganic bananas\na dozen eggs\nbutter\ncoffee"


def new_list(api, text=FIVE_LINES) -> int:
    return api.post("/api/lists", {"name": "Weekly", "text": text}, format="json").json()["id"]


def resolve(api, list_id, **body):
    return api.post(f"/api/lists/{list_id}/resolve", body, format="json")


def test_resolving_in_the_background_answers_202_and_the_list_shows_the_progress(api, kroger_sandbox):
    list_id = new_list(api)

    response = resolve(api, list_id, background=True)

    # Without a broker the task runs in-process, so it is done by the time the 202 is sent.
    assert response.status_code == 202
    assert response.json()["progress"]["looking"] == 0
    shown = api.get(f"/api/lists/{list_id}").json()
    assert shown["resolving"] is False
    assert shown["progress"]["total"] == 5 and shown["progress"]["looking"] == 0
    assert "pending" not in {item["status"] for item in shown["items"]}


def test_a_resolve_while_another_runs_gets_409_with_the_progress_and_nothing_is_resolved_twice(
    api, kroger_http
):
    list_id = new_list(api, "whole milk")
    during = []

    def search(request):
        # Kroger is answering the first resolve: a second one arrives now.
        during.append(resolve(api, list_id))
        during.append(api.get(f"/api/lists/{list_id}").json())
        return 200, {}, json.dumps(payload("product_search.json"))

    kroger_http.add_callback(responses.GET, f"{BASE}/v1/products", callback=search)

    first = resolve(api, list_id)

    second, seen = during
    assert second.status_code == 409
    assert second.json()["code"] == "resolve_in_progress"
    assert second.json()["progress"]["total"] == 1
    assert seen["resolving"] is True
    assert first.status_code == 200 and first.json()["resolving"] is False
    assert len([call for call in kroger_http.calls if "/v1/products" in call.request.url]) == 1


def test_a_killed_resolves_hold_expires_and_the_next_resolve_takes_over(api, kroger_sandbox, settings):
    settings.LIST_RESOLVE_LEASE_S = 120
    list_id = new_list(api)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        resolving.take_lease(ShoppingList.objects.get(pk=list_id))  # a worker took it, then was killed

        held = resolve(api, list_id)
        traveller.shift(timedelta(seconds=121))
        shown = api.get(f"/api/lists/{list_id}").json()
        taken_over = resolve(api, list_id)

    assert held.status_code == 409 and held.json()["progress"]["looking"] == 5
    assert shown["resolving"] is False
    assert taken_over.status_code == 200
    assert taken_over.json()["progress"]["looking"] == 0


def test_past_the_deadline_lines_stay_pending_saying_kroger_is_slow_and_nothing_is_lost(
    api, kroger_sandbox, settings
):
    settings.LIST_RESOLVE_DEADLINE_S = 1
    settings.LIST_RESOLVE_WORKERS = 1  # one search at a time: each takes 0.4 s of the second
    list_id = new_list(api)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        kroger_sandbox.set_sleep(lambda seconds: traveller.shift(seconds))
        kroger_sandbox.set_fault("products", latency_ms=400)

        response = resolve(api, list_id)

    assert response.status_code == 200
    items = response.json()["items"]
    answered = [item for item in items if item["status"] != "pending"]
    slow = [item for item in items if item["status"] == "pending"]
    assert len(answered) == 3 and all(item["product_id"] for item in answered)
    assert len(slow) == 2 and {item["reason"] for item in slow} == {SLOW}
    assert response.json()["progress"]["looking"] == 2
    kroger_sandbox.clear_faults()
    again = resolve(api, list_id)  # without a background worker, resolving again finishes them
    assert again.json()["progress"]["looking"] == 0


def test_the_page_shows_slow_lines_as_still_being_looked_up(
    logged_in_client, shopper, kroger_sandbox, settings
):
    settings.LIST_RESOLVE_DEADLINE_S = 1
    settings.LIST_RESOLVE_WORKERS = 1
    shopping_list = resolving_list(shopper)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        kroger_sandbox.set_sleep(lambda seconds: traveller.shift(seconds))
        kroger_sandbox.set_fault("products", latency_ms=700)
        logged_in_client.post(f"/lists/{shopping_list.pk}/resolve")

    html = logged_in_client.get(f"/lists/{shopping_list.pk}/").content.decode()
    # The first two searches ran (0.7 s each; the sandbox ignores our cut timeout), the rest waited.
    assert html.count(SLOW) == 2
    assert "2 to look up" in html


def resolving_list(shopper) -> ShoppingList:
    from shopping.services.lists import create_list_from_text

    return create_list_from_text(owner=shopper, text="whole milk\norganic bananas\na dozen eggs\nbutter")


def test_a_second_run_of_the_task_changes_nothing(api, kroger_sandbox):
    list_id = new_list(api)
    assert resolve(api, list_id, background=True).status_code == 202
    picked = dict(ListItem.objects.filter(shopping_list_id=list_id).values_list("pk", "updated_at"))

    assert resolve_list_lines.delay(list_id).get() == "done"

    assert dict(ListItem.objects.filter(shopping_list_id=list_id).values_list("pk", "updated_at")) == picked


def test_on_a_worker_lines_kroger_failed_are_retried_with_backoff(shopper, kroger_http):
    from shopping.services.lists import create_list_from_text

    shopping_list = create_list_from_text(owner=shopper, text="whole milk\na dozen eggs")
    line_ids = sorted(shopping_list.items.values_list("pk", flat=True))
    failed = set()  # the terms whose first search Kroger failed, down to the small-page retry

    def search(request):
        # Kroger is down for each line's first search, back for the retry's.
        query = parse_qs(urlsplit(request.url).query)
        term, limit = query["filter.term"][0], int(query["filter.limit"][0])
        if term in failed:
            return 200, {}, json.dumps(payload("product_search.json"))
        if limit <= SAFE_SEARCH_LIMIT:
            failed.add(term)
        return 503, {}, "{}"

    kroger_http.add_callback(responses.GET, f"{BASE}/v1/products", callback=search)

    with on_a_worker(resolve_list_lines, shopping_list.pk), pytest.raises(Retry) as scheduled:
        resolve_list_lines.run(shopping_list.pk)

    assert len(failed) == 2  # each line failed once, on the first try
    assert tuple(scheduled.value.sig.args) == (shopping_list.pk, "", line_ids, None)
    assert scheduled.value.when == 5
    assert "error" not in set(shopping_list.items.values_list("status", flat=True))
    assert all(shopping_list.items.values_list("product_id", flat=True))
    assert ShoppingList.objects.get(pk=shopping_list.pk).is_resolving is False


def test_the_task_leaves_a_list_another_resolve_holds_alone(api, kroger_sandbox):
    list_id = new_list(api)
    resolving.take_lease(ShoppingList.objects.get(pk=list_id))

    assert resolve_list_lines.delay(list_id).get() == "busy"

    assert set(ListItem.objects.filter(shopping_list_id=list_id).values_list("status", flat=True)) == {
        "pending"
    }


def test_a_strangers_list_cannot_be_resolved_in_the_background(api, kroger_sandbox, other_user):
    from tests.factories import ShoppingListFactory

    theirs = ShoppingListFactory(owner=other_user)
    assert resolve(api, theirs.pk, background=True).status_code == 404


def test_on_a_worker_a_held_list_is_looked_at_again_once_the_hold_would_have_run_out(
    shopper, kroger_sandbox, settings
):
    """The holder may be a killed worker: its lines must not wait for a shopper to come back."""
    from shopping.services.lists import create_list_from_text

    settings.LIST_RESOLVE_LEASE_S = 120
    shopping_list = create_list_from_text(owner=shopper, text="whole milk")
    resolving.take_lease(shopping_list)  # a worker took it, then was killed

    with on_a_worker(resolve_list_lines, shopping_list.pk), pytest.raises(Retry) as scheduled:
        # The retry Celery runs at once finds the hold still there and leaves the line alone.
        resolve_list_lines.run(shopping_list.pk, "a-lease-that-was-taken-over")
    untouched = shopping_list.items.get().product_id
    with time_machine.travel(timezone.now() + timedelta(seconds=121), tick=False):
        outcome = scheduled.value.sig.apply().get()  # the retry, once the hold would have run out

    assert scheduled.value.when == 120
    assert untouched == ""
    assert outcome == "done"
    assert shopping_list.items.get().product_id
