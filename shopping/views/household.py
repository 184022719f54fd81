"""The household page (who is in it; the owner renames, invites, removes) and the invitation page.

Access is accounts.access's: any member sees the page; the owner's forms answer 403 to anyone
else; a member or invitation outside the household is a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts import households
from accounts.access import get_member, membership_of, require_owner
from accounts.models import HouseholdInvite
from shopping.services.households import join_household, what_joining_moves


def _household_page(request: HttpRequest, *, invite_url: str = "", status: int = 200) -> HttpResponse:
    membership = membership_of(request.user)
    household = membership.household
    context = {
        "household": household,
        "membership": membership,
        "members": household.memberships.select_related("user").order_by("joined_at", "id"),
        "invites": (
            HouseholdInvite.objects.filter(household=household).open().select_related("created_by")
            if membership.is_owner
            else []
        ),
        "invite_url": invite_url,
        "invite_note": (
            f"It works once, for {settings.HOUSEHOLD_INVITE_DAYS} days, and you can withdraw it below."
        ),
        "can_leave": households.others_in(membership) > 0,
    }
    response = render(request, "shopping/household/index.html", context, status=status)
    response["Cache-Control"] = "no-store"  # it may carry a new invitation link
    return response


@login_required
def household(request: HttpRequest) -> HttpResponse:
    return _household_page(request)


@login_required
@require_POST
def rename(request: HttpRequest) -> HttpResponse:
    membership = membership_of(request.user)
    require_owner(membership)
    name = request.POST.get("name", "").strip()
    if not name:
        messages.error(request, "Give the household a name.")
    else:
        households.rename_household(household=membership.household, name=name[:100])
        messages.success(request, f"Your household is now called “{membership.household.name}”.")
    return redirect("household-page")


@login_required
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    """A new invitation link, shown in this one response only (it is never stored or flashed)."""
    membership = membership_of(request.user)
    require_owner(membership)
    try:
        _, token = households.create_invite(household=membership.household, created_by=request.user)
    except households.MembershipConflict as exc:
        messages.error(request, exc.message)
        return redirect("household-page")
    url = request.build_absolute_uri(reverse("household-join", args=[token]))
    return _household_page(request, invite_url=url)


@login_required
@require_POST
def revoke_invite(request: HttpRequest, pk: int) -> HttpResponse:
    membership = membership_of(request.user)
    require_owner(membership)
    households.revoke_invite(get_object_or_404(HouseholdInvite, pk=pk, household=membership.household))
    messages.success(request, "Invitation withdrawn: its link no longer works.")
    return redirect("household-page")


@login_required
@require_POST
def remove_member(request: HttpRequest, user_id: int) -> HttpResponse:
    owner = membership_of(request.user)
    require_owner(owner)
    member = get_member(owner.household, user_id)
    try:
        households.remove_member(owner=owner, member=member)
    except households.MembershipConflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{households.display_name(member.user)} is no longer in the household.")
    return redirect("household-page")


@login_required
@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    try:
        households.leave_household(membership=membership_of(request.user))
    except households.MembershipConflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "You left the household. This is your own household now.")
    return redirect("household-page")


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest, token: str) -> HttpResponse:
    """Signed out: sign in with Kroger and come back here. Signed in: confirm, then join."""
    user = request.user if request.user.is_authenticated else None
    try:
        found = households.find_invite(token, user=user)
    except households.InviteInvalid as exc:
        return render(request, "shopping/household/join.html", {"error": exc.message}, status=400)
    if user is None:
        if request.method == "POST":
            return redirect(request.path)
        login_url = reverse("kroger-login") + "?" + urlencode({"next": request.path})
        context = {"invite": found, "inviter": _inviter(found), "login_url": login_url}
        return render(request, "shopping/household/join.html", context)
    if request.method == "POST":
        try:
            joined = join_household(user=user, token=token)
        except households.InviteInvalid as exc:
            return render(request, "shopping/household/join.html", {"error": exc.message}, status=400)
        messages.success(request, f"Welcome to “{joined.name}”.")
        return redirect("household-page")
    context = {"invite": found, "inviter": _inviter(found), "moves": what_joining_moves(user)}
    return render(request, "shopping/household/join.html", context)


def _inviter(invite: HouseholdInvite) -> str:
    return households.display_name(invite.created_by) if invite.created_by else "Someone"
