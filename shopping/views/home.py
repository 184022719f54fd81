"""The home page: signed out, what the site does; signed in, where a week's shopping starts
(paste a list, reopen a recent one, the store, the Kroger connection, the display name)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.access import household_of
from accounts.services import InvalidLocation, connection_status, kroger_token_for, set_preferred_location
from kroger.errors import KrogerError, KrogerRateLimited
from shopping.forms import NewListForm
from shopping.models import ShoppingList

RECENT_LISTS = 5  # lists shown on the signed-in home page


@login_not_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Signed out: what the site does. Signed in: paste a list, recent lists, store, connection."""
    return _render_home(request)


@login_required
@require_POST
def choose_location(request: HttpRequest) -> HttpResponse:
    """The home page's store form: confirm the store with Kroger, save it, return home."""
    location_id = request.POST.get("location_id", "")
    try:
        set_preferred_location(user=request.user, location_id=location_id)
    except InvalidLocation as error:
        return _render_home(request, location_error=error.message, location_value=location_id, status=400)
    except KrogerError as error:
        # Not-found and malformed stores are InvalidLocation; what is left is Kroger's side.
        status = 429 if isinstance(error, KrogerRateLimited) else 503
        return _render_home(request, location_error=error.message, location_value=location_id, status=status)
    messages.success(request, f"Your store is now {request.user.preferred_location_name}.")
    return redirect("home")


@login_required
@require_POST
def display_name(request: HttpRequest) -> HttpResponse:
    """Save (or, with "skip", decline) what the site calls the shopper; asked once, editable."""
    user = request.user
    if "skip" not in request.POST:
        name = " ".join(request.POST.get("display_name", "").split())[:60]
        user.display_name = name
        if name:
            messages.success(request, f"Hello, {name}.")
    user.display_name_asked = True
    user.save(update_fields=["display_name", "display_name_asked"])
    return redirect("home")


def _render_home(request: HttpRequest, *, location_error="", location_value="", status=200) -> HttpResponse:
    context = {"location_error": location_error, "location_value": location_value[:20]}
    if request.user.is_authenticated:
        # Signed in, home is the review-and-send starting point: paste a list, reopen a recent one.
        household = household_of(request.user)
        lists = ShoppingList.objects.for_household(household).with_counts()
        recent = lists.select_related("owner")[:RECENT_LISTS]
        others = household.memberships.exclude(user=request.user).select_related("user")
        context |= {
            # Only the status: a token row in the context would let a template decrypt a token.
            "connection_status": connection_status(kroger_token_for(request.user)),
            "list_form": NewListForm(),
            "recent_lists": list(recent),
            "household": household,
            "shopping_with": [membership.user for membership in others],
        }
    return render(request, "shopping/home.html", context, status=status)
