"""Owner / member / stranger on every household-scoped API route and page.

The owner made everything here; the member shares the owner's household; the stranger has a
household of their own. Members read and change the household's things, only the owner may
rename, invite and remove (a member gets 403), and the stranger gets 404 for anything of theirs.
"""

import pytest
from django.test import Client

from accounts.models import HouseholdInvite, Membership
from tests.factories import (
    CartSendFactory,
    GuidanceFactory,
    HouseholdInviteFactory,
    ListItemFactory,
    SelectionFactory,
    ShoppingListFactory,
    UserFactory,
)
from tests.helpers import ALEX, STORE, signed_in

pytestmark = pytest.mark.django_db

PICKED = {"status": "resolved", "product_id": "0001111041700", "description": "Kroger 2% Milk"}


INVITE = "world-invitation-token-0123"


@pytest.fixture
def world(kroger_sandbox, connect_kroger):
    owner = UserFactory(display_name="Alex", preferred_location_id=STORE)
    household = Membership.objects.get(user=owner).household
    member = UserFactory(display_name="Bo", household=household)
    connect_kroger(owner)
    connect_kroger(member, profile_id=ALEX)
    stranger = UserFactory(display_name="Cy", preferred_location_id=STORE)
    shopping_list = ShoppingListFactory(owner=owner, name="Weekly shop", location_id=STORE)
    objects = {
        "list": shopping_list.pk,
        "item": ListItemFactory(shopping_list=shopping_list, raw_text="milk", term="milk", **PICKED).pk,
        "guidance": GuidanceFactory(owner=owner, text="Whole milk only").pk,
        "pick": SelectionFactory(owner=owner, term="bread").pk,
        "send": CartSendFactory(owner=owner).pk,
        "invite": HouseholdInviteFactory(household=household, created_by=owner, token=INVITE).pk,
        "member_id": member.pk,
    }
    return {"owner": owner, "member": member, "stranger": stranger, "household": household, **objects}


OK, GONE, CHANGED, DENIED, NOT_FOUND, CREATED, REDIRECT = 200, 204, 200, 403, 404, 201, 302

# (method, path, body, owner, member, stranger). Strangers' own-household routes answer for their own.
API_ROUTES = [
    ("patch", "/api/household", {"name": "The Parks"}, CHANGED, DENIED, CHANGED),
    ("get", "/api/household/invites", None, OK, DENIED, OK),
    ("post", "/api/household/invites", None, CREATED, DENIED, CREATED),
    ("delete", "/api/household/invites/{invite}", None, GONE, DENIED, NOT_FOUND),
    ("delete", "/api/household/members/{member_id}", None, GONE, DENIED, NOT_FOUND),
    ("get", "/api/lists/{list}", None, OK, OK, NOT_FOUND),
    ("patch", "/api/lists/{list}", {"name": "Renamed"}, OK, OK, NOT_FOUND),
    ("delete", "/api/lists/{list}", None, GONE, GONE, NOT_FOUND),
    ("post", "/api/lists/{list}/resolve", {"item_ids": []}, OK, OK, NOT_FOUND),
    ("post", "/api/lists/{list}/send-to-cart", {}, OK, OK, NOT_FOUND),
    ("get", "/api/lists/{list}/items/{item}", None, OK, OK, NOT_FOUND),
    ("patch", "/api/lists/{list}/items/{item}", {"quantity": 2}, OK, OK, NOT_FOUND),
    ("delete", "/api/lists/{list}/items/{item}", None, GONE, GONE, NOT_FOUND),
    ("post", "/api/lists/{list}/items/{item}/remember", {}, OK, OK, NOT_FOUND),
    ("get", "/api/guidance/{guidance}", None, OK, OK, NOT_FOUND),
    ("patch", "/api/guidance/{guidance}", {"text": "Any milk"}, OK, OK, NOT_FOUND),
    ("delete", "/api/guidance/{guidance}", None, GONE, GONE, NOT_FOUND),
    ("post", "/api/guidance/reorder", {"ids": ["{guidance}"]}, OK, OK, NOT_FOUND),
    ("get", "/api/selections/{pick}", None, OK, OK, NOT_FOUND),
    ("patch", "/api/selections/{pick}", {"quantity": 3}, OK, OK, NOT_FOUND),
    ("delete", "/api/selections/{pick}", None, GONE, GONE, NOT_FOUND),
    ("get", "/api/cart/sends/{send}", None, OK, OK, NOT_FOUND),
]


def _fill(value, world):
    if isinstance(value, str):
        return int(value.format(**world)) if value.startswith("{") else value.format(**world)
    if isinstance(value, list):
        return [_fill(v, world) for v in value]
    if isinstance(value, dict):
        return {key: _fill(v, world) for key, v in value.items()}
    return value


@pytest.mark.parametrize("persona,column", [("owner", 3), ("member", 4), ("stranger", 5)])
@pytest.mark.parametrize("route", API_ROUTES, ids=lambda route: f"{route[0].upper()} {route[1]}")
def test_every_api_route_answers_each_persona_as_its_role_allows(route, persona, column, world):
    method, path, body = route[:3]
    client = signed_in(world[persona])

    response = getattr(client, method)(_fill(path, world), _fill(body, world), format="json")

    assert response.status_code == route[column], response.content


@pytest.mark.parametrize(
    "path,key",
    [
        ("/api/lists", "list"),
        ("/api/guidance", "guidance"),
        ("/api/selections", "pick"),
        ("/api/cart/sends", "send"),
    ],
)
def test_collections_hold_the_households_rows_for_members_only(path, key, world):
    ids = {
        persona: {row["id"] for row in signed_in(world[persona]).get(path).json()["results"]}
        for persona in ("owner", "member", "stranger")
    }

    assert world[key] in ids["owner"] and world[key] in ids["member"]
    assert world[key] not in ids["stranger"]


def test_each_persona_reads_their_own_household(world):
    as_member = signed_in(world["member"]).get("/api/household").json()
    as_stranger = signed_in(world["stranger"]).get("/api/household").json()

    assert as_member["id"] == world["household"].pk
    assert [(m["display_name"], m["role"], m["is_you"]) for m in as_member["members"]] == [
        ("Alex", "owner", False),
        ("Bo", "member", True),
    ]
    assert as_stranger["id"] != world["household"].pk
    assert [m["display_name"] for m in as_stranger["members"]] == ["Cy"]


def test_a_member_renaming_or_inviting_changes_nothing(world):
    client = signed_in(world["member"])

    client.patch("/api/household", {"name": "Mine now"}, format="json")
    refused = client.post("/api/household/invites", format="json")

    world["household"].refresh_from_db()
    assert world["household"].name == "Our household"
    assert refused.json()["detail"] == "Only the household's owner can do that."
    assert HouseholdInvite.objects.count() == 1


# (method, path, owner, member, stranger) for the pages; POSTs carry a small valid form.
PAGE_ROUTES = [
    ("get", "/household/", OK, OK, OK),
    ("post", "/household/rename", REDIRECT, DENIED, REDIRECT),
    ("post", "/household/invites", OK, DENIED, OK),
    ("post", "/household/invites/{invite}/revoke", REDIRECT, DENIED, NOT_FOUND),
    ("post", "/household/members/{member_id}/remove", REDIRECT, DENIED, NOT_FOUND),
    ("post", "/household/leave", REDIRECT, REDIRECT, REDIRECT),
    # The invitation is for the owner's household: its own members are already in it.
    ("get", f"/household/join/{INVITE}", 400, 400, OK),
    ("get", "/lists/{list}/", OK, OK, NOT_FOUND),
    ("post", "/lists/{list}/resolve", REDIRECT, REDIRECT, NOT_FOUND),
    ("post", "/lists/{list}/send", REDIRECT, REDIRECT, NOT_FOUND),
    ("post", "/lists/{list}/delete", REDIRECT, REDIRECT, NOT_FOUND),
    ("post", "/lists/{list}/items/{item}", REDIRECT, REDIRECT, NOT_FOUND),
    ("post", "/lists/{list}/items/{item}/resolve", REDIRECT, REDIRECT, NOT_FOUND),
    ("post", "/lists/{list}/items/{item}/remember", REDIRECT, REDIRECT, NOT_FOUND),
    ("post", "/lists/{list}/items/{item}/delete", REDIRECT, REDIRECT, NOT_FOUND),
    ("post", "/guidance/{guidance}/edit", REDIRECT, REDIRECT, NOT_FOUND),
    ("post", "/guidance/{guidance}/move", REDIRECT, REDIRECT, NOT_FOUND),
    ("post", "/guidance/{guidance}/delete", REDIRECT, REDIRECT, NOT_FOUND),
    ("post", "/picks/{pick}/quantity", REDIRECT, REDIRECT, NOT_FOUND),
    ("post", "/picks/{pick}/forget", REDIRECT, REDIRECT, NOT_FOUND),
]
FORM = {"name": "The Parks", "quantity": "2", "text": "Any milk", "direction": "up"}


@pytest.mark.parametrize("persona,column", [("owner", 2), ("member", 3), ("stranger", 4)])
@pytest.mark.parametrize("route", PAGE_ROUTES, ids=lambda route: f"{route[0].upper()} {route[1]}")
def test_every_page_answers_each_persona_as_its_role_allows(route, persona, column, world):
    method, path = route[:2]
    client = signed_in(world[persona], Client)

    response = getattr(client, method)(_fill(path, world), FORM if method == "post" else None)

    assert response.status_code == route[column]


@pytest.mark.parametrize("path", ["/", "/lists/", "/guidance/", "/picks/"])
def test_pages_show_the_households_things_and_who_added_them_to_members_only(path, world):
    expected = {
        "/": ["Weekly shop", "by Alex"],
        "/lists/": ["Weekly shop", "by Alex"],
        "/guidance/": ["Whole milk only", "Added by Alex"],
        "/picks/": ["bread", "remembered by Alex"],
    }[path]

    as_member = signed_in(world["member"], Client).get(path).content.decode()
    as_stranger = signed_in(world["stranger"], Client).get(path).content.decode()

    assert all(text in as_member for text in expected)
    assert expected[0] not in as_stranger


def test_the_home_page_says_who_one_shops_with(world):
    as_member = signed_in(world["member"], Client).get("/").content.decode()
    as_stranger = signed_in(world["stranger"], Client).get("/").content.decode()

    assert "You shop with Alex: one set of guidance, picks and lists." in as_member
    assert "Just you so far." in as_stranger
