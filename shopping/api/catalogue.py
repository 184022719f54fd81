"""Catalogue API: Kroger stores and products, through our client (cached, quota-guarded)."""

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import household_of
from kroger.errors import KrogerBadRequest
from kroger.gateway import get_client
from shopping.api.throttling import ScopedRateThrottle
from shopping.models import Guidance
from shopping.parsing import kroger_search_term
from shopping.picking import read_guidance
from shopping.serializers.catalogue import (
    ApiErrorSerializer,
    LocationListSerializer,
    LocationQuerySerializer,
    LocationSerializer,
    ProductLocationQuerySerializer,
    ProductPageSerializer,
    ProductQuerySerializer,
    ProductSerializer,
)
from shopping.stores import stores_nearest_first

NO_STORE_NOTICE = "Choose a store to see prices and availability."
LOCATION_ID_PATTERN = r"^[0-9A-Za-z]{8}$"
PRODUCT_ID_PATTERN = r"^[0-9]{13}$"


def error_doc(description: str, code: str, detail: str) -> OpenApiResponse:
    return OpenApiResponse(
        ApiErrorSerializer,
        description=description,
        examples=[OpenApiExample(code, value={"code": code, "detail": detail})],
    )


# The failures any Kroger-proxying endpoint can answer (see shopping/exceptions.py).
KROGER_ERRORS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="Invalid input: field name → list of messages.",
        examples=[OpenApiExample("bad_input", value={"term": ["Enter at least 3 characters."]})],
    ),
    401: error_doc(
        "Not signed in, or the Kroger connection must be renewed.",
        "kroger_reconnect_required",
        "Your Kroger connection has expired. Please reconnect your Kroger account.",
    ),
    429: error_doc(
        "Kroger (or our quota guard) is rate limiting; see Retry-After.",
        "kroger_rate_limited",
        "Kroger is receiving too many requests right now. Please try again in a minute.",
    ),
    503: error_doc(
        "Kroger is unreachable or failing; see Retry-After.",
        "kroger_unavailable",
        "Kroger is not responding right now. Please try again in a few minutes.",
    ),
}
PRODUCT_PAGE_EXAMPLE = {
    "location_id": "01400943",
    "total": 26,
    "start": 0,
    "limit": 1,
    "results": [
        {
            "product_id": "0001111040060",
            "upc": "0001111040060",
            "description": "Kroger® Vitamin D Whole Milk",
            "brand": "Kroger",
            "size": "1 gal",
            "sold_by": "UNIT",
            "image_url": "https://www.kroger.com/product/images/medium/front/0001111040060",
            "images": {"medium": "https://www.kroger.com/product/images/medium/front/0001111040060"},
            "regular_price": "3.69",
            "promo_price": "2.99",
            "price": "2.99",
            "on_sale": True,
            "stock_level": "HIGH",
            "fulfillment": {"curbside": True, "delivery": True, "in_store": True, "ship_to_home": False},
            "aisle": "Dairy",
            "categories": ["Dairy"],
            "temperature": "Refrigerated",
            "excluded_reason": "",
        }
    ],
}
NOT_FOUND = error_doc("Kroger has no such item.", "kroger_not_found", "Kroger could not find that.")


class KrogerRateThrottle(ScopedRateThrottle):
    """Per-shopper limit on endpoints that spend Kroger's daily quota (`KROGER_API_THROTTLE_RATE`)."""


class KrogerProxyView(APIView):
    """Endpoints that call Kroger get a tighter throttle on top of the site-wide one."""

    throttle_scope = "kroger"

    def get_throttles(self):
        return [*super().get_throttles(), KrogerRateThrottle()]


def _check_path_id(value: str, *, pattern: str, field: str, message: str) -> None:
    # A malformed ID is our caller's mistake: say so, without spending a Kroger call.
    if not re.fullmatch(pattern, value):
        raise ValidationError({field: [message]})


def _store_for(request, location_id: str | None) -> str | None:
    return location_id or getattr(request.user, "preferred_location_id", "") or None


def _at_store(call, location_id: str | None):
    """Run a Kroger call for a store; Kroger's 400 for a well-formed but unknown store is our 404."""
    try:
        return call()
    except KrogerBadRequest as exc:
        if location_id and "location" in exc.message.lower():
            raise NotFound(f"Kroger has no store with ID {location_id}.") from exc
        raise


NO_SUCH_STORE = error_doc(
    "No Kroger store has that ID.", "not_found", "Kroger has no store with ID 01400000."
)


def _guidance_context(request) -> dict:
    """The caller's guidance, read once, so each product can say what rules it out (nothing
    does for a caller without guidance)."""
    if not request.user.is_authenticated:
        return {}
    return {"guidance": read_guidance(Guidance.objects.for_household(household_of(request.user)))}


class LocationListView(KrogerProxyView):
    @extend_schema(
        operation_id="locations_search",
        summary="Find Kroger-family stores near a ZIP code",
        parameters=[LocationQuerySerializer],
        responses={200: LocationListSerializer, **KROGER_ERRORS},
        tags=["catalogue"],
    )
    def get(self, request):
        query = LocationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        locations = get_client().search_locations(
            zip_code=data["zip_code"],
            radius_miles=data["radius"],
            limit=data["limit"],
            chain=data.get("chain"),
        )
        nearby = stores_nearest_first(locations, zip_code=data["zip_code"])
        distances = {location.location_id: miles for location, miles in nearby}
        body = {"results": [location for location, _ in nearby]}
        return Response(LocationListSerializer(body, context={"distances": distances}).data)


class LocationDetailView(KrogerProxyView):
    @extend_schema(
        operation_id="locations_retrieve",
        summary="One store by its 8-character ID",
        parameters=[
            OpenApiParameter(
                "location_id", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=LOCATION_ID_PATTERN
            )
        ],
        responses={200: LocationSerializer, 404: NOT_FOUND, **KROGER_ERRORS},
        tags=["catalogue"],
    )
    def get(self, request, location_id: str):
        _check_path_id(
            location_id,
            pattern=LOCATION_ID_PATTERN,
            field="location_id",
            message="A store ID has 8 characters, e.g. 01400943.",
        )
        return Response(LocationSerializer(get_client().get_location(location_id)).data)


class ProductSearchView(KrogerProxyView):
    @extend_schema(
        operation_id="products_search",
        summary="Search products at a store",
        description=(
            "The store defaults to your preferred store. Without any store Kroger sends no "
            "prices, stock or aisles: those fields are null and `notice` says so. Each product's "
            "`excluded_reason` says when your guidance rules it out (allergens, ingredients, diets)."
        ),
        parameters=[ProductQuerySerializer],
        responses={
            200: OpenApiResponse(
                ProductPageSerializer,
                description="One page of results.",
                examples=[OpenApiExample("milk_at_a_store", value=PRODUCT_PAGE_EXAMPLE)],
            ),
            404: NO_SUCH_STORE,
            **KROGER_ERRORS,
        },
        tags=["catalogue"],
    )
    def get(self, request):
        query = ProductQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        location_id = _store_for(request, data.get("location_id"))
        page = _at_store(
            lambda: get_client().search_products(
                # As the catalogue page does: "牛奶" is searched as Kroger takes it, "牛 奶".
                term=kroger_search_term(data["term"]),
                location_id=location_id,
                brand=data.get("brand"),
                fulfillment=data.get("fulfillment"),
                start=data["start"],
                limit=data["limit"],
            ),
            location_id,
        )
        body = {
            "location_id": location_id,
            "total": page.total,
            "start": page.start,
            "limit": page.limit,
            "results": page.products,
        }
        if location_id is None:
            body["notice"] = NO_STORE_NOTICE
        return Response(ProductPageSerializer(body, context=_guidance_context(request)).data)


class ProductDetailView(KrogerProxyView):
    @extend_schema(
        operation_id="products_retrieve",
        summary="One product by its 13-digit ID",
        parameters=[
            OpenApiParameter(
                "product_id", OpenApiTypes.STR, OpenApiParameter.PATH, pattern=PRODUCT_ID_PATTERN
            ),
            ProductLocationQuerySerializer,
        ],
        responses={200: ProductSerializer, 404: NOT_FOUND, **KROGER_ERRORS},
        tags=["catalogue"],
    )
    def get(self, request, product_id: str):
        _check_path_id(
            product_id,
            pattern=PRODUCT_ID_PATTERN,
            field="product_id",
            message="A product ID has 13 digits, e.g. 0001111041700.",
        )
        query = ProductLocationQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        location_id = _store_for(request, query.validated_data.get("location_id"))
        product = _at_store(
            lambda: get_client().get_product(product_id, location_id=location_id), location_id
        )
        return Response(ProductSerializer(product, context=_guidance_context(request)).data)
