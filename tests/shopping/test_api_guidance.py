"""The guidance API: /api/guidance through real URLs, as the owner and as a stranger."""

import pytest
from rest_framework.test import APIClient

from accounts.access import household_of
from shopping.models import Guidance
from tests.factories import GuidanceFactory
from tests.helpers import assert_list_queries_do_not_grow

pytestmark = pytest.mark.django_db

LIST = "/api/guidance"


def detail(pk):
    return f"/api/guidance/{pk}"


def test_owner_adds_a_line_and_it_is_trimmed_and_appended(api_client, user):
    GuidanceFactory(owner=user, text="Store brand for staples", position=4)

    response = api_client.post(LIST, {"text": "  Free-range eggs  ", "applies_to": " eggs "}, format="json")

    assert response.status_code == 201
    assert response.json()["text"] == "Free-range eggs"
    assert response.json()["applies_to"] == "eggs"
    assert response.json()["position"] == 5
    assert Guidance.objects.get(pk=response.json()["id"]).owner == user


def test_each_line_comes_with_what_the_picker_understood(api_client, user):
    created = api_client.post(LIST, {"text": "Free-range eggs; whatever looks nice"}, format="json")
    line_id = created.json()["id"]
    edited = api_client.patch(detail(line_id), {"text": "buy whatever looks nice"}, format="json")

    assert created.json()["reading"] == {
        "understood": ["Prefers: free-range (eggs)"],
        "not_understood": ["whatever looks nice"],
        "note": "Not understood, so ignored: “whatever looks nice”",
    }
    assert edited.json()["reading"] == {
        "understood": [],
        "not_understood": ["buy whatever looks nice"],
        "note": "Not understood as a rule — the picker will ignore this line",
    }


def test_list_is_in_position_order_and_paginated(api_client, user):
    GuidanceFactory(owner=user, text="second", position=2)
    GuidanceFactory(owner=user, text="first", position=1)

    response = api_client.get(LIST)

    assert response.status_code == 200
    assert response.json()["count"] == 2
    assert [line["text"] for line in response.json()["results"]] == ["first", "second"]


def test_page_size_is_capped(api_client, user):
    # More rows than the cap (written directly: the per-user line limit is the API's, not the table's).
    Guidance.objects.bulk_create(
        Guidance(owner=user, household=household_of(user), text=f"line {n}", position=n) for n in range(205)
    )

    response = api_client.get(LIST, {"page_size": 2})
    capped = api_client.get(LIST, {"page_size": 1000})
    huge = api_client.get(LIST, {"page_size": 10**30})

    assert len(response.json()["results"]) == 2
    assert len(capped.json()["results"]) == 200
    assert capped.json()["count"] == 205 and capped.json()["next"]
    assert huge.status_code == 200 and len(huge.json()["results"]) == 200


def test_owner_reads_updates_and_deletes_a_line(api_client, user):
    line = GuidanceFactory(owner=user, text="old")

    assert api_client.get(detail(line.pk)).json()["text"] == "old"
    put = api_client.put(detail(line.pk), {"text": "new", "applies_to": "milk"}, format="json")
    patch = api_client.patch(detail(line.pk), {"applies_to": ""}, format="json")
    delete = api_client.delete(detail(line.pk))

    assert put.status_code == 200 and put.json()["applies_to"] == "milk"
    assert patch.status_code == 200 and patch.json()["text"] == "new" and patch.json()["applies_to"] == ""
    assert delete.status_code == 204
    assert not Guidance.objects.filter(pk=line.pk).exists()


def test_strangers_lines_are_not_listed(api_client, other_user):
    GuidanceFactory(owner=other_user)

    assert api_client.get(LIST).json()["count"] == 0


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_stranger_gets_404_on_someone_elses_line(api_client, other_user, method):
    line = GuidanceFactory(owner=other_user, text="theirs")

    response = getattr(api_client, method)(detail(line.pk), {"text": "mine now"}, format="json")

    assert response.status_code == 404
    line.refresh_from_db()
    assert line.text == "theirs"


def test_reorder_puts_own_lines_in_the_given_order(api_client, user):
    a, b, c = GuidanceFactory.create_batch(3, owner=user)

    response = api_client.post(f"{LIST}/reorder", {"ids": [c.pk, a.pk]}, format="json")

    assert response.status_code == 200
    assert [line["id"] for line in response.json()] == [c.pk, a.pk, b.pk]
    assert [line["id"] for line in api_client.get(LIST).json()["results"]] == [c.pk, a.pk, b.pk]


def test_reorder_refuses_someone_elses_line_and_changes_nothing(api_client, user, other_user):
    mine = GuidanceFactory(owner=user, position=0)
    mine2 = GuidanceFactory(owner=user, position=1)
    theirs = GuidanceFactory(owner=other_user, position=7)

    response = api_client.post(f"{LIST}/reorder", {"ids": [mine2.pk, theirs.pk, mine.pk]}, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found" and str(theirs.pk) in response.json()["detail"]
    theirs.refresh_from_db()
    mine.refresh_from_db()
    assert (theirs.position, mine.position) == (7, 0)


@pytest.mark.parametrize(
    "payload",
    [
        {"ids": []},
        {"ids": [1, 1]},
        {"ids": "1,2"},
        {"ids": [10**40]},
        {"ids": [None]},
        {},
    ],
)
def test_reorder_rejects_bad_input_with_400(api_client, user, payload):
    line = GuidanceFactory(owner=user)
    if payload.get("ids") == [1, 1]:
        payload = {"ids": [line.pk, line.pk]}

    assert api_client.post(f"{LIST}/reorder", payload, format="json").status_code == 400


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 501}, "text"),
        ({"text": None}, "text"),
        ({"text": {"nested": "object"}}, "text"),
        ({"text": "ok", "applies_to": "y" * 101}, "applies_to"),
        ({}, "text"),
    ],
)
def test_invalid_guidance_gets_field_errors(api_client, payload, field):
    response = api_client.post(LIST, payload, format="json")

    assert response.status_code == 400
    assert field in response.json()


def test_a_lone_surrogate_is_refused_not_a_crash(api_client):
    response = api_client.generic(
        "POST", LIST, b'{"text": "bad \\ud800 surrogate"}', content_type="application/json"
    )

    assert response.status_code == 400
    assert "text" in response.json()


def test_longest_allowed_text_is_accepted(api_client):
    assert api_client.post(LIST, {"text": "x" * 500}, format="json").status_code == 201


def test_lines_per_user_are_limited_with_a_clear_message(api_client, user, other_user, settings):
    settings.MAX_GUIDANCE_LINES_PER_USER = 2
    GuidanceFactory.create_batch(2, owner=user)
    GuidanceFactory.create_batch(2, owner=other_user)

    response = api_client.post(LIST, {"text": "one too many"}, format="json")

    assert response.status_code == 400
    assert "at most 2 guidance lines" in response.json()["non_field_errors"][0]
    assert Guidance.objects.filter(owner=user).count() == 2


@pytest.mark.parametrize(
    ("body", "content_type"),
    [(b"{not json", "application/json"), (b"[1, 2]", "application/json"), (b"text", "text/plain")],
)
def test_malformed_bodies_are_client_errors(api_client, body, content_type):
    response = api_client.generic("POST", LIST, body, content_type=content_type)

    assert 400 <= response.status_code < 500


def test_anonymous_requests_get_401(db):
    response = APIClient().get(LIST)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_list_query_count_does_not_grow_with_rows(api_client, user, django_assert_max_num_queries):
    assert_list_queries_do_not_grow(
        api_client, LIST, lambda n: GuidanceFactory.create_batch(n, owner=user), django_assert_max_num_queries
    )


def test_unknown_api_paths_answer_json_404(api_client):
    response = api_client.get("/api/guidance/not-a-number")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}
