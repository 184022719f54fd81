"""Joining a household: the joiner's shopping memory, lists and cart history come along.

The rules (issue 10):
- the joiner's lists (and the cart sends made from them) move to the household;
- their guidance lines are appended after the household's, in their own order;
- their remembered picks are merged: where the household already has a pick for the same term
  and store, the household's pick wins and the joiner's is dropped;
- their old household, now empty, is removed.
Someone who shares their household with others leaves it as with "Leave" instead: what they
made stays with the people there, and they arrive with nothing.

Every step is one bulk statement, so joining costs the same number of queries however much the
joiner brings (a test holds it to that). Nothing changes unless all of it does.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef

from accounts.access import membership_of
from accounts.households import claim_invite, find_invite, move_into, others_in
from accounts.models import Household, Membership, User
from shopping.models import CartSend, Guidance, Selection, ShoppingList


@dataclass(frozen=True)
class WhatMoves:
    """What joining would bring along, for the confirmation page."""

    lists: int
    guidance: int
    picks: int
    leaves_others: int  # people who stay behind in the joiner's current household


def what_joining_moves(user: User) -> WhatMoves:
    """What the user's current household would bring into another one (nothing when it is shared)."""
    membership = membership_of(user)
    others = others_in(membership)
    if others:
        return WhatMoves(lists=0, guidance=0, picks=0, leaves_others=others)
    household = membership.household
    return WhatMoves(
        lists=ShoppingList.objects.for_household(household).count(),
        guidance=Guidance.objects.for_household(household).count(),
        picks=Selection.objects.for_household(household).count(),
        leaves_others=0,
    )


@transaction.atomic
def join_household(*, user: User, token: str) -> Household:
    """Join the household the invitation `token` is for; returns it.

    Raises accounts.households.InviteInvalid (nothing changed) when the token is unknown, used,
    withdrawn or expired, or the user is already in that household.
    """
    invite = find_invite(token, user=user)
    # Lock the joiner's membership: two joins (or a join and a leave) by one person run one at a time.
    membership = Membership.objects.select_for_update().select_related("user", "household").get(user=user)
    claim_invite(invite, user=user)
    new = invite.household
    old = membership.household
    if others_in(membership):
        move_into(membership=membership, household=new)
        return new
    _move_memory(old=old, new=new)
    move_into(membership=membership, household=new)
    old.delete()  # empty now: its invitations go with it
    return new


def _move_memory(*, old: Household, new: Household) -> None:
    ShoppingList.objects.filter(household=old).update(household=new)
    CartSend.objects.filter(household=old).update(household=new)
    last = Guidance.objects.filter(household=new).aggregate(last=Max("position"))["last"]
    offset = 0 if last is None else last + 1
    Guidance.objects.filter(household=old).update(household=new, position=F("position") + offset)
    # The household's own pick for a term and store wins over the joiner's.
    taken = Selection.objects.filter(
        household=new, normalized_term=OuterRef("normalized_term"), location_id=OuterRef("location_id")
    )
    Selection.objects.filter(household=old).filter(Exists(taken)).delete()
    Selection.objects.filter(household=old).update(household=new)
