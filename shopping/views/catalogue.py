"""Store finder and product search pages (FBVs). Kroger failures become friendly banners."""

import uuid
from urllib.parse import urlencode
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from accounts.access import household_of
from accounts.services import InvalidLocation, set_preferred_location
from kroger.errors import KrogerCartOutcomeUnknown, KrogerError
from kroger.gateway import get_client
from shopping.forms import CartItemForm, ProductSearchForm, StoreSearchForm
from shopping.models import Guidance, is_product_id
from shopping.parsing import kroger_search_term
from shopping.picking import read_guidance, why_excluded
from shopping.search_terms import clean_search_term
from shopping.services import memory as memory_services
from shopping.services.cart import CartSendInProgress, IdempotencyKeyReused, send_items_to_cart
from shopping.stores import stores_nearest_first

PAGE_SIZE = 12
# Out of stock is said beside the (disabled) add button instead.
STOCK_BADGES = {"LOW": "Low stock"}
CART_UNKNOWN_MESSAGE = (
    "Kroger did not confirm the update, so {item} may or may not be in your Kroger cart. "
    "Please check your Kroger cart before adding it again."
)


def _first_errors(errors: dict) -> dict[str, str]:
    return {field: str(messages_[0]) for field, messages_ in errors.items()}


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


def _today_hours(location):
    """The store's hours today, in the store's own time zone when Kroger tells us it."""
    now = timezone.now()
    try:
        now = now.astimezone(ZoneInfo(location.timezone)) if location.timezone else timezone.localtime(now)
    except (ZoneInfoNotFoundError, ValueError):
        now = timezone.localtime(now)
    return location.hours.get(now.strftime("%A").lower())


def _pretty_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}" if len(digits) == 10 else phone


@login_required
@require_GET
def store_finder(request):
    context = {"zip_code": request.GET.get("zip_code", "").strip(), "stores": None}
    if context["zip_code"]:
        query = StoreSearchForm({"zip_code": context["zip_code"]})
        if not query.is_valid():
            context["errors"] = _first_errors(query.errors)
        else:
            try:
                locations = get_client().search_locations(
                    zip_code=query.cleaned_data["zip_code"], radius_miles=25
                )
            except KrogerError as exc:
                context["kroger_error"] = exc.message
            else:
                context["stores"] = [
                    {
                        "location": location,
                        "distance_miles": miles,
                        "today": _today_hours(location),
                        "is_current": location.location_id == request.user.preferred_location_id,
                        "phone": _pretty_phone(location.phone),
                    }
                    for location, miles in stores_nearest_first(
                        locations, zip_code=query.cleaned_data["zip_code"]
                    )
                ]
    return render(request, "shopping/catalogue/store_finder.html", context)


@login_required
@require_POST
def choose_store(request):
    back = "/stores/?" + urlencode({"zip_code": request.POST.get("zip_code", "")[:5]})
    try:
        set_preferred_location(user=request.user, location_id=request.POST.get("location_id", ""))
    except (InvalidLocation, KrogerError) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{request.user.preferred_location_name} is now your store.")
    return redirect(back)


def _search_results(*, term: str, start: str, store: str | None, user) -> dict:
    """The product page's results part: field errors, a Kroger error, or one page with paging links.

    Each product says why the user's guidance rules it out, if it does ("excluded").
    """
    query = ProductSearchForm({"term": term, "start": start})
    if not query.is_valid():
        return {"errors": _first_errors(query.errors)}
    start = query.cleaned_data["start"]
    try:
        page = get_client().search_products(
            term=kroger_search_term(query.cleaned_data["term"]),
            location_id=store,
            start=start,
            limit=PAGE_SIZE,
        )
    except KrogerError as exc:
        return {"kroger_error": exc.message}
    guidance = read_guidance(Guidance.objects.for_household(household_of(user)))
    results = {
        "page": page,
        "products": [
            {
                "product": p,
                "stock_badge": STOCK_BADGES.get(p.stock_level or ""),
                # Kroger says the store has run out: the page offers no add button for it.
                "can_add": p.in_stock is not False,
                "excluded": why_excluded(p, guidance),
                "key": uuid.uuid4(),
            }
            for p in page.products
        ],
        "current_url": "?" + urlencode({"term": term, "start": start}),
    }
    if start > 0:
        results["previous_url"] = "?" + urlencode({"term": term, "start": max(0, start - PAGE_SIZE)})
    if start + len(page.products) < page.total:
        results["next_url"] = "?" + urlencode({"term": term, "start": start + PAGE_SIZE})
    return results


@login_required
@require_GET
def product_search(request):
    store = request.user.preferred_location_id or None
    term = " ".join(request.GET.get("term", "").split())
    context = {"term": term, "store": store, "page": None}
    if term:
        context |= _search_results(
            term=term, start=request.GET.get("start", "0"), store=store, user=request.user
        )
    return render(request, "shopping/catalogue/product_search.html", context)


@login_required
@require_POST
def add_to_cart(request):
    back = _safe_next(request, "/products/")
    item = CartItemForm(request.POST)
    if not item.is_valid():
        messages.error(
            request, "That item could not be added: " + " ".join(_first_errors(item.errors).values())
        )
        return redirect(back)
    quantity = item.cleaned_data["quantity"]
    label = f"{quantity} × {request.POST.get('description', '').strip()[:200] or 'the item'}"
    key = request.POST.get("idempotency_key", "").strip()[:100]
    try:
        # One item, and the page says at once whether it went in: never queued for a worker. A
        # queued send could only say "Sending…" (no page follows a send; the script's API call can).
        send = send_items_to_cart(
            user=request.user, items=[item.cleaned_data], idempotency_key=key, background=False
        )
    except KrogerCartOutcomeUnknown:
        messages.warning(request, CART_UNKNOWN_MESSAGE.format(item=label))
    except KrogerError as exc:
        messages.error(request, f"{label} was not added. {exc.message}")
    except (IdempotencyKeyReused, CartSendInProgress) as exc:
        messages.info(request, exc.message)
    else:
        if send.replayed:
            messages.info(request, f"{label} was already added to your Kroger cart.")
        else:
            messages.success(request, f"Added {label} to your Kroger cart.")
    return redirect(back)


@login_required
@require_POST
def remember_product(request):
    back = _safe_next(request, "/products/")
    store = request.user.preferred_location_id
    try:
        term = clean_search_term(request.POST.get("term", ""))
    except ValidationError as exc:
        messages.error(request, "Not remembered: " + " ".join(exc.messages))
        return redirect(back)
    product_id = request.POST.get("product_id", "").strip()
    if not is_product_id(product_id):
        messages.error(request, "Not remembered: that product ID is not valid.")
        return redirect(back)
    try:
        selection, _ = memory_services.remember_product(
            owner=request.user, term=term, product_id=product_id, location_id=store
        )
    except memory_services.NotAtKroger as exc:
        messages.error(request, f"Not remembered: {exc}")
        return redirect(back)
    except KrogerError as exc:
        messages.error(request, f"Not remembered. {exc.message}")
        return redirect(back)
    where = "at your store" if store else "at any store"
    messages.success(request, f"Remembered {selection.description} for “{term}” {where}.")
    return redirect(back)
