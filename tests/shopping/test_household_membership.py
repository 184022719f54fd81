"""Invitations (single use, expiry, withdrawal), joining with everything merged as promised,
leaving and removing: through the API, as the people involved meet it."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Household, HouseholdInvite, Membership
from shopping.models import CartSend, Guidance, Selection, ShoppingList
from tests.factories import (
    CartSendFactory,
    GuidanceFactory,
    SelectionFactory,
    ShoppingListFactory,
    UserFactory,
)
from tests.helpers import STORE, household_of, signed_in

pytestmark = pytest.mark.django_db


def _invite(owner) -> str:
    response = signed_in(owner).post("/api/household/invites", format="json")
    assert response.status_code == 201
    return response.json()["token"]


def _join(user, token):
    return signed_in(user).post("/api/household/join", {"token": token}, format="json")


@pytest.fixture
def owner(db):
    return UserFactory(display_name="Alex")


def test_an_invitation_is_a_link_that_works_once_and_is_kept_only_as_a_hash(owner, settings):
    settings.HOUSEHOLD_INVITE_DAYS = 3
    created = signed_in(owner).post("/api/household/invites", format="json")
    body = created.json()
    first, second = UserFactory(), UserFactory()

    joined = _join(first, body["token"])
    again = _join(second, body["token"])

    assert body["url"] == f"http://testserver/household/join/{body['token']}"
    assert created["Cache-Control"] == "no-store"
    expires = timezone.datetime.fromisoformat(body["expires_at"])
    assert timedelta(days=3) - timedelta(minutes=1) < expires - timezone.now() <= timedelta(days=3)
    invite = HouseholdInvite.objects.get()
    assert invite.token_hash == HouseholdInvite.hash_token(body["token"]) != body["token"]
    assert body["token"] not in str(HouseholdInvite.objects.values().get())
    assert joined.status_code == 200 and joined.json()["id"] == household_of(owner).pk
    assert (HouseholdInvite.objects.get().used_by, household_of(first)) == (first, household_of(owner))
    assert again.status_code == 400
    assert again.json() == {"token": ["This invitation link was already used. Ask for a new one."]}
    assert household_of(second) != household_of(owner)


def test_an_invitation_expires_after_household_invite_days(owner):
    token = _invite(owner)
    joiner = UserFactory()
    ShoppingListFactory(owner=joiner, name="Mine")

    with time_machine.travel(timezone.now() + timedelta(days=7, minutes=1)):
        late = _join(joiner, token)

    assert late.status_code == 400
    assert late.json() == {"token": ["This invitation link has expired. Ask for a new one."]}
    assert household_of(joiner) != household_of(owner)
    assert ShoppingList.objects.get(name="Mine").household == household_of(joiner)


def test_a_withdrawn_invitation_no_longer_works_and_is_not_listed(owner):
    token = _invite(owner)
    keep = _invite(owner)
    invites = signed_in(owner).get("/api/household/invites").json()
    withdrawn = next(i for i in invites if HouseholdInvite.objects.get(pk=i["id"]).token_hash != _hash(keep))

    assert signed_in(owner).delete(f"/api/household/invites/{withdrawn['id']}").status_code == 204
    refused = _join(UserFactory(), token)

    assert refused.json() == {"token": ["This invitation link was withdrawn. Ask for a new one."]}
    assert [i["id"] for i in signed_in(owner).get("/api/household/invites").json()] == [
        HouseholdInvite.objects.get(token_hash=_hash(keep)).pk
    ]
    assert {"id", "created_by", "created_at", "expires_at"} == set(invites[0])  # never the token


def _hash(token):
    return HouseholdInvite.hash_token(token)


def test_an_unknown_token_or_ones_own_household_changes_nothing(owner):
    token = _invite(owner)
    member = UserFactory(household=household_of(owner))

    unknown = _join(member, "x" * 32)
    own = _join(member, token)

    assert unknown.json() == {"token": ["This invitation link is not valid. Ask for a new one."]}
    assert own.json() == {"token": ["You're already in this household."]}
    assert HouseholdInvite.objects.get().used_at is None  # still there for whoever it was for


def _joiner_with(n: int):
    """A joiner alone in their household with n lists (each sent once), n guidance lines and n + 2 picks."""
    joiner = UserFactory(display_name=f"Joiner {n}")
    for i in range(n):
        CartSendFactory(owner=joiner, shopping_list=ShoppingListFactory(owner=joiner, name=f"J list {i}"))
        GuidanceFactory(owner=joiner, text=f"J guidance {i}", position=i)
        SelectionFactory(owner=joiner, term=f"thing {i}", location_id=STORE)
    SelectionFactory(owner=joiner, term="milk", location_id=STORE, product_id="2" * 13)  # clashes
    SelectionFactory(owner=joiner, term="milk", location_id="", product_id="3" * 13)  # any store: no clash
    return joiner


def test_joining_moves_lists_appends_guidance_and_merges_picks_with_the_households_winning(owner):
    GuidanceFactory(owner=owner, text="H one", position=0)
    GuidanceFactory(owner=owner, text="H two", position=1)
    SelectionFactory(owner=owner, term="Milk", location_id=STORE, product_id="1" * 13)
    joiner = _joiner_with(2)
    old = household_of(joiner)

    response = _join(joiner, _invite(owner))

    home = household_of(owner)
    assert response.status_code == 200
    assert [(m["display_name"], m["role"], m["is_you"]) for m in response.json()["members"]] == [
        ("Alex", "owner", False),
        ("Joiner 2", "member", True),
    ]
    assert set(ShoppingList.objects.filter(household=home).values_list("name", flat=True)) == {
        "J list 0",
        "J list 1",
    }
    assert CartSend.objects.filter(household=home).count() == 2
    assert list(Guidance.objects.for_household(home).values_list("text", flat=True)) == [
        "H one",
        "H two",
        "J guidance 0",
        "J guidance 1",
    ]
    picks = {(s.normalized_term, s.location_id): s.product_id for s in Selection.objects.for_household(home)}
    assert picks == {
        ("milk", STORE): "1" * 13,  # the household's pick wins
        ("milk", ""): "3" * 13,
        ("thing 0", STORE): picks[("thing 0", STORE)],
        ("thing 1", STORE): picks[("thing 1", STORE)],
    }
    assert not Household.objects.filter(pk=old.pk).exists()
    assert Guidance.objects.get(text="J guidance 0").owner == joiner  # still says who added it


def test_joining_costs_the_same_queries_however_much_the_joiner_brings(owner, django_assert_num_queries):
    small, large = _joiner_with(1), _joiner_with(12)
    small_client, large_client = signed_in(small), signed_in(large)
    first, second = _invite(owner), _invite(owner)

    with CaptureQueriesContext(connection) as few:
        assert small_client.post("/api/household/join", {"token": first}, format="json").status_code == 200
    with django_assert_num_queries(len(few.captured_queries)):
        assert large_client.post("/api/household/join", {"token": second}, format="json").status_code == 200

    assert ShoppingList.objects.filter(household=household_of(owner)).count() == 13


def test_someone_sharing_a_household_leaves_it_behind_when_joining_another(owner):
    other_owner = UserFactory(display_name="Dee")
    joiner = UserFactory(display_name="Eli", household=household_of(other_owner))
    theirs = household_of(other_owner)
    ShoppingListFactory(owner=joiner, name="Eli's list")

    assert _join(joiner, _invite(owner)).status_code == 200

    assert household_of(joiner) == household_of(owner)
    assert ShoppingList.objects.get(name="Eli's list").household == theirs  # stays with Dee


def test_leaving_gives_a_household_of_ones_own_and_leaves_what_one_made(owner):
    member = UserFactory(display_name="Bo", household=household_of(owner))
    made = ShoppingListFactory(owner=member, name="Bo's list")

    left = signed_in(member).post("/api/household/leave", format="json")

    assert left.status_code == 200
    assert [(m["display_name"], m["role"]) for m in left.json()["members"]] == [("Bo", "owner")]
    made.refresh_from_db()
    assert made.household == household_of(owner) and made.owner == member
    assert signed_in(member).get(f"/api/lists/{made.pk}").status_code == 404
    assert signed_in(owner).get(f"/api/lists/{made.pk}").status_code == 200


def test_an_owner_who_leaves_hands_over_to_the_longest_standing_member(owner):
    household = household_of(owner)
    first = UserFactory(display_name="First", household=household)
    UserFactory(display_name="Later", household=household)
    Membership.objects.filter(user=first).update(joined_at=timezone.now() - timedelta(days=30))

    assert signed_in(owner).post("/api/household/leave", format="json").status_code == 200

    roles = dict(Membership.objects.filter(household=household).values_list("user__display_name", "role"))
    assert roles == {"First": "owner", "Later": "member"}


def test_the_last_member_cannot_leave(owner):
    response = signed_in(owner).post("/api/household/leave", format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "last_member"
    assert Membership.objects.get(user=owner).role == "owner"


def test_the_owner_removes_a_member_who_then_has_their_own_household(owner):
    member = UserFactory(display_name="Bo", household=household_of(owner))
    other = UserFactory(display_name="Cy", household=household_of(owner))

    refused = signed_in(other).delete(f"/api/household/members/{member.pk}")
    removed = signed_in(owner).delete(f"/api/household/members/{member.pk}")
    self_removal = signed_in(owner).delete(f"/api/household/members/{owner.pk}")

    assert refused.status_code == 403
    assert removed.status_code == 204
    assert household_of(member) != household_of(owner)
    assert Membership.objects.get(user=member).role == "owner"
    assert self_removal.status_code == 409 and self_removal.json()["code"] == "cannot_remove_self"
    names = [m["display_name"] for m in signed_in(owner).get("/api/household").json()["members"]]
    assert names == ["Alex", "Cy"]


def test_the_owner_renames_the_household(owner):
    response = signed_in(owner).patch("/api/household", {"name": "  The   Parks "}, format="json")
    blank = signed_in(owner).patch("/api/household", {"name": "   "}, format="json")

    assert response.json()["name"] == "The Parks"
    assert blank.status_code == 400
    assert household_of(owner).name == "The Parks"
