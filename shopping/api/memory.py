"""The memory API: /api/guidance and /api/selections. Every query is scoped to the caller's household."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from accounts.access import household_of
from api_schema.errors import error_response
from shopping.api.catalogue import KrogerRateThrottle
from shopping.models import Guidance, Selection
from shopping.serializers.memory import GuidanceReorderSerializer, GuidanceSerializer, SelectionSerializer
from shopping.services import memory as memory_services

# Detail routes take a database ID; anything longer cannot be one, so it 404s at the router.
ID_PATTERN = r"[0-9]{1,18}"

GUIDANCE_EXAMPLE = OpenApiExample(
    "Eggs",
    value={"text": "Free-range eggs and poultry; organic doesn't matter.", "applies_to": "eggs"},
    request_only=True,
)
SELECTION_EXAMPLE = OpenApiExample(
    "Milk at one store",
    value={
        "term": "milk",
        "location_id": "01400943",
        "product_id": "0001111041700",
        "quantity": 2,
        "source": "user",
        "reason": "The one we always buy",
    },
    request_only=True,
)


@extend_schema_view(
    list=extend_schema(summary="Your guidance lines, in order"),
    create=extend_schema(summary="Add a guidance line", examples=[GUIDANCE_EXAMPLE]),
    retrieve=extend_schema(summary="One guidance line"),
    update=extend_schema(summary="Replace a guidance line", examples=[GUIDANCE_EXAMPLE]),
    partial_update=extend_schema(summary="Change a guidance line"),
    destroy=extend_schema(summary="Delete a guidance line"),
)
class GuidanceViewSet(viewsets.ModelViewSet):
    """Household guidance lines, in the household's own words, in the order they matter."""

    serializer_class = GuidanceSerializer
    lookup_value_regex = ID_PATTERN
    # A JSON API: form and multipart bodies get 415 (and cannot smuggle thousands of fields).
    parser_classes = [JSONParser]

    def get_queryset(self):
        return Guidance.objects.for_household(household_of(self.request.user)).select_related("owner")

    def perform_create(self, serializer):
        try:
            serializer.instance = memory_services.add_guidance(
                owner=self.request.user,
                household=household_of(self.request.user),
                **serializer.validated_data,
            )
        except memory_services.GuidanceLimitReached as exc:
            raise ValidationError({"non_field_errors": exc.messages}, code="guidance_limit") from exc

    @extend_schema(
        summary="Reorder your guidance lines",
        request=GuidanceReorderSerializer,
        responses={
            200: GuidanceSerializer(many=True),
            404: error_response(
                "An ID is not one of your guidance lines (nothing was moved).",
                code="not_found",
                detail="These are not your guidance lines: [42].",
            ),
        },
        examples=[OpenApiExample("New order", value={"ids": [3, 1, 2]}, request_only=True)],
    )
    @action(detail=False, methods=["post"], pagination_class=None)
    def reorder(self, request):
        """Put your lines in a new order; lines not listed keep their order after the listed ones."""
        input_serializer = GuidanceReorderSerializer(data=request.data)
        input_serializer.is_valid(raise_exception=True)
        try:
            lines = memory_services.reorder_guidance(
                household=household_of(request.user), ids=input_serializer.validated_data["ids"]
            )
        except DjangoValidationError as exc:
            if exc.code == "unknown_ids":  # "not found, or not yours", like every other route
                raise NotFound(exc.messages[0]) from exc
            raise ValidationError({"ids": exc.messages}) from exc
        prefetch_related_objects(lines, "owner")
        return Response(GuidanceSerializer(lines, many=True).data)


NO_SUCH_PRODUCT = error_response(
    "Not your pick, or Kroger has no product or no store with that ID (nothing was saved).",
    code="not_found",
    detail="Kroger has no product with ID 0000000000000.",
)


@extend_schema_view(
    list=extend_schema(
        summary="Your remembered picks, newest use first",
        parameters=[
            OpenApiParameter("term", OpenApiTypes.STR, description="Only picks for this term (normalised)."),
            OpenApiParameter(
                "location_id",
                OpenApiTypes.STR,
                description="Only picks for this store (empty: any-store picks).",
            ),
        ],
    ),
    create=extend_schema(
        summary="Remember a pick",
        description=(
            "Remember a pick. The product's name, picture, price and aisle are Kroger's, looked up "
            "by `product_id` at the store (cached). If you already have one for this term at this "
            "store it is replaced and the answer is 200; a new pick answers 201."
        ),
        examples=[SELECTION_EXAMPLE],
        responses={
            200: OpenApiResponse(SelectionSerializer, description="An earlier pick was replaced."),
            201: OpenApiResponse(SelectionSerializer, description="A new pick was remembered."),
            404: NO_SUCH_PRODUCT,
        },
    ),
    retrieve=extend_schema(summary="One remembered pick"),
    update=extend_schema(
        summary="Replace a remembered pick",
        examples=[SELECTION_EXAMPLE],
        responses={200: SelectionSerializer, 404: NO_SUCH_PRODUCT},
    ),
    partial_update=extend_schema(
        summary="Change a remembered pick (e.g. its quantity)",
        responses={200: SelectionSerializer, 404: NO_SUCH_PRODUCT},
    ),
    destroy=extend_schema(summary="Forget a remembered pick"),
)
class SelectionViewSet(viewsets.ModelViewSet):
    """Remembered picks: which product a list term means, at one store or any store."""

    serializer_class = SelectionSerializer
    lookup_value_regex = ID_PATTERN
    parser_classes = [JSONParser]

    @property
    def throttle_scope(self) -> str | None:
        # Saving a pick looks its product up with Kroger: the Kroger-spending limit applies.
        return "kroger" if self.action in ("create", "update", "partial_update") else None

    def get_throttles(self):
        return [*super().get_throttles(), KrogerRateThrottle()]

    def get_queryset(self):
        household = household_of(self.request.user)
        if self.action != "list":
            return Selection.objects.for_household(household).select_related("owner")
        # Read-only: plain rows, the member who remembered each joined in.
        params = self.request.query_params
        return SelectionSerializer.rows(
            household.pk, term=params.get("term"), location_id=params.get("location_id")
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            selection, created = memory_services.remember_product(
                owner=request.user,
                household=household_of(request.user),
                term=data["term"],
                product_id=data["product_id"],
                location_id=data["location_id"],
                quantity=data["quantity"],
                source=data["source"],
                reason=data["reason"],
            )
        except memory_services.NotAtKroger as exc:
            raise NotFound(str(exc)) from exc
        return Response(
            self.get_serializer(selection).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def perform_update(self, serializer):
        try:
            with transaction.atomic():
                serializer.instance = memory_services.change_selection(
                    selection=serializer.instance, **serializer.validated_data
                )
        except memory_services.NotAtKroger as exc:
            # The same "no such product" as saving a new pick, like an unknown store on /api/user/location.
            raise NotFound(
                f"Kroger has no product with ID {serializer.validated_data['product_id']}."
            ) from exc
        except IntegrityError as exc:
            # Lost a race with another save of the same term and store.
            raise serializers.ValidationError(
                {"term": ["You already have a pick for this term at this store."]}
            ) from exc
