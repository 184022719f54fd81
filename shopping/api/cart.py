"""Cart API: add items to the shopper's Kroger cart, and read the ledger of sends."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.access import household_of
from kroger.errors import KrogerCartOutcomeUnknown
from shopping.api.catalogue import KROGER_ERRORS, KrogerProxyView, error_doc
from shopping.exceptions import kroger_error_response
from shopping.models import CartSend
from shopping.serializers.cart import CartAddSerializer, CartSendSerializer
from shopping.serializers.catalogue import ApiErrorSerializer
from shopping.services.cart import (
    CartSendInProgress,
    IdempotencyKeyReused,
    send_items_to_cart,
)

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_IDEMPOTENCY_KEY_LENGTH = 100
OUTCOME_UNKNOWN_DETAIL = (
    "Kroger did not confirm the cart update, so the items may or may not be in your cart. "
    "Check your Kroger cart before sending them again."
)

CART_ADD_EXAMPLE = OpenApiExample(
    "two_items",
    request_only=True,
    value={
        "items": [
            {"upc": "0001111041700", "quantity": 2, "modality": "PICKUP"},
            {"upc": "0001111042908", "quantity": 1},
        ]
    },
)


class CartAddView(KrogerProxyView):
    @extend_schema(
        operation_id="cart_add",
        summary="Add items to your Kroger cart",
        description=(
            "Every send is recorded in the ledger (`/api/cart/sends`). Send an `Idempotency-Key` "
            "to make retries safe: repeating a key never adds the items twice. A repeat of a "
            "send that succeeded (or whose outcome is unknown) returns the original ledger entry "
            "with 200; a repeat of a send Kroger refused tries again; a key reused with different "
            "items answers 409."
        ),
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="Any unique string up to 100 characters (e.g. a UUID), per request.",
            ),
            OpenApiParameter(
                "Location",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                response=[202],
                description="The queued send: `/api/cart/sends/{id}`.",
            ),
        ],
        request=CartAddSerializer,
        examples=[CART_ADD_EXAMPLE],
        responses={
            201: OpenApiResponse(
                CartSendSerializer,
                description="Kroger accepted the items; the ledger entry.",
                examples=[
                    OpenApiExample(
                        "added",
                        response_only=True,
                        value={
                            "id": 42,
                            "sent_by": {"id": 7, "display_name": "Alex"},
                            "status": "succeeded",
                            "status_display": "Added to cart",
                            "items": [
                                {"upc": "0001111041700", "quantity": 2, "modality": "PICKUP", "added": True}
                            ],
                            "idempotency_key": "3f2b9c1e-5d7a-4b8e-9c0f-1a2b3c4d5e6f",
                            "shopping_list": None,
                            "error_code": "",
                            "error_message": "",
                            "created_at": "2026-11-28T00:00:00Z",
                            "completed_at": "2026-11-28T00:00:01Z",
                        },
                    )
                ],
            ),
            202: OpenApiResponse(
                CartSendSerializer,
                description="Only where a background worker delivers cart sends (a Celery broker is "
                "configured): the send is queued, `status` is `pending`. Read its outcome at the "
                "`Location` header's URL (`GET /api/cart/sends/{id}`): `succeeded`, `failed` (with "
                "`error_code` and `error_message`) or `unknown`. Kroger's 429 and 5xx are retried there "
                "with backoff; the ledger makes sure nothing is added twice. Where the broker cannot be "
                "reached the send is delivered in the request instead: 201 (or the Kroger error).",
            ),
            200: OpenApiResponse(
                CartSendSerializer, description="A repeated Idempotency-Key: the original send."
            ),
            409: error_doc(
                "The Idempotency-Key was used for different items, or that send is still running.",
                "idempotency_key_reused",
                IdempotencyKeyReused.message,
            ),
            **KROGER_ERRORS,
            503: error_doc(
                "Kroger is unavailable (`kroger_unavailable`) or did not confirm the add "
                "(`kroger_cart_outcome_unknown`: check your Kroger cart).",
                "kroger_cart_outcome_unknown",
                OUTCOME_UNKNOWN_DETAIL,
            ),
        },
        tags=["cart"],
    )
    def post(self, request):
        key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
        if len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
            raise ValidationError({IDEMPOTENCY_HEADER: ["Use at most 100 characters."]})
        payload = CartAddSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            send = send_items_to_cart(
                user=request.user, items=payload.validated_data["items"], idempotency_key=key
            )
        except (IdempotencyKeyReused, CartSendInProgress) as exc:
            return Response({"code": exc.code, "detail": exc.message}, status=status.HTTP_409_CONFLICT)
        except KrogerCartOutcomeUnknown as exc:
            response = kroger_error_response(exc)
            response.data["detail"] = OUTCOME_UNKNOWN_DETAIL
            return response
        if send.replayed:
            return Response(CartSendSerializer(send).data)
        if send.queued:
            location = reverse("catalogue:api-cart-send-detail", kwargs={"pk": send.pk})
            body = CartSendSerializer(send).data
            return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": location})
        return Response(CartSendSerializer(send).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["cart"])
class CartSendListView(generics.ListAPIView):
    serializer_class = CartSendSerializer

    def get_queryset(self):
        return CartSend.objects.for_household(household_of(self.request.user)).select_related("owner")

    @extend_schema(
        operation_id="cart_sends_list",
        summary="Your household's cart sends, newest first (each to its sender's own cart)",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(tags=["cart"])
class CartSendDetailView(generics.RetrieveAPIView):
    serializer_class = CartSendSerializer

    def get_queryset(self):
        return CartSend.objects.for_household(household_of(self.request.user)).select_related("owner")

    @extend_schema(
        operation_id="cart_sends_retrieve",
        summary="One cart send",
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={
            200: CartSendSerializer,
            404: OpenApiResponse(ApiErrorSerializer, description="Not yours or no such send."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
