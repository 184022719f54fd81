"""The lists API through real URLs: CRUD, resolve, line changes, remember, send-to-cart, isolation."""

from decimal import Decimal

import pytest
import responses
from django.core.management import call_command
from rest_framework.test import APIClient

from shopping.models import Guidance, Selection, ShoppingList
from shopping.services import resolving
from tests.factories import (
    GuidanceFactory,
    ListItemFactory,
    SelectionFactory,
    ShoppingListFactory,
    UserFactory,
)
from tests.helpers import STORE

pytestmark = pytest.mark.django_db

MILK_GALLON = "0001111041700"


# Lines with one obvious pick at the sandbox store ("milk" alone needs a choice: whole or 2%?).
def create(api, text="whole milk, organic bananas\na dozen eggs", **extra):
    return api.post("/api/lists", {"name": "Weekly", "text": text, **extra}, format="json")


def test_creating_a_list_parses_the_text_into_pending_lines(api):
    response = create(api)
    assert response.status_code == 201
    body = response.json()
    assert (body["name"], body["location_id"], body["total"]) == ("Weekly", STORE, "0.00")
    assert [(i["term"], i["quantity"], i["status"]) for i in body["items"]] == [
        ("whole milk", 1, "pending"),
        ("organic bananas", 1, "pending"),
        ("eggs", 1, "pending"),
    ]


def test_without_a_store_creating_a_list_is_a_400_on_location_id(api, shopper):
    shopper.preferred_location_id = ""
    shopper.save()
    response = create(api)
    assert response.status_code == 400
    assert response.json() == {"location_id": ["Choose your store first: prices and stock depend on it."]}
    assert not ShoppingList.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": ""}, "text"),
        ({}, "text"),
        ({"text": "x" * 10_001}, "text"),
        ({"text": "milk", "location_id": "nope"}, "location_id"),
        ({"text": "milk", "name": "n" * 101}, "name"),
    ],
)
def test_bad_input_gets_field_errors(api, body, field):
    response = api.post("/api/lists", body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_the_list_of_lists_shows_only_mine_with_counts(api, shopper):
    mine = ShoppingListFactory(owner=shopper)
    ListItemFactory(shopping_list=mine, status="resolved", product_id="0001111041700")
    ListItemFactory(shopping_list=mine, status="needs_choice", product_id="0004300020540")
    ListItemFactory(shopping_list=mine, status="not_found")
    ListItemFactory(shopping_list=mine)
    ShoppingListFactory(owner=UserFactory())
    body = api.get("/api/lists").json()
    assert [(row["id"], row["item_count"], row["ready_count"]) for row in body["results"]] == [
        (mine.pk, 4, 1)
    ]
    assert body["results"][0]["progress"] == {
        "total": 4, "ready": 1, "needs_choice": 1, "not_found": 1, "failed": 0, "looking": 1, "skipped": 0,
        "summary": "1 of 4 ready · 1 needs your choice · 1 not found at this store · 1 to look up",
    }  # fmt: skip


def test_a_line_that_needs_a_choice_is_not_counted_ready_anywhere(api, shopper):
    """The list, the index and sending agree: only picked lines are sent, so only they are ready."""
    shopping_list = ShoppingListFactory(owner=shopper)
    ListItemFactory.create_batch(
        2, shopping_list=shopping_list, status="resolved", product_id="0001111041700"
    )
    ListItemFactory(shopping_list=shopping_list, status="needs_choice", product_id="0004300020540")
    summary = "2 of 3 ready · 1 needs your choice"
    assert api.get("/api/lists").json()["results"][0]["progress"]["summary"] == summary
    assert api.get(f"/api/lists/{shopping_list.pk}").json()["progress"]["summary"] == summary


@pytest.mark.parametrize("lines", [3, 25])
def test_listing_and_reading_lists_take_a_constant_number_of_queries(
    api, shopper, django_assert_max_num_queries, lines
):
    for _ in range(3):
        shopping_list = ShoppingListFactory(owner=shopper)
        ListItemFactory.create_batch(lines, shopping_list=shopping_list)
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/lists").json()["results"]) == 3
    with django_assert_max_num_queries(6):
        assert len(api.get(f"/api/lists/{shopping_list.pk}").json()["items"]) == lines


def test_resolving_through_the_api_returns_the_picked_lines(api, kroger_sandbox):
    list_id = create(api).json()["id"]
    response = api.post(f"/api/lists/{list_id}/resolve", {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert {item["status"] for item in body["items"]} == {"resolved"}
    milk = body["items"][0]
    assert milk["reason"] and 0 <= milk["confidence"] <= 1 and len(milk["alternatives"]) <= 5
    assert Decimal(body["total"]) == sum(Decimal(i["line_total"]) for i in body["items"])


def test_resolving_a_few_lines_at_a_time(api, kroger_sandbox):
    body = create(api).json()
    first = body["items"][0]["id"]
    items = api.post(f"/api/lists/{body['id']}/resolve", {"item_ids": [first]}, format="json").json()["items"]
    assert [item["status"] for item in items] == ["resolved", "pending", "pending"]


@pytest.fixture
def resolved_list(api, kroger_sandbox):
    body = create(api, "milk").json()
    return api.post(f"/api/lists/{body['id']}/resolve", {}, format="json").json()


def item_url(body, suffix=""):
    return f"/api/lists/{body['id']}/items/{body['items'][0]['id']}{suffix}"


def test_swapping_to_an_alternative(api, resolved_list):
    alternative = resolved_list["items"][0]["alternatives"][1]["product_id"]
    response = api.patch(item_url(resolved_list), {"product_id": alternative, "quantity": 3}, format="json")
    assert response.status_code == 200
    line = response.json()
    assert (line["product_id"], line["quantity"], line["source"], line["reason"]) == (
        alternative,
        3,
        "user",
        "Your choice",
    )


@pytest.mark.parametrize("product_id", ["9999999999999", "123"])
def test_only_products_kroger_sells_at_the_store_can_be_chosen(api, resolved_list, product_id):
    response = api.patch(item_url(resolved_list), {"product_id": product_id}, format="json")
    assert response.status_code == 400
    assert "product_id" in response.json()
    assert api.get(item_url(resolved_list)).json()["product_id"] == resolved_list["items"][0]["product_id"]


@pytest.mark.parametrize("body", [{}, {"quantity": 0}, {"quantity": 100}, {"quantity": "lots"}])
def test_bad_line_changes_are_400(api, resolved_list, body):
    assert api.patch(item_url(resolved_list), body, format="json").status_code == 400


def test_searching_again_from_the_api_keeps_the_lines_own_term(api, resolved_list):
    line = api.patch(item_url(resolved_list), {"term": "bananas"}, format="json").json()
    assert (line["term"], line["search_text"]) == ("milk", "bananas")
    assert "Banana" in line["description"]


def test_a_pick_found_by_searching_again_comes_back_for_the_same_line_next_time(api, resolved_list):
    searched = api.patch(item_url(resolved_list), {"term": "organic whole milk"}, format="json").json()
    choice = searched["alternatives"][0]["product_id"]
    api.patch(item_url(resolved_list), {"product_id": choice}, format="json")

    remembered = api.post(item_url(resolved_list, "/remember"), {}, format="json").json()
    assert remembered["term"] == "milk"

    body = create(api, "milk").json()
    with responses.RequestsMock():  # no routes: memory answers without a search
        line = api.post(f"/api/lists/{body['id']}/resolve", {}, format="json").json()["items"][0]
    assert (line["status"], line["source"], line["product_id"]) == ("resolved", "memory", choice)
    assert (line["term"], line["search_text"]) == ("milk", "")


CHEERIOS = "0001600027528"


def test_settling_a_line_that_needed_a_choice_offers_to_remember_it_once(api, shopper):
    shopping_list = ShoppingListFactory(owner=shopper, location_id=STORE)
    item = ListItemFactory(
        shopping_list=shopping_list, raw_text="cereal", term="cereal", status="needs_choice",
        source="rules", product_id=CHEERIOS, brand="General Mills",
        description="General Mills Cheerios Toasted Whole Grain Oat Cereal",
    )  # fmt: skip
    url = f"/api/lists/{shopping_list.pk}/items/{item.pk}"
    assert api.get(url).json()["ask_to_remember"] is False

    line = api.patch(url, {"product_id": CHEERIOS}, format="json").json()  # "Use this"
    assert (line["status"], line["ask_to_remember"]) == ("resolved", True)
    assert line["suggested_guidance"] == "Prefer General Mills for cereal"

    api.post(url + "/remember", {"guidance_text": line["suggested_guidance"]}, format="json")
    assert api.get(url).json()["ask_to_remember"] is False
    assert Guidance.objects.get(owner=shopper).text == "Prefer General Mills for cereal"
    body = create(api, "cereal").json()
    with responses.RequestsMock():
        again = api.post(f"/api/lists/{body['id']}/resolve", {}, format="json").json()["items"][0]
    assert (again["status"], again["source"], again["product_id"]) == ("resolved", "memory", CHEERIOS)
    assert again["ask_to_remember"] is False


def test_remembering_a_line_with_guidance(api, resolved_list, shopper):
    response = api.post(
        item_url(resolved_list, "/remember"), {"guidance_text": "Kroger milk is fine"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["term"], response.json()["location_id"]) == ("milk", STORE)
    assert Guidance.objects.get(owner=shopper).text == "Kroger milk is fine"


def test_remembering_for_any_store(api, resolved_list):
    response = api.post(item_url(resolved_list, "/remember"), {"any_store": True}, format="json")
    assert response.json()["location_id"] == ""


def test_a_line_without_a_product_cannot_be_remembered(api):
    body = create(api, "milk").json()
    response = api.post(item_url(body, "/remember"), {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Pick a product for this line first."]}


def test_deleting_a_line_and_a_list(api, resolved_list):
    assert api.delete(item_url(resolved_list)).status_code == 204
    assert api.get(f"/api/lists/{resolved_list['id']}").json()["items"] == []
    assert api.delete(f"/api/lists/{resolved_list['id']}").status_code == 204
    assert not ShoppingList.objects.exists()


def test_renaming_a_list(api, resolved_list):
    response = api.patch(f"/api/lists/{resolved_list['id']}", {"name": "Party"}, format="json")
    assert (response.status_code, response.json()["name"]) == (200, "Party")


def test_send_to_cart_then_only_the_difference_after_confirmation(
    api, shopper, kroger_sandbox, connect_kroger
):
    profile_id = connect_kroger(shopper)
    body = create(api, "whole milk\norganic bananas").json()
    list_id = body["id"]
    api.post(f"/api/lists/{list_id}/resolve", {}, format="json")

    first = api.post(f"/api/lists/{list_id}/send-to-cart", {}, format="json")
    assert first.status_code == 200
    assert [line["change"] for line in first.json()["sent"]] == ["new", "new"]
    assert first.json()["status"] == "succeeded"
    items = api.get(f"/api/lists/{list_id}").json()["items"]
    assert all(item["in_cart"] for item in items)
    assert {row["upc"] for row in kroger_sandbox.cart_for(profile_id)} == {
        item["product_id"] for item in items
    }

    api.patch(f"/api/lists/{list_id}/items/{items[0]['id']}", {"quantity": 2}, format="json")
    again = api.post(f"/api/lists/{list_id}/send-to-cart", {}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "confirmation_required"
    assert [(c["item_id"], c["quantity"], c["change"]) for c in again.json()["changes"]["lines"]] == [
        (items[0]["id"], 1, "more")
    ]

    confirmed = api.post(f"/api/lists/{list_id}/send-to-cart", {"confirm": True}, format="json")
    assert confirmed.status_code == 200
    assert [line["quantity"] for line in confirmed.json()["sent"]] == [1]
    quantities = {row["upc"]: row["quantity"] for row in kroger_sandbox.cart_for(profile_id)}
    assert quantities[items[0]["product_id"]] == 2


def test_send_to_cart_without_a_kroger_connection_is_a_clear_401(api, kroger_sandbox):
    list_id = create(api, "whole milk").json()["id"]
    items = api.post(f"/api/lists/{list_id}/resolve", {}, format="json").json()["items"]
    assert [item["status"] for item in items] == ["resolved"]  # so there is something to send
    response = api.post(f"/api/lists/{list_id}/send-to-cart", {}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "kroger_reconnect_required"


def test_a_remembered_list_resolves_without_searching_even_when_kroger_is_down(api, shopper):
    SelectionFactory(owner=shopper, term="milk", location_id=STORE, product_id=MILK_GALLON)
    body = create(api, "milk").json()
    with responses.RequestsMock():  # no routes: every Kroger call fails
        line = api.post(f"/api/lists/{body['id']}/resolve", {}, format="json").json()["items"][0]
    # Today's price could not be checked: the remembered pick stands (and is checked when sent).
    assert (line["source"], line["product_id"], line["status"]) == ("memory", MILK_GALLON, "resolved")


def test_a_made_up_product_is_not_remembered_and_one_kroger_stopped_selling_is_never_sent(
    api, shopper, kroger_sandbox, connect_kroger
):
    profile_id = connect_kroger(shopper)
    made_up = {"term": "milk", "product_id": "1234567890123"}
    refused = api.post("/api/selections", made_up, format="json")
    assert refused.status_code == 404
    assert not Selection.objects.exists()
    # A pick remembered when Kroger still sold it, which it no longer knows:
    SelectionFactory(owner=shopper, term="milk", location_id=STORE, product_id="1234567890123")
    list_id = create(api, "milk\nbananas").json()["id"]
    api.post(f"/api/lists/{list_id}/resolve", {}, format="json")

    response = api.post(f"/api/lists/{list_id}/send-to-cart", {}, format="json")

    assert response.status_code == 200
    # Checked with Kroger when resolved: it needs a choice, so it is not sent, and the answer says so.
    assert [(line["raw_text"], line["reason"]) for line in response.json()["not_sent"]] == [
        ("milk", "needs_choice")
    ]
    assert "1234567890123" not in {row["upc"] for row in kroger_sandbox.cart_for(profile_id)}
    assert len(kroger_sandbox.cart_for(profile_id)) == 1  # the bananas
    milk = api.get(f"/api/lists/{list_id}").json()["items"][0]
    assert (milk["status"], milk["needs_choice"], milk["in_cart"]) == ("needs_choice", True, False)


STRANGER_ROUTES = [
    ("get", "/api/lists/{list}"),
    ("patch", "/api/lists/{list}"),
    ("delete", "/api/lists/{list}"),
    ("post", "/api/lists/{list}/resolve"),
    ("post", "/api/lists/{list}/send-to-cart"),
    ("get", "/api/lists/{list}/items/{item}"),
    ("patch", "/api/lists/{list}/items/{item}"),
    ("delete", "/api/lists/{list}/items/{item}"),
    ("post", "/api/lists/{list}/items/{item}/remember"),
]


@pytest.mark.parametrize(("method", "route"), STRANGER_ROUTES)
def test_a_strangers_list_is_404_on_every_route(api, method, route):
    theirs = ShoppingListFactory(owner=UserFactory(), location_id=STORE)
    item = ListItemFactory(shopping_list=theirs, product_id=MILK_GALLON, status="resolved")
    url = route.format(list=theirs.pk, item=item.pk)
    response = getattr(api, method)(url, {"quantity": 2, "name": "mine now"}, format="json")
    assert response.status_code == 404
    theirs.refresh_from_db()
    item.refresh_from_db()
    assert (theirs.name != "mine now", item.quantity, item.sent_quantity) == (True, 1, 0)


def test_a_line_of_another_list_is_404_even_when_both_are_mine(api, shopper):
    one, two = ShoppingListFactory(owner=shopper), ShoppingListFactory(owner=shopper)
    item = ListItemFactory(shopping_list=two)
    assert api.get(f"/api/lists/{one.pk}/items/{item.pk}").status_code == 404


def test_signed_out_callers_are_refused(db):
    assert APIClient().get("/api/lists").status_code in (401, 403)


def test_the_schema_documents_the_lists_api(tmp_path):
    out = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = out.read_text()
    for path in ("/api/lists:", "/api/lists/{id}/resolve:", "/api/lists/{id}/send-to-cart:"):
        assert path in schema
    assert "/api/lists/{list_id}/items/{item_id}/remember:" in schema


def test_the_resolve_service_is_what_the_api_uses(api, shopper, kroger_sandbox):
    body = create(api, "bananas").json()
    shopping_list = ShoppingList.objects.get(pk=body["id"])
    resolving.resolve_list(shopping_list=shopping_list)
    api_items = api.get(f"/api/lists/{body['id']}").json()["items"]
    assert api_items[0]["status"] == "resolved"


def test_guidance_that_is_not_understood_is_reported_with_the_list(api, shopper):
    GuidanceFactory(owner=shopper, text="buy whatever looks nice; organic milk")
    body = create(api, "milk").json()
    assert body["guidance_not_understood"] == ["buy whatever looks nice"]
    assert api.get(f"/api/lists/{body['id']}").json()["guidance_not_understood"] == [
        "buy whatever looks nice"
    ]
