"""The lists API: /api/lists (CRUD), adding a line, resolve, send-to-cart. One line's own
endpoints (read, change, remove, remember) are in `list_items`.

Every query is scoped to the caller's household (accounts.access), so another household's list
answers 404.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from accounts.access import household_of
from shopping.api.catalogue import KROGER_ERRORS, error_doc
from shopping.models import CartSend, Guidance, ShoppingList
from shopping.picking import read_guidance
from shopping.serializers.list_sending import (
    ConfirmationRequiredSerializer,
    RecentlySentSerializer,
    SendPlanSerializer,
    SendResultSerializer,
    SendToCartSerializer,
)
from shopping.serializers.lists import (
    ListItemCreateSerializer,
    ListItemSerializer,
    ResolveInProgressSerializer,
    ResolveSerializer,
    ShoppingListCreateSerializer,
    ShoppingListDetailSerializer,
    ShoppingListSerializer,
    ShoppingListUpdateSerializer,
)
from shopping.services import list_sending, resolving
from shopping.services import lists as list_services
from shopping.services.cart import CartSendInProgress, IdempotencyKeyReused

ID_PATTERN = r"[0-9]{1,18}"
LIST_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The list's ID.")
NOT_FOUND = error_doc(
    "No such list or line (or not yours).", "not_found", "No ShoppingList matches the given query."
)
CREATE_EXAMPLE = OpenApiExample(
    "Pasted list",
    value={"name": "Weekly shop", "text": "milk\n2 lb ground beef\na dozen eggs, bananas, coffee"},
    request_only=True,
)


@extend_schema_view(
    list=extend_schema(summary="Your shopping lists, newest first", tags=["lists"]),
    retrieve=extend_schema(
        summary="One list with its lines and basket total", parameters=[LIST_ID], tags=["lists"]
    ),
    partial_update=extend_schema(
        summary="Rename a list",
        parameters=[LIST_ID],
        request=ShoppingListUpdateSerializer,
        responses={200: ShoppingListDetailSerializer},
        tags=["lists"],
    ),
    destroy=extend_schema(
        summary="Delete a list", parameters=[LIST_ID], responses={204: None}, tags=["lists"]
    ),
)
class ShoppingListViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    lookup_value_regex = ID_PATTERN
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        lists = ShoppingList.objects.for_household(household_of(self.request.user)).select_related("owner")
        if self.action == "list":
            return lists.with_counts()
        if self.action == "retrieve":
            return lists.with_items()
        # The other actions read or change the lines themselves, then answer with _detail.
        return lists

    def get_serializer_class(self):
        if self.action == "list":
            return ShoppingListSerializer
        if self.action == "partial_update":
            return ShoppingListUpdateSerializer
        return ShoppingListDetailSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if (
            self.action != "list"
            and getattr(self.request, "user", None)
            and self.request.user.is_authenticated
        ):
            guidance = read_guidance(Guidance.objects.for_household(household_of(self.request.user)))
            context["guidance_not_understood"] = guidance.not_understood
        return context

    def _detail(self, shopping_list: ShoppingList, *, status_code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().with_items().get(pk=shopping_list.pk)
        return Response(
            ShoppingListDetailSerializer(fresh, context=self.get_serializer_context()).data,
            status=status_code,
        )

    @extend_schema(
        summary="Create a list from pasted text",
        description="Each line (or comma-separated part) becomes a pending line. The store defaults "
        "to yours; without one the answer is 400.",
        request=ShoppingListCreateSerializer,
        responses={201: ShoppingListDetailSerializer},
        examples=[CREATE_EXAMPLE],
        tags=["lists"],
    )
    def create(self, request):
        serializer = ShoppingListCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            shopping_list = list_services.create_list_from_text(
                owner=request.user, **serializer.validated_data
            )
        except list_services.NoStoreChosen as exc:
            raise ValidationError({"location_id": [str(exc)]}) from exc
        except list_services.ListTextInvalid as exc:
            raise ValidationError({"text": [str(exc)]}) from exc
        return self._detail(shopping_list, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Add a line to a list",
        description="The text is one line (“2 lb ground beef”), added at the end and pending until "
        "resolved: `POST …/resolve` with its id in `item_ids` picks it. A text naming no item, or a list "
        "already holding `MAX_LIST_LINES` lines, is a 400 on `text`.",
        parameters=[LIST_ID],
        request=ListItemCreateSerializer,
        responses={201: ListItemSerializer, 404: NOT_FOUND},
        examples=[OpenApiExample("A line", value={"text": "2 lb ground beef"}, request_only=True)],
        tags=["lists"],
    )
    @action(detail=True, methods=["post"], url_path="items")
    def add_item(self, request, pk=None):
        serializer = ListItemCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        shopping_list = self.get_object()
        try:
            item = list_services.add_item(shopping_list=shopping_list, text=serializer.validated_data["text"])
        except list_services.ListTextInvalid as exc:
            raise ValidationError({"text": [str(exc)]}) from exc
        return Response(ListItemSerializer(item).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        super().partial_update(request, *args, **kwargs)
        return self._detail(self.get_object())

    def perform_update(self, serializer):
        # Only the name: a full save could undo what another member's send wrote meanwhile.
        serializer.instance.name = serializer.validated_data["name"]
        serializer.instance.save(update_fields=["name", "updated_at"])

    @extend_schema(
        summary="Pick a product for the pending lines",
        description="Remembered picks win without a search; other lines are searched at the list's store "
        "(concurrently) and ranked with your guidance. Send `item_ids` to resolve a few lines at a time. "
        "Each line is saved as soon as it is picked. The request spends at most `LIST_RESOLVE_DEADLINE_S` "
        "on Kroger: lines not done by then stay `pending` with the reason “Kroger is slow — still trying” "
        "and the background worker finishes them (where none runs, resolve again). "
        '`{"background": true}` answers 202 at once and resolves in the background worker: read the list '
        "(`progress`, `resolving`) to follow it; where the broker cannot be reached the lines are "
        "resolved in the request instead (within the deadline) and the 202 shows them. While another "
        "resolve runs the answer is 409 `resolve_in_progress` with the list's progress.",
        parameters=[LIST_ID],
        request=ResolveSerializer,
        responses={
            200: ShoppingListDetailSerializer,
            202: OpenApiResponse(
                ShoppingListDetailSerializer,
                description="Resolving in the background: the list as it stands.",
            ),
            404: NOT_FOUND,
            409: OpenApiResponse(
                ResolveInProgressSerializer, description="Another resolve of this list is running."
            ),
            **KROGER_ERRORS,
        },
        tags=["lists"],
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        shopping_list = self.get_object()  # a stranger's list is a 404 whatever the body
        serializer = ResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        background = serializer.validated_data["background"]
        try:
            resolving.resolve_list(
                shopping_list=shopping_list,
                item_ids=serializer.validated_data.get("item_ids"),
                background=background,
                requested_by=request.user.pk,
            )
        except resolving.ResolveInProgress as exc:
            return resolve_in_progress(exc)
        return self._detail(
            shopping_list, status_code=status.HTTP_202_ACCEPTED if background else status.HTTP_200_OK
        )

    @extend_schema(
        summary="Send the picked lines to your Kroger cart",
        description="Sends every picked, not skipped line, in batches, through the cart ledger. Sending "
        "a list again sends only what changed since (new lines, a changed product, a higher quantity) and "
        'needs `{"confirm": true}`; without it the answer is 409 `confirmation_required` with the changes '
        "that would be sent. When a product on the list went to your cart from another list within "
        '`RECENT_SEND_HOURS`, the answer without `{"confirm": true}` is 409 `recently_sent` naming those '
        "lines: skip the ones to leave out, then confirm. The result names every line not sent and why.",
        parameters=[LIST_ID],
        request=SendToCartSerializer,
        responses={
            200: SendResultSerializer,
            202: OpenApiResponse(
                SendResultSerializer,
                description="Only where a background worker delivers cart sends (a Celery broker is "
                "configured): the lines are queued (`status: pending`). Follow `cart_send_id` (also the "
                "`Location` header) at `GET /api/cart/sends/{id}`; once Kroger has them, the list's lines "
                "count as sent. Kroger's 429 and 5xx are retried with backoff, never adding twice.",
            ),
            404: NOT_FOUND,
            409: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="SendToCartConflict",
                    serializers=[ConfirmationRequiredSerializer, RecentlySentSerializer],
                    resource_type_field_name=None,
                ),
                description="Sent before: confirm to send these changes; or products went to your cart "
                "from another list lately (`recently_sent`); or a send is still running.",
            ),
            **KROGER_ERRORS,
        },
        tags=["lists"],
    )
    @action(detail=True, methods=["post"], url_path="send-to-cart")
    def send_to_cart(self, request, pk=None):
        shopping_list = self.get_object()
        serializer = SendToCartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = list_sending.send_list_to_cart(
                shopping_list=shopping_list, user=request.user, confirm=serializer.validated_data["confirm"]
            )
        except list_sending.RecentlySent as exc:
            body = {"code": exc.code, "detail": str(exc), "lines": exc.recent}
            return Response(RecentlySentSerializer(body).data, status=status.HTTP_409_CONFLICT)
        except list_sending.ConfirmationRequired as exc:
            body = {
                "code": "confirmation_required",
                "detail": str(exc),
                "changes": SendPlanSerializer(exc.plan).data,
            }
            return Response(body, status=status.HTTP_409_CONFLICT)
        except (CartSendInProgress, IdempotencyKeyReused) as exc:
            return Response({"code": exc.code, "detail": exc.message}, status=status.HTTP_409_CONFLICT)
        if result.cart_send is not None and result.cart_send.status == CartSend.Status.PENDING:
            location = reverse("catalogue:api-cart-send-detail", kwargs={"pk": result.cart_send.pk})
            return Response(
                SendResultSerializer(result).data,
                status=status.HTTP_202_ACCEPTED,
                headers={"Location": location},
            )
        return Response(SendResultSerializer(result).data)


def resolve_in_progress(exc: resolving.ResolveInProgress) -> Response:
    body = {"code": exc.code, "detail": str(exc), "progress": exc.progress}
    return Response(ResolveInProgressSerializer(body).data, status=status.HTTP_409_CONFLICT)
