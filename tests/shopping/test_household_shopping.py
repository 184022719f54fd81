"""Shopping together: each member's own Kroger cart, the household-wide recent-send guard, edits
of one line that never silently overwrite each other, API tokens, and joining from the link."""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import HouseholdInvite, Membership, User
from shopping.models import CartSend, ListItem, ShoppingList
from tests.factories import (
    ApiTokenFactory,
    GuidanceFactory,
    HouseholdInviteFactory,
    ListItemFactory,
    ShoppingListFactory,
    UserFactory,
)
from tests.helpers import ALEX, SAM, STORE, household_of, sandbox_path, sign_in_at_sandbox, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def couple(kroger_sandbox, connect_kroger):
    alex = UserFactory(display_name="Alex", preferred_location_id=STORE)
    sam = UserFactory(display_name="Sam", preferred_location_id=STORE, household=household_of(alex))
    connect_kroger(alex, profile_id=ALEX)
    connect_kroger(sam, profile_id=SAM)
    return alex, sam


def _list(client, text, name):
    created = client.post("/api/lists", {"text": text, "name": name}, format="json").json()
    return client.post(f"/api/lists/{created['id']}/resolve", {}, format="json").json()


def test_each_member_sends_to_their_own_kroger_cart_and_the_ledger_is_shared(couple, kroger_sandbox):
    alex, sam = couple
    alexs = _list(signed_in(alex), "whole milk", "Alex's shop")
    sams = _list(signed_in(sam), "organic bananas", "Sam's shop")

    assert (
        signed_in(alex).post(f"/api/lists/{alexs['id']}/send-to-cart", {}, format="json").status_code == 200
    )
    assert signed_in(sam).post(f"/api/lists/{sams['id']}/send-to-cart", {}, format="json").status_code == 200

    assert [line["upc"] for line in kroger_sandbox.cart_for(ALEX)] == [alexs["items"][0]["product_id"]]
    assert [line["upc"] for line in kroger_sandbox.cart_for(SAM)] == [sams["items"][0]["product_id"]]
    senders = {send.owner for send in CartSend.objects.filter(household=household_of(alex))}
    assert senders == {alex, sam}
    assert len(signed_in(sam).get("/api/cart/sends").json()["results"]) == 2


def test_the_recent_send_guard_covers_the_household_and_names_who_sent(couple, kroger_sandbox):
    alex, sam = couple
    weekly = _list(signed_in(alex), "whole milk", "Weekly shop")
    signed_in(alex).post(f"/api/lists/{weekly['id']}/send-to-cart", {}, format="json")
    party = _list(signed_in(sam), "whole milk", "Party")

    response = signed_in(sam).post(f"/api/lists/{party['id']}/send-to-cart", {}, format="json")

    assert response.status_code == 409
    line = response.json()["lines"][0]
    milk = weekly["items"][0]["description"]
    assert line["summary"] == f"Alex sent 1 × {milk} to their cart today from ‘Weekly shop’"
    assert (line["sent_by"], line["by_you"]) == ("Alex", False)
    assert kroger_sandbox.cart_for(SAM) == []  # nothing bought twice without asking
    page = Client()
    page.force_login(sam)
    confirm = page.post(f"/lists/{party['id']}/send").content.decode()
    assert f"Alex sent 1 × {milk} to their cart today from ‘Weekly shop’" in confirm


@pytest.fixture
def line(couple):
    alex, _ = couple
    shopping_list = ShoppingListFactory(owner=alex, location_id=STORE)
    return ListItemFactory(
        shopping_list=shopping_list, raw_text="milk", term="milk", quantity=1, status="resolved",
        product_id="0001111041700", description="Kroger 2% Milk", regular_price="3.49",
    )  # fmt: skip


def _patch(user, line, body):
    return signed_in(user).patch(f"/api/lists/{line.shopping_list_id}/items/{line.pk}", body, format="json")


def test_a_stale_edit_of_a_line_is_a_conflict_not_an_overwrite(couple, line):
    alex, sam = couple
    seen = signed_in(sam).get(f"/api/lists/{line.shopping_list_id}/items/{line.pk}").json()["version"]

    first = _patch(alex, line, {"quantity": 2, "version": seen})
    stale = _patch(sam, line, {"quantity": 5, "version": seen})

    assert first.status_code == 200 and first.json()["version"] == seen + 1
    assert stale.status_code == 409
    assert stale.json()["code"] == "edit_conflict"
    assert stale.json()["item"]["quantity"] == 2 and stale.json()["item"]["version"] == seen + 1
    assert ListItem.objects.get(pk=line.pk).quantity == 2
    fresh = _patch(sam, line, {"quantity": 5, "version": seen + 1})
    assert fresh.status_code == 200 and fresh.json()["quantity"] == 5


def test_an_edit_without_a_version_still_goes_ahead(couple, line):
    alex, sam = couple
    _patch(alex, line, {"quantity": 2})

    assert _patch(sam, line, {"skipped": True}).json()["skipped"] is True
    assert _patch(sam, line, {"version": 1}).status_code == 400  # a version alone changes nothing


def test_a_stale_edit_on_the_page_says_so_in_the_row(couple, line):
    alex, sam = couple
    page = Client()
    page.force_login(sam)
    shown = page.get(f"/lists/{line.shopping_list_id}/").content.decode()
    version = re.search(r'name="version" value="(\d+)"', shown).group(1)  # what Sam's page holds
    _patch(alex, line, {"quantity": 2})

    answer = page.post(
        f"/lists/{line.shopping_list_id}/items/{line.pk}",
        {"quantity": "7", "version": version},
        headers={"Accept": "application/json"},
    ).json()

    assert "Someone else changed this line a moment ago" in answer["html"]
    assert ListItem.objects.get(pk=line.pk).quantity == 2


def test_adds_by_two_members_both_land(couple, line):
    alex, sam = couple
    path = f"/api/lists/{line.shopping_list_id}/items"

    assert signed_in(alex).post(path, {"text": "eggs"}, format="json").status_code == 201
    assert signed_in(sam).post(path, {"text": "bread"}, format="json").status_code == 201

    assert list(
        ListItem.objects.filter(shopping_list_id=line.shopping_list_id).values_list("raw_text", flat=True)
    ) == [
        "milk",
        "eggs",
        "bread",
    ]


def test_a_personal_api_token_acts_in_its_users_currenthousehold_of(couple):
    alex, sam = couple
    GuidanceFactory(owner=alex, text="Whole milk only")
    ApiTokenFactory(user=sam, secret="ps_sams-kitchen-tablet")
    client = APIClient()

    guidance = client.get("/api/guidance", headers={"Authorization": "Bearer ps_sams-kitchen-tablet"}).json()

    assert [line["text"] for line in guidance["results"]] == ["Whole milk only"]


def test_a_signed_out_person_signs_in_from_the_link_and_comes_back_to_confirm(settings, kroger_sandbox):
    owner = UserFactory(display_name="Alex")
    HouseholdInviteFactory(household=household_of(owner), created_by=owner, token="join-us-please-0123456789")
    browser = Client()

    invitation = browser.get("/household/join/join-us-please-0123456789").content.decode()
    login = re.search(r'href="(/auth/login\?next=[^"]+)"', invitation).group(1)
    authorize = browser.get(login.replace("&amp;", "&"))["Location"]
    back = browser.post(sandbox_path(authorize, settings), {"shopper": SAM, "decision": "approve"})
    landed = browser.get(urlsplit(back["Location"]).path + "?" + urlsplit(back["Location"]).query)

    assert "Alex invited you" in invitation
    assert landed["Location"] == "/household/join/join-us-please-0123456789"
    confirm = browser.get(landed["Location"]).content.decode()
    assert "Coming with you: 0 lists" in confirm
    assert browser.post(landed["Location"])["Location"] == "/household/"
    assert household_of(User.objects.get(kroger_profile_id=SAM)) == household_of(owner)
    assert HouseholdInvite.objects.get().used_at is not None


def test_a_bad_invitation_link_says_why(client):
    response = client.get("/household/join/no-such-invitation-0000")

    assert response.status_code == 400
    assert "This invitation link is not valid. Ask for a new one." in response.content.decode()


def test_sign_in_gives_a_new_shopper_a_household_they_own(client, settings, kroger_sandbox):

    sign_in_at_sandbox(client, settings)

    membership = Membership.objects.get(user__kroger_profile_id=SAM)
    assert membership.role == "owner" and membership.household.memberships.count() == 1


def test_the_api_says_who_made_each_thing_in_a_bounded_number_of_queries(
    couple, django_assert_max_num_queries
):
    alex, sam = couple
    for owner in (alex, sam, alex):
        ShoppingListFactory(owner=owner, name=f"{owner.display_name}'s list")
        GuidanceFactory(owner=owner, text=f"{owner.display_name}'s line")
    client = signed_in(sam)

    with django_assert_max_num_queries(6):  # session, user, household, count, page (+ a spare)
        lists = client.get("/api/lists").json()["results"]
    with django_assert_max_num_queries(6):
        guidance = client.get("/api/guidance").json()["results"]

    assert sorted(row["created_by"]["display_name"] for row in lists) == ["Alex", "Alex", "Sam"]
    assert sorted(row["added_by"]["display_name"] for row in guidance) == ["Alex", "Alex", "Sam"]
    assert {row["added_by"]["id"] for row in guidance} == {alex.pk, sam.pk}


def test_a_resolve_that_read_a_line_before_a_members_edit_leaves_the_edit_alone(couple):
    """A resolve runs for seconds (or in the worker); a member changing a line meanwhile keeps
    their change, and the line is picked on the next resolve with it."""
    from shopping.services.line_picks import resolve_items

    alex, sam = couple
    created = (
        signed_in(alex).post("/api/lists", {"text": "whole milk", "name": "Weekly"}, format="json").json()
    )
    shopping_list = ShoppingList.objects.get(pk=created["id"])
    read_by_the_resolve = list(shopping_list.items.all())
    line = read_by_the_resolve[0]
    edited = _patch(sam, line, {"quantity": 3, "version": line.version})

    resolve_items(shopping_list=shopping_list, items=read_by_the_resolve, workers=1)
    after_the_stale_resolve = ListItem.objects.get(pk=line.pk)
    picked = (
        signed_in(alex).post(f"/api/lists/{shopping_list.pk}/resolve", {}, format="json").json()["items"][0]
    )

    assert edited.status_code == 200
    assert (after_the_stale_resolve.quantity, after_the_stale_resolve.status) == (3, "pending")
    assert after_the_stale_resolve.version == edited.json()["version"]
    assert (picked["status"], picked["quantity"]) == ("resolved", 3)


def test_a_background_resolve_spends_the_asking_members_kroger_budget_not_the_owners(couple, settings):
    from django.core.cache import cache

    from kroger.quota import ShopperBudget
    from shopping.middleware import budget_key

    settings.KROGER_DAILY_BUDGET_PER_USER = 100
    alex, sam = couple
    created = signed_in(alex).post(
        "/api/lists", {"text": "whole milk\nbutter", "name": "Weekly"}, format="json"
    )

    def used(user) -> int:
        return ShopperBudget(cache, budget_key(user.pk), settings.KROGER_DAILY_BUDGET_PER_USER).used_today()

    before = used(alex), used(sam)
    asked = signed_in(sam).post(
        f"/api/lists/{created.json()['id']}/resolve", {"background": True}, format="json"
    )
    done = signed_in(sam).get(f"/api/lists/{created.json()['id']}").json()

    assert asked.status_code == 202
    assert done["progress"]["looking"] == 0  # no broker here: the task ran at once
    assert used(sam) > before[1]
    assert used(alex) == before[0]
