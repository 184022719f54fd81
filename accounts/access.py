"""Who may see and change what: the one place that answers it for households.

Every user belongs to exactly one household. It is made at sign-in (accounts.pipeline), by a
migration for users who existed before households, and here on first need for users made any
other way (admin, createsuperuser), so `household_of(user)` always answers.

The rules, as healthchecks has them for projects (`_get_project_for_user`, `_get_rw_project_for_user`):
- a member reads and writes the household's things: every shopping query is scoped with
  `.for_household(household_of(user))`, so another household's rows do not exist for them (404);
- the owner may also rename the household, invite people and remove members: `require_owner`
  answers anyone else with 403;
- anyone else gets 404: members are looked up inside the caller's household (`get_member`).
"""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404

from .models import Household, Membership, User

# The user's membership, cached on the user object for the rest of the request.
_CACHE = "_household_membership"

OWNER_ONLY = "Only the household's owner can do that."


def membership_of(user: User) -> Membership:
    """The user's membership, with its household loaded (one query, then cached on `user`)."""
    membership = getattr(user, _CACHE, None)
    if membership is None:
        membership = _loaded_membership(user)
        if membership is None:
            membership = Membership.objects.select_related("household").filter(user=user).first()
        if membership is None:
            membership = create_own_household(user)
        setattr(user, _CACHE, membership)
    return membership


def _loaded_membership(user: User) -> Membership | None:
    """The membership already loaded with the user (API token authentication joins it in)."""
    if not User.membership.is_cached(user):
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None  # joined in and not there: a user made outside sign-in; make it below


def household_of(user: User) -> Household:
    """The household whose lists, guidance, picks and cart history the user works with."""
    return membership_of(user).household


def remember_membership(user: User, membership: Membership) -> None:
    """After a join or leave: the user's cached membership is the new one."""
    setattr(user, _CACHE, membership)


def create_own_household(user: User) -> Membership:
    """A new household with the user as its owner; the existing membership if one appeared meanwhile."""
    try:
        with transaction.atomic():
            household = Household.objects.create()
            return Membership.objects.create(user=user, household=household, role=Membership.Role.OWNER)
    except IntegrityError:
        # Two first requests at once: the other one made it (and this household was rolled back).
        return Membership.objects.select_related("household").get(user=user)


def require_owner(membership: Membership) -> None:
    """Raise PermissionDenied (403) unless the membership is the household's owner's."""
    if not membership.is_owner:
        raise PermissionDenied(OWNER_ONLY)


def get_member(household: Household, user_id: int) -> Membership:
    """The membership of `user_id` in `household`; Http404 for anyone outside it."""
    membership = (
        Membership.objects.select_related("user", "household")
        .filter(household=household, user_id=user_id)
        .first()
    )
    if membership is None:
        raise Http404("No member of your household has this ID.")
    return membership
