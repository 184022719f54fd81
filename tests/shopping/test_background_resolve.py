"""Resolving in the background, on a real Celery worker where CI gives a broker (else eagerly).

The worker is another process: it sees committed rows only (hence `transaction=True`) and
reaches the sandbox over HTTP on the live server, as the eager runs here do too.
"""

import time

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from kroger.sandbox import store as sandbox_store
from tests.helpers import STORE

pytestmark = pytest.mark.django_db(transaction=True)

SLOW = "Kroger is slow — still trying"
FIVE_LINES = "whole milk\norganic bananas\na dozen eggs\nbutter\ncoffee"
WORKER_SECONDS = 90  # a loaded CI machine: the worker's start-up plus five searches


@pytest.fixture
def api(background_worker, live_site, user):
    user.preferred_location_id = STORE
    user.save()
    client = APIClient()
    client.force_authenticate(user)
    return client


def new_list(api) -> int:
    return api.post("/api/lists", {"name": "Weekly", "text": FIVE_LINES}, format="json").json()["id"]


def when_done(api, list_id: int) -> dict:
    """The list once no line is left to look up and nobody is resolving it (the worker is
    another process: its progress can only be read, so this polls, up to WORKER_SECONDS)."""
    give_up = time.monotonic() + WORKER_SECONDS
    while True:
        body = api.get(f"/api/lists/{list_id}").json()
        if (body["progress"]["looking"] == 0 and not body["resolving"]) or time.monotonic() > give_up:
            return body
        time.sleep(0.2)


def test_a_background_resolve_answers_202_and_the_worker_picks_every_line(api, background_worker):
    list_id = new_list(api)

    response = api.post(f"/api/lists/{list_id}/resolve", {"background": True}, format="json")

    assert response.status_code == 202
    assert response.json()["progress"]["total"] == 5
    done = when_done(api, list_id)
    assert done["progress"]["looking"] == 0 and done["progress"]["failed"] == 0
    assert all(item["product_id"] for item in done["items"])


def test_lines_the_deadline_left_pending_are_finished_in_the_background(api, background_worker, settings):
    settings.LIST_RESOLVE_DEADLINE_S = 1
    settings.LIST_RESOLVE_WORKERS = 1  # one search at a time: the first outlasts the deadline
    list_id = new_list(api)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        # Kroger's latency passes on the clock the deadline reads, not in real time.
        sandbox_store.set_sleep(traveller.shift)
        sandbox_store.set_fault("products", latency_ms=1500)
        first = api.post(f"/api/lists/{list_id}/resolve", {}, format="json").json()
        sandbox_store.clear_faults()  # Kroger recovers
        sandbox_store.set_sleep(time.sleep)

    slow = [item for item in first["items"] if item["status"] == "pending"]
    assert len(slow) == 4 and {item["reason"] for item in slow} == {SLOW}
    assert first["progress"]["looking"] == 4
    # Handed on to the worker, the list stays held; with no worker, nothing is running.
    assert first["resolving"] is (background_worker == "celery")
    if background_worker == "eager":
        api.post(f"/api/lists/{list_id}/resolve", {}, format="json")  # the shopper resolves again
    done = when_done(api, list_id)
    assert done["progress"]["looking"] == 0 and done["progress"]["failed"] == 0
    assert SLOW not in {item["reason"] for item in done["items"]}
