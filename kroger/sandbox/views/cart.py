"""Identity profile, cart add, and the sandbox-only pages: carts and fault injection."""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from .. import catalogue, store
from ..store import Grant
from .common import bad_request, kroger_api, wrapped_error
from .oauth import shoppers

MODALITIES = ("PICKUP", "DELIVERY")
MODALITY_REASON = "Modality must be omitted or equal to one of the following codes: DELIVERY, PICKUP"


@kroger_api("profile", scope="profile.compact")
def profile(request: HttpRequest, grant: Grant) -> HttpResponse:
    return JsonResponse({"data": {"id": grant.profile_id}, "meta": {}})


def _cart_items(body: bytes) -> tuple[list[dict], str | None]:
    """The validated items of a cart add, or the reason for a 400 (kroger-api.md §7.1)."""
    try:
        payload = json.loads(body or b"")
    except (ValueError, UnicodeDecodeError):
        return [], "Cannot parse parameters"
    items = payload.get("items") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not items or not all(isinstance(item, dict) for item in items):
        return [], "Cannot parse parameters"
    cleaned = []
    for item in items:
        upc, quantity, modality = item.get("upc"), item.get("quantity"), item.get("modality")
        if not isinstance(upc, str) or len(upc) != 13:
            return [], "UPC must have a length of 13 characters"
        if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
            return [], "Field 'quantity' must be a whole number of at least 1"
        if modality is not None and modality not in MODALITIES:
            return [], MODALITY_REASON
        cleaned.append({"upc": upc, "quantity": quantity, "modality": modality or "PICKUP"})
    return cleaned, None


@kroger_api("cart", scope="cart.basic:write", methods=("PUT",))
def cart_add(request: HttpRequest, grant: Grant) -> HttpResponse:
    if request.content_type != "application/json":
        return bad_request("cart", "Cannot parse parameters")
    items, reason = _cart_items(request.body)
    if reason:
        return bad_request("cart", reason)
    store.add_to_cart(grant.profile_id, items)
    return HttpResponse(status=204)  # Kroger answers 204 with no body


def _carts() -> list[dict]:
    by_upc = catalogue.products_by_upc()
    result = []
    for shopper in shoppers():
        lines = []
        for line in store.cart_for(shopper["id"]):
            product = by_upc.get(line["upc"])
            description = product.description if product else "Unknown product"
            lines.append({**line, "description": description, "size": product.size if product else ""})
        result.append({"id": shopper["id"], "name": shopper["name"], "items": lines})
    return result


@store.one_generation()
def cart_page(request: HttpRequest) -> HttpResponse:
    """Every test shopper's cart (HTML, or JSON with ?format=json): the public API has no cart read."""
    carts = _carts()
    if request.GET.get("format") == "json":
        return JsonResponse({"shoppers": carts})
    return render(request, "sandbox/cart.html", {"carts": carts})


FAULT_FIELDS = {"latency_ms": int, "error_rate": float, "status": int, "rate_limited": bool, "timeout": bool}


def _may_inject_faults(request: HttpRequest) -> bool:
    # Staff only, or anyone when tests and benchmarks opened it deliberately: never anonymous.
    if getattr(settings, "KROGER_SANDBOX_OPEN_FAULTS", False):
        return True
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and user.is_staff)


@csrf_exempt
def faults(request: HttpRequest) -> HttpResponse:
    """POST {"endpoint": ..., "latency_ms": ...} sets a fault; GET lists them; DELETE clears all.

    Only a signed-in staff user may (or anyone with the test-only `KROGER_SANDBOX_OPEN_FAULTS`).
    """
    if not _may_inject_faults(request):
        return JsonResponse({"error": "Fault injection needs a signed-in staff user."}, status=403)
    if request.method == "DELETE":
        store.clear_faults()
        return HttpResponse(status=204)
    if request.method == "GET":
        return JsonResponse({"faults": store.list_faults()})
    if request.method != "POST":
        return JsonResponse({}, status=405, headers={"Allow": "GET, POST, DELETE"})
    try:
        payload = json.loads(request.body or b"")
        options = {key: kind(payload[key]) for key, kind in FAULT_FIELDS.items() if key in payload}
        store.set_fault(str(payload.get("endpoint")), **options)
    except (ValueError, TypeError, AttributeError) as error:
        return JsonResponse({"error": str(error)}, status=400)
    return JsonResponse({"endpoint": payload["endpoint"], **options}, status=201)


@kroger_api("cart", methods=("GET", "POST", "PUT", "DELETE"))
def partner_carts(request: HttpRequest, grant: Grant, path: str = "") -> HttpResponse:
    """The partner-only /v1/carts API: public apps get 403 CART-2216 (kroger-api.md §7.2)."""
    return wrapped_error(403, "CART-2216", "required scope not found. expected [cart.basic:rw]")
