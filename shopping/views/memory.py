"""The "Household guidance" and "Remembered picks" pages: plain forms, enhanced by static/js/memory.js."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import household_of
from shopping.forms import GuidanceForm, MoveForm, QuantityForm
from shopping.models import Guidance, Selection
from shopping.picking.reading import explain_line
from shopping.services import memory as memory_services

PICKS_PER_PAGE = 50


def _get_guidance(request, pk: int) -> Guidance:
    return get_object_or_404(Guidance.objects.for_household(household_of(request.user)), pk=pk)


def _get_selection(request, pk: int) -> Selection:
    return get_object_or_404(Selection.objects.for_household(household_of(request.user)), pk=pk)


def _guidance_page(request, form, status=200):
    lines = list(Guidance.objects.for_household(household_of(request.user)).select_related("owner"))
    for line in lines:
        line.reading = explain_line(line)  # what the picker understood, shown beside the line
    context = {
        "lines": lines,
        "form": form,
        "limit": settings.MAX_GUIDANCE_LINES_PER_USER,
        # memory.js clones this blank line for lines it adds through the API.
        "template_line": {"pk": "__ID__", "text": "", "applies_to": "", "owner": request.user},
    }
    return render(request, "shopping/memory/guidance.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def guidance(request):
    if request.method == "GET":
        return _guidance_page(request, GuidanceForm())
    form = GuidanceForm(request.POST)
    if form.is_valid():
        try:
            memory_services.add_guidance(
                owner=request.user, household=household_of(request.user), **form.cleaned_data
            )
        except memory_services.GuidanceLimitReached as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Guidance added.")
            return redirect("guidance-page")
    return _guidance_page(request, form, status=400)


@login_required
@require_POST
def guidance_edit(request, pk: int):
    line = _get_guidance(request, pk)
    form = GuidanceForm(request.POST, instance=line)
    if form.is_valid():
        form.save()
        messages.success(request, "Guidance saved.")
    else:
        messages.error(
            request, "Not saved: " + " ".join(e for errors in form.errors.values() for e in errors)
        )
    return redirect("guidance-page")


@login_required
@require_POST
def guidance_move(request, pk: int):
    line = _get_guidance(request, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        offset = -1 if form.cleaned_data["direction"] == "up" else 1
        memory_services.move_guidance(household=household_of(request.user), guidance=line, offset=offset)
        messages.success(request, f"Moved “{line}” {form.cleaned_data['direction']}.")
    return redirect("guidance-page")


@login_required
@require_POST
def guidance_delete(request, pk: int):
    line = _get_guidance(request, pk)
    line.delete()
    messages.success(request, f"Deleted “{line}”.")
    return redirect("guidance-page")


@login_required
def picks(request):
    picks = Selection.objects.for_household(household_of(request.user)).select_related("owner")
    paginator = Paginator(picks, PICKS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(request, "shopping/memory/picks.html", {"page_obj": page_obj})


@login_required
@require_POST
def pick_quantity(request, pk: int):
    selection = _get_selection(request, pk)
    form = QuantityForm(request.POST)
    if form.is_valid():
        selection.quantity = form.cleaned_data["quantity"]
        selection.save(update_fields=["quantity", "updated_at"])
        messages.success(request, f"“{selection.term}” will now be {selection.quantity}.")
    else:
        messages.error(request, "Quantity must be a whole number from 1 to 99.")
    return redirect("picks-page")


@login_required
@require_POST
def pick_forget(request, pk: int):
    selection = _get_selection(request, pk)
    selection.delete()
    messages.success(request, f"Forgot the pick for “{selection.term}”.")
    return redirect("picks-page")
