"""Household membership workflows: invite, check an invite, rename, leave, remove a member.

Joining moves shopping rows too, so it lives in `shopping.services.households`; this module
does its membership part (`move_into`). accounts never imports shopping.

Invitation tokens are secrets: only their SHA-256 is stored, and the token is shown once, to
the owner who made it. A token is single use: `claim_invite` marks it used with one
conditional UPDATE, so two people racing for one link cannot both get in.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .access import remember_membership
from .models import Household, HouseholdInvite, Membership, User

MAX_OPEN_INVITES = 20


class HouseholdError(Exception):
    """A household change that cannot be made now. `code` and `message` are safe to show."""

    code = "household_error"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.code


class InviteInvalid(HouseholdError):
    """The token is unknown, used, revoked or expired (or points at the caller's own household)."""

    code = "invite_invalid"


class MembershipConflict(HouseholdError):
    """The change conflicts with who is in the household (the last member leaving, removing yourself)."""

    code = "membership_conflict"


def display_name(user: User) -> str:
    """What pages and messages call a member: their display name, else a neutral phrase."""
    return user.display_name or "A household member"


# --- Invitations --------------------------------------------------------------------------------


def create_invite(*, household: Household, created_by: User) -> tuple[HouseholdInvite, str]:
    """A new single-use invitation and its token (shown once; only its hash is kept).

    Raises MembershipConflict when the household already has MAX_OPEN_INVITES open invitations.
    """
    if HouseholdInvite.objects.filter(household=household).open().count() >= MAX_OPEN_INVITES:
        raise MembershipConflict(
            f"Your household has {MAX_OPEN_INVITES} open invitations. Withdraw one first.",
            code="invite_limit",
        )
    token = HouseholdInvite.new_token()
    invite = HouseholdInvite.objects.create(
        household=household,
        created_by=created_by,
        token_hash=HouseholdInvite.hash_token(token),
        expires_at=timezone.now() + timedelta(days=settings.HOUSEHOLD_INVITE_DAYS),
    )
    return invite, token


def revoke_invite(invite: HouseholdInvite) -> None:
    """Withdraw an invitation at once; withdrawing it again keeps the first time."""
    if invite.revoked_at is None:
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at"])


def find_invite(token: str, *, user: User | None = None) -> HouseholdInvite:
    """The open invitation for `token`, with its household and inviter loaded.

    Raises InviteInvalid (with the reason, in words) when the token is unknown, used, withdrawn
    or expired, or when `user` is already in that household.
    """
    invite = (
        HouseholdInvite.objects.select_related("household", "created_by")
        .filter(token_hash=HouseholdInvite.hash_token(token or ""))
        .first()
    )
    if invite is None:
        raise InviteInvalid("This invitation link is not valid. Ask for a new one.", code="invite_unknown")
    if invite.used_at is not None:
        raise InviteInvalid("This invitation link was already used. Ask for a new one.", code="invite_used")
    if invite.revoked_at is not None:
        raise InviteInvalid("This invitation link was withdrawn. Ask for a new one.", code="invite_revoked")
    if invite.expires_at <= timezone.now():
        raise InviteInvalid("This invitation link has expired. Ask for a new one.", code="invite_expired")
    if user is not None and Membership.objects.filter(user=user, household_id=invite.household_id).exists():
        raise InviteInvalid("You're already in this household.", code="already_member")
    return invite


def claim_invite(invite: HouseholdInvite, *, user: User) -> None:
    """Mark the invitation used by `user`; InviteInvalid if someone used or withdrew it meanwhile."""
    now = timezone.now()
    claimed = HouseholdInvite.objects.filter(pk=invite.pk).open(now).update(used_at=now, used_by=user)
    if not claimed:
        raise InviteInvalid("This invitation link was already used. Ask for a new one.", code="invite_used")


# --- Membership ---------------------------------------------------------------------------------


def rename_household(*, household: Household, name: str) -> Household:
    household.name = " ".join(name.split())[:100] or Household.DEFAULT_NAME
    household.save(update_fields=["name"])
    return household


def move_into(
    *, membership: Membership, household: Household, role: str = Membership.Role.MEMBER
) -> Household:
    """Make the member a member of `household` (as `role`), joined now; returns the household
    they left (whose ownership passes on if they owned it and others stay). Call inside a
    transaction."""
    old, was_owner = membership.household, membership.is_owner
    membership.household, membership.role, membership.joined_at = household, role, timezone.now()
    membership.save(update_fields=["household", "role", "joined_at"])
    if was_owner:
        _hand_over(old)
    remember_membership(membership.user, membership)
    return old


def _hand_over(household: Household) -> None:
    """The longest-standing member who is left becomes the owner (none left: nothing to do)."""
    successor = Membership.objects.filter(household=household).order_by("joined_at", "id").first()
    if successor is not None:
        successor.role = Membership.Role.OWNER
        successor.save(update_fields=["role"])


def others_in(membership: Membership) -> int:
    """How many other people share the member's household."""
    return Membership.objects.filter(household_id=membership.household_id).exclude(pk=membership.pk).count()


@transaction.atomic
def leave_household(*, membership: Membership) -> Membership:
    """Leave for a new household of one's own; everything made in the old one stays there.

    An owner who leaves hands ownership to the longest-standing member. Raises
    MembershipConflict for the last member, whose household would be left with no one in it.
    """
    membership = (
        Membership.objects.select_for_update().select_related("user", "household").get(pk=membership.pk)
    )
    if not others_in(membership):
        raise MembershipConflict(
            "You're the only one in this household, so there is no one to leave it to.", code="last_member"
        )
    move_into(membership=membership, household=Household.objects.create(), role=Membership.Role.OWNER)
    return membership


def remove_member(*, owner: Membership, member: Membership) -> Membership:
    """The owner removes a member, who leaves as with `leave_household`. Raises MembershipConflict
    for the owner themselves (they leave instead)."""
    if member.pk == owner.pk:
        raise MembershipConflict("To leave the household yourself, use Leave.", code="cannot_remove_self")
    return leave_household(membership=member)
