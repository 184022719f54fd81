"""The list pages: paste a list, watch it resolve, fix lines, send to the Kroger cart.

Plain forms work without JavaScript ("Find products" resolves every line and re-renders; a
line's forms redirect back to its row); static/js/lists.js resolves lines one by one through
`item_resolve` for visible progress, and posts a line's forms asking for JSON, which answers the
re-rendered row (with what happened said in it) instead of a redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import household_of
from kroger.errors import KrogerError, KrogerReconnectRequired
from shopping.forms import AddItemForm, ItemForm, NewListForm, RememberLineForm
from shopping.models import Guidance, ListItem, ListProgress, ShoppingList, normalize_term
from shopping.models.lists import basket_total, total_is_estimate
from shopping.picking import read_guidance, why_excluded
from shopping.products import ProductSnapshot
from shopping.services import list_sending, resolving
from shopping.services import lists as list_services
from shopping.services.cart import CartSendInProgress, IdempotencyKeyReused
from shopping.services.line_picks import resolve_items
from shopping.services.memory import find_selections


def _get_list(request, pk: int) -> ShoppingList:
    lists = ShoppingList.objects.for_household(household_of(request.user)).select_related("owner")
    return get_object_or_404(lists.with_items(), pk=pk)


def _get_item(request, pk: int, item_id: int) -> ListItem:
    return get_object_or_404(
        ListItem.objects.for_household(household_of(request.user)), pk=item_id, shopping_list_id=pk
    )


def _household_guidance(request):
    return read_guidance(Guidance.objects.for_household(household_of(request.user)))


def _mark_exclusions(items: list[ListItem], guidance) -> None:
    """Say on each line's product, and on its alternatives, why the household's guidance rules
    it out: a remembered pick or the shopper's own choice never went through the picker's filter.

    Only what a line keeps (brand, name, size) is checked: it has no allergen data.
    """

    for item in items:
        item.excluded_reason = why_excluded(item.snapshot.as_product(), guidance) if item.product_id else ""
        for alternative in item.alternatives:
            product = ProductSnapshot.from_dict(alternative).as_product()
            alternative["excluded_reason"] = why_excluded(product, guidance)


def _mark_remembered(shopping_list: ShoppingList, items: list[ListItem]) -> None:
    """Say on each line whether its product is the one remembered for its term (one query)."""
    remembered = find_selections(
        household=shopping_list.household_id,
        terms={item.term for item in items},
        location_id=shopping_list.location_id,
    )
    for item in items:
        selection = remembered.get(normalize_term(item.term))
        item.is_remembered = (
            bool(item.product_id) and selection is not None and (selection.product_id == item.product_id)
        )


def _kroger_text(exc: KrogerError) -> str:
    if isinstance(exc, KrogerReconnectRequired):
        return "Your Kroger connection has expired. Reconnect Kroger, then send again."
    return exc.message


def _kroger_message(request, exc: KrogerError) -> None:
    messages.error(request, _kroger_text(exc))


@login_required
@require_http_methods(["GET", "POST"])
def list_index(request):
    form = NewListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            shopping_list = list_services.create_list_from_text(owner=request.user, **form.cleaned_data)
        except list_services.NoStoreChosen as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("list-detail", pk=shopping_list.pk)
    lists = (
        ShoppingList.objects.for_household(household_of(request.user)).with_counts().select_related("owner")
    )
    context = {"form": form, "lists": lists, "has_store": bool(request.user.preferred_location_id)}
    return render(request, "shopping/lists/index.html", context, status=400 if form.errors else 200)


@login_required
def list_detail(request, pk: int):
    shopping_list = _get_list(request, pk)
    items = list(shopping_list.items.all())
    guidance = _household_guidance(request)
    _mark_exclusions(items, guidance)
    _mark_remembered(shopping_list, items)
    for index, item in enumerate(items):
        item.index = index  # its place on the page, for Move up / Move down
    row_notice = request.session.pop(ROW_NOTICE, None)
    if row_notice:
        for item in items:
            if item.pk == row_notice.get("item"):
                item.row_notice, item.row_error = row_notice.get("notice", ""), row_notice.get("error", "")
    progress = ListProgress.of_items(items)
    context = {
        "list": shopping_list,
        "items": items,
        "total": basket_total(items),
        "total_is_estimate": total_is_estimate(items),
        "add_form": AddItemForm(),
        "progress": progress,
        "pending": progress.looking + progress.failed,
        "not_understood": guidance.not_understood,
        "to_send": list_sending.plan_send(shopping_list, items).lines,
    }
    return render(request, "shopping/lists/detail.html", context)


@login_required
@require_POST
def list_resolve(request, pk: int):
    shopping_list = _get_list(request, pk)
    try:
        resolving.resolve_list(shopping_list=shopping_list, requested_by=request.user.pk)
    except resolving.ResolveInProgress:
        messages.info(request, "This list is being looked up right now: its lines fill in as Kroger answers.")
    return redirect("list-detail", pk=pk)


@login_required
@require_POST
def item_resolve(request, pk: int, item_id: int):
    """Resolve one line; answers its re-rendered row (for lists.js) or redirects."""
    item = _get_item(request, pk, item_id)
    notice = ""
    if item.status in (ListItem.Status.PENDING, ListItem.Status.ERROR):
        try:
            resolving.resolve_line(item=item)
        except resolving.ResolveInProgress:
            notice = "Being looked up with the rest of the list…"
    if not _wants_json(request):
        return redirect("list-detail", pk=pk)
    return _row_response(request, item, notice=notice)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _row_response(request, item: ListItem, *, notice: str = "", error: str = "") -> JsonResponse:
    """The line's re-rendered row and the list's new totals, for lists.js to update in place.

    What happened is said inside the row (`notice` / `error`) rather than as a flash message,
    which would otherwise wait for the next full page load and be shown out of context.
    """
    items = list(ListItem.objects.filter(shopping_list_id=item.shopping_list_id))
    index = next((index for index, line in enumerate(items) if line.pk == item.pk), None)
    if index is None:  # removed (or its list deleted) while this request ran
        raise Http404("That line is no longer on the list.")
    # The row as saved, not as this request last held it: a pick is not saved over another
    # member's change made meanwhile, and a row showing it would carry that change's version.
    shopping_list, item = item.shopping_list, items[index]
    item.shopping_list = shopping_list
    _mark_exclusions([item], _household_guidance(request))
    _mark_remembered(shopping_list, [item])
    item.row_notice, item.row_error = notice, error
    item.index = index
    row = {"item": item, "list": shopping_list}
    return JsonResponse(
        {
            "id": item.pk,
            "status": item.status,
            "html": render_to_string("shopping/lists/_item.html", row, request),
            **_list_state(item.shopping_list, items),
        }
    )


def _list_state(shopping_list, items: list[ListItem]) -> dict:
    """What lists.js updates outside the row after any change: order, totals, progress, send."""
    progress = ListProgress.of_items(items)
    return {
        "order": [line.pk for line in items],
        "total": f"{basket_total(items):.2f}",
        "total_label": _total_label(items),
        "ready": progress.ready,
        "count": progress.total,
        "progress": progress.summary,
        "stage": progress.stage,
        "can_send": bool(list_sending.plan_send(shopping_list, items).lines),
    }


def _total_label(items: list[ListItem]) -> str:
    return "Estimated basket total" if total_is_estimate(items) else "Basket total"


def _answer(request, item: ListItem, *, notice: str = "", error: str = ""):
    """Say what happened to a line, in its row: re-rendered for lists.js, else kept for the next
    page load (the redirect lands on the row, so the message is where the eye is)."""
    if _wants_json(request):
        return _row_response(request, item, notice=notice, error=error)
    request.session[ROW_NOTICE] = {"item": item.pk, "notice": notice, "error": error}
    return redirect(_row_url(item.shopping_list_id, item.pk))


@login_required
@require_POST
def item_update(request, pk: int, item_id: int):
    item = _get_item(request, pk, item_id)
    form = ItemForm(request.POST)
    if not form.is_valid():
        problems = {
            "quantity": "Quantity must be a whole number from 1 to 99.",
            "product_id": "Unknown product.",
        }
        return _answer(
            request,
            item,
            error=" ".join(problems.get(field, "That change was not understood.") for field in form.errors),
        )
    changes = form.changes()
    try:
        list_services.change_item(item=item, version=form.cleaned_data.get("version"), **changes)
    except resolving.ResolveInProgress:
        return _answer(request, item, error=BEING_LOOKED_UP)
    except list_services.StaleEdit as exc:
        return _answer(request, exc.item, error=_stale_text(exc, changes.get("text") or changes.get("term")))
    except (list_services.ProductNotAvailable, list_services.ListTextInvalid) as exc:
        return _answer(request, item, error=str(exc))
    except KrogerError as exc:
        return _answer(request, item, error=_kroger_text(exc))
    return _answer(request, item, notice=_change_notice(item, changes))


BEING_LOOKED_UP = "This list is being looked up right now — try again in a moment."


def _stale_text(exc: list_services.StaleEdit, typed: str = "") -> str:
    # The row comes back as it is now, so words the shopper typed would vanish from its field.
    return f"{exc} You wrote “{typed}”." if typed else str(exc)


def _change_notice(item: ListItem, changes: dict) -> str:
    """What the shopper's change did, said in the row."""
    if "skipped" in changes:
        return "Skipped: kept on the list, not sent." if item.skipped else "Back on the list."
    if "position" in changes:
        return "Moved."
    if "text" in changes:
        return "Changed and picked again."
    if "product_id" in changes:
        return f"Swapped to {item.description}."
    if "term" in changes:
        return "Searched again."
    if "quantity" in changes:
        return f"Quantity {item.quantity}."
    return ""


@login_required
@require_POST
def item_add(request, pk: int):
    """Add a line at the end and pick it at once; answers its row (for lists.js) or redirects."""
    shopping_list = _get_list(request, pk)
    form = AddItemForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            item = list_services.add_item(shopping_list=shopping_list, text=form.cleaned_data["text"])
        except list_services.ListTextInvalid as exc:
            error = str(exc)
        else:
            resolve_items(shopping_list=shopping_list, items=[item], workers=1)
            return _answer(request, item, notice="Added.")
    else:
        error = "Write what to buy, e.g. “2 lb ground beef” (at most 300 characters)."
    if _wants_json(request):
        return JsonResponse({"error": error}, status=400)
    messages.error(request, error)
    return redirect(reverse("list-detail", args=[pk]) + "#add-line")


@login_required
@require_POST
def item_delete(request, pk: int, item_id: int):
    item = _get_item(request, pk, item_id)
    item.delete()
    if _wants_json(request):
        items = list(ListItem.objects.filter(shopping_list_id=pk))
        return JsonResponse(
            {
                "id": item_id,
                "deleted": True,
                **_list_state(item.shopping_list, items),
                "notice": f"Removed “{item.raw_text}”.",
            }
        )
    messages.success(request, f"Removed “{item.raw_text}”.")
    return redirect("list-detail", pk=pk)


def _row_url(pk: int, item_id: int) -> str:
    return reverse("list-detail", args=[pk]) + f"#item-{item_id}"


@login_required
@require_POST
def item_remember(request, pk: int, item_id: int):
    item = _get_item(request, pk, item_id)
    form = RememberLineForm(request.POST)
    if not form.is_valid():
        too_long = "guidance_text" in form.errors
        error = "the guidance line is too long" if too_long else "that was not understood"
        return _answer(request, item, error=f"Not remembered: {error}.")
    try:
        list_services.remember_item(item=item, user=request.user, **form.cleaned_data)
    except list_services.StaleEdit as exc:
        return _answer(request, exc.item, error=_stale_text(exc, form.cleaned_data["guidance_text"].strip()))
    except (list_services.ItemHasNoProduct, ValidationError) as exc:
        return _answer(request, item, error=" ".join(getattr(exc, "messages", [str(exc)])))
    saved = " and saved your guidance" if form.cleaned_data["guidance_text"].strip() else ""
    return _answer(request, item, notice=f"Remembered “{item.description}” for “{item.term}”{saved}.")


ROW_NOTICE = "list_row_notice"


@login_required
@require_POST
def list_send(request, pk: int):
    shopping_list = _get_list(request, pk)
    confirm = request.POST.get("confirm") == "1"
    if confirm:
        # The shopper's answer to "sent lately from another list": leave these lines out.
        leave_out = [int(key[6:]) for key, value in request.POST.items() if key.startswith("leave-") and
                     key[6:].isdigit() and value == "out"]  # fmt: skip
        if leave_out:
            shopping_list.items.filter(pk__in=leave_out).update(skipped=True, version=F("version") + 1)
            shopping_list = _get_list(request, pk)
    try:
        result = list_sending.send_list_to_cart(
            shopping_list=shopping_list, user=request.user, confirm=confirm
        )
    except list_sending.RecentlySent as exc:
        context = {"list": shopping_list, "plan": exc.plan, "recent": exc.recent}
        return render(request, "shopping/lists/confirm_send.html", context)
    except list_sending.ConfirmationRequired as exc:
        return render(request, "shopping/lists/confirm_send.html", {"list": shopping_list, "plan": exc.plan})
    except (CartSendInProgress, IdempotencyKeyReused) as exc:
        messages.error(request, exc.message)
    except KrogerError as exc:
        _kroger_message(request, exc)
    else:
        messages.success(request, result.detail)
    return redirect("list-detail", pk=pk)


@login_required
@require_POST
def list_delete(request, pk: int):
    shopping_list = get_object_or_404(ShoppingList.objects.for_household(household_of(request.user)), pk=pk)
    shopping_list.delete()
    messages.success(request, f"Deleted “{shopping_list}”.")
    return redirect("list-index")
