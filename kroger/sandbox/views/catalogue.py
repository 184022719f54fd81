"""Products and Locations APIs (kroger-api.md §5, §6): Kroger's filters, limits and 400 messages."""

import re

from django.http import HttpRequest, HttpResponse, JsonResponse

from .. import catalogue, locations, render, store
from ..store import Grant
from .common import bad_request, kroger_api, not_found, parse_int

FULFILLMENT_CODES = {"ais": "inStore", "csp": "curbside", "dth": "delivery", "sth": "shipToHome"}
# Characters Kroger's term search rejects with a 400 (kroger-api.md §5.1, §9.8).
_TERM_FORBIDDEN = re.compile(r"[&#@$^*<>{}\[\]|\\~`=;\"?]")
UPC_LENGTH = "UPC must have a length of 13 characters"
LOCATION_LENGTH = "Field 'locationId' must have a length of 8 characters"


def _store_filter(query, endpoint: str) -> tuple[str | None, JsonResponse | None]:
    location_id = query.get("filter.locationId")
    if location_id is None:
        return None, None
    if len(location_id) != 8:
        return None, bad_request(endpoint, LOCATION_LENGTH)
    if locations.get_location(location_id) is None:
        return None, bad_request(endpoint, f"Field 'locationId' {location_id} is not a valid location")
    return location_id, None


def _validate_product_search(query) -> tuple[dict, str | None]:
    """The parsed filters, or the reason for a 400."""
    term = query.get("filter.term")
    brand = query.get("filter.brand")
    ids = query.get("filter.productId")
    if term is not None:
        if len(term.strip()) < 3:
            return {}, "Field 'term' must have a minimum length of 3 characters"
        if len(term.split()) > 8:
            return {}, "Field 'term' must have at most 8 words"
        if _TERM_FORBIDDEN.search(term):
            return {}, "Field 'term' contains invalid characters"
    if not (term or brand or ids):
        return {}, "Invalid parameters: one of filter.term, filter.brand or filter.productId is required"
    limit = parse_int(query.get("filter.limit"), 10)
    if limit is None or not 1 <= limit <= 50:
        return {}, "Field 'limit' must be a number between 1 and 50 (inclusive)"
    start = parse_int(query.get("filter.start"), 0)
    if start is None or not 0 <= start <= 250:
        return {}, "Field 'start' must be a number between 0 and 250 (inclusive)"
    product_ids = None
    if ids is not None:
        product_ids = [part.strip() for part in ids.split(",") if part.strip()]
        if any(len(upc) != 13 for upc in product_ids):
            return {}, UPC_LENGTH
        if len(product_ids) > 50:
            return {}, "Field 'productId' must list at most 50 products"
    fulfillment = None
    if query.get("filter.fulfillment"):
        fulfillment = query["filter.fulfillment"].split(",")
        if any(code not in FULFILLMENT_CODES for code in fulfillment):
            return {}, "Field 'fulfillment' must be one or more of: ais, csp, dth, sth"
    brands = brand.split("|") if brand else None
    filters = {"term": term, "brands": brands, "product_ids": product_ids, "fulfillment": fulfillment}
    return {**filters, "limit": limit, "start": start}, None


@kroger_api("products", scope="product.compact")
def products(request: HttpRequest, grant: Grant) -> HttpResponse:
    filters, reason = _validate_product_search(request.GET)
    if reason:
        return bad_request("products", reason)
    location_id, error = _store_filter(request.GET, "products")
    if error:
        return error
    if filters["product_ids"] is not None:
        # Per the spec, a productId lookup ignores term and brand (the store still applies).
        found = catalogue.search(product_ids=filters["product_ids"])
    else:
        found = catalogue.search(term=filters["term"], brands=filters["brands"])
    if location_id is not None:
        found = [product for product in found if catalogue.is_carried(product, location_id)]
        # Fulfilment is only known at a store, so the filter only applies with one.
        for code in filters["fulfillment"] or ():
            key = FULFILLMENT_CODES[code]
            found = [product for product in found if catalogue.fulfillment(product, location_id)[key]]
    start, limit = filters["start"], filters["limit"]
    page = found[start : start + limit]
    drift = store.drift()  # one look for the page, not one per product
    return JsonResponse(
        {
            "data": [render.product_json(product, request, location_id, drift=drift) for product in page],
            "meta": {"pagination": {"start": start, "limit": limit, "total": len(found)}},
        }
    )


@kroger_api("products", scope="product.compact")
def product_detail(request: HttpRequest, grant: Grant, product_id: str) -> HttpResponse:
    if len(product_id) != 13:
        return bad_request("products", UPC_LENGTH)
    location_id, error = _store_filter(request.GET, "products")
    if error:
        return error
    product = catalogue.products_by_upc().get(product_id)
    if product is None or (location_id and not catalogue.is_carried(product, location_id)):
        return not_found()
    return JsonResponse({"data": render.product_json(product, request, location_id), "meta": {}})


def _origin(query) -> tuple[tuple[float, float] | None, str | None]:
    """The search's starting point, or the reason it is invalid."""
    if "filter.zipCode.near" in query:
        zip_code = query["filter.zipCode.near"]
        if not re.fullmatch(r"\d{5}", zip_code):
            return None, "Field 'filter.zipCode.near' must 5 digits"
        # A real ZIP we have no centroid for is far from every sandbox store.
        return locations.ZIP_CENTROIDS.get(zip_code, (0.0, 0.0)), None
    if "filter.latLong.near" in query:
        lat, _, lon = query["filter.latLong.near"].partition(",")
    elif "filter.lat.near" in query or "filter.lon.near" in query:
        lat, lon = query.get("filter.lat.near", ""), query.get("filter.lon.near", "")
    else:
        return None, None
    try:
        point = (float(lat), float(lon))
    except ValueError:
        point = (999.0, 999.0)
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        return None, "Field 'filter.latLong.near' improper coordinate location, must be on Earth"
    return point, None


def _validate_location_search(query) -> tuple[dict, str | None]:
    origin, reason = _origin(query)
    if reason:
        return {}, reason
    radius = parse_int(query.get("filter.radiusInMiles"), 10)
    if radius is None or not 1 <= radius <= 100:
        return {}, "Field 'filter.radiusInMiles' outside of distance limits, distance range is 1 - 100 miles."
    limit = parse_int(query.get("filter.limit"), 10)
    if limit is None or not 1 <= limit <= 200:
        return {}, "Field 'limit' must be a number between 1 and 200 (inclusive)"
    departments = [d for d in query.get("filter.department", "").split(",") if d]
    if any(department not in locations.department_ids() for department in departments):
        return {}, "Field 'filter.department' contains invalid department ID(s)"
    location_ids = [i.strip() for i in query.get("filter.locationId", "").split(",") if i.strip()]
    if any(len(location_id) != 8 for location_id in location_ids):
        return {}, LOCATION_LENGTH
    chain = query.get("filter.chain") or None
    if origin is None and not (location_ids or chain):
        return {}, "Invalid parameters: a starting point such as filter.zipCode.near is required"
    filters = {"origin": origin, "radius_miles": radius, "chain": chain}
    return {**filters, "location_ids": location_ids, "departments": departments, "limit": limit}, None


@kroger_api("locations")
def location_search(request: HttpRequest, grant: Grant) -> HttpResponse:
    filters, reason = _validate_location_search(request.GET)
    if reason:
        return bad_request("locations", reason)
    limit = filters.pop("limit")
    found = locations.search_locations(**filters)[:limit]
    data = locations.drifted(found) if store.drift() else found
    return JsonResponse(
        {"data": data, "meta": {"pagination": {"start": 0, "limit": limit, "total": len(found)}}}
    )


@kroger_api("locations", methods=("GET", "HEAD"))
def location_detail(request: HttpRequest, grant: Grant, location_id: str) -> HttpResponse:
    head = request.method == "HEAD"
    if len(location_id) != 8:
        return HttpResponse(status=400) if head else bad_request("locations", LOCATION_LENGTH)
    location = locations.get_location(location_id)
    if location is None:
        return HttpResponse(status=404) if head else not_found()
    if head:
        return HttpResponse(status=204)
    return JsonResponse({"data": locations.drifted(location) if store.drift() else location, "meta": {}})
