"""One line of a list in the API: /api/lists/{list_id}/items/{item_id} (read, change, remove)
and its `remember`.

Every query is scoped to the caller's household (accounts.access), so another household's line
answers 404. A change or a remember may carry the line's `version` it was made from: a stale one
is a 409 `edit_conflict` with the line as it is now.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts.access import household_of
from shopping.api.catalogue import KROGER_ERRORS
from shopping.api.lists import NOT_FOUND, resolve_in_progress
from shopping.models import ListItem
from shopping.serializers.lists import (
    MAX_ID,
    EditConflictSerializer,
    ListItemSerializer,
    ListItemUpdateSerializer,
    RememberSerializer,
    ResolveInProgressSerializer,
)
from shopping.serializers.memory import SelectionSerializer
from shopping.services import lists as list_services
from shopping.services import resolving

ITEM_PATH = [
    OpenApiParameter("list_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The list's ID."),
    OpenApiParameter("item_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The line's ID."),
]


class ListItemMixin:
    def get_item(self) -> ListItem:
        if max(self.kwargs["item_id"], self.kwargs["list_id"]) > MAX_ID:
            raise Http404("No ListItem matches the given query.")  # beyond any database's integers
        return get_object_or_404(
            ListItem.objects.for_household(household_of(self.request.user)),
            pk=self.kwargs["item_id"],
            shopping_list_id=self.kwargs["list_id"],
        )


class ListItemView(ListItemMixin, GenericAPIView):
    serializer_class = ListItemSerializer

    @extend_schema(
        summary="One line of a list",
        parameters=ITEM_PATH,
        responses={200: ListItemSerializer, 404: NOT_FOUND},
        tags=["lists"],
    )
    def get(self, request, list_id, item_id):
        return Response(ListItemSerializer(self.get_item()).data)

    @extend_schema(
        summary="Change a line: rewrite, skip, move, quantity, swap the product, or search again",
        description="`text` rewrites the line: parsed and picked again, answered with the new pick. "
        "`skipped` keeps the line but leaves it out of the send and the total. `position` moves it (0 = "
        "first). `product_id` must be one of the line's alternatives or a product Kroger sells at the "
        "list's store; `term` searches again with those words (answered as `search_text`: the line's own "
        "`term`, which remembering uses, does not change). Settling a line that needed your choice "
        "answers `ask_to_remember: true`. Send the line's `version` (from the line as you read it) to "
        "make the edit conditional: if anyone changed the line since, nothing is changed and the answer "
        "is 409 `edit_conflict` with the line as it is now. `text` and `term` pick the line again, one "
        "resolve of the list at a time: while one runs the answer is 409 `resolve_in_progress` with the "
        "list's progress, and nothing is changed.",
        parameters=ITEM_PATH,
        request=ListItemUpdateSerializer,
        responses={
            200: ListItemSerializer,
            404: NOT_FOUND,
            409: OpenApiResponse(
                PolymorphicProxySerializer(
                    component_name="LineChangeConflict",
                    serializers=[EditConflictSerializer, ResolveInProgressSerializer],
                    resource_type_field_name=None,
                ),
                description="`edit_conflict`: the line changed since `version` (another member edited "
                "it). `resolve_in_progress`: the list is being resolved. Nothing was changed.",
            ),
            **KROGER_ERRORS,
        },
        tags=["lists"],
    )
    def patch(self, request, list_id, item_id):
        item = self.get_item()
        serializer = ListItemUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            list_services.change_item(item=item, **serializer.validated_data)
        except resolving.ResolveInProgress as exc:
            return resolve_in_progress(exc)
        except list_services.StaleEdit as exc:
            return _edit_conflict(exc)
        except list_services.ProductNotAvailable as exc:
            raise ValidationError({"product_id": [str(exc)]}) from exc
        except list_services.ListTextInvalid as exc:
            raise ValidationError({"text": [str(exc)]}) from exc
        return Response(ListItemSerializer(item).data)

    @extend_schema(
        summary="Remove a line", parameters=ITEM_PATH, responses={204: None, 404: NOT_FOUND}, tags=["lists"]
    )
    def delete(self, request, list_id, item_id):
        self.get_item().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class RememberItemView(ListItemMixin, GenericAPIView):
    serializer_class = RememberSerializer

    @extend_schema(
        summary="Remember this line's product for its own term",
        description="Saves a remembered pick under the line's `term` (never its `search_text`), at this "
        "list's store or any store, so the next list with that line needs no search. Optionally also "
        "saves a guidance line about the term (e.g. the line's `suggested_guidance`). Send the line's "
        "`version` to make it conditional: if anyone changed the line since, nothing is remembered and "
        "the answer is 409 `edit_conflict` with the line as it is now.",
        parameters=ITEM_PATH,
        request=RememberSerializer,
        responses={
            200: SelectionSerializer,
            404: NOT_FOUND,
            409: OpenApiResponse(
                EditConflictSerializer,
                description="The line changed since `version`: nothing was remembered.",
            ),
        },
        tags=["lists"],
    )
    def post(self, request, list_id, item_id):
        item = self.get_item()
        serializer = RememberSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            selection = list_services.remember_item(item=item, user=request.user, **serializer.validated_data)
        except list_services.StaleEdit as exc:
            return _edit_conflict(exc)
        except list_services.ItemHasNoProduct as exc:
            raise ValidationError({"non_field_errors": [str(exc)]}) from exc
        except DjangoValidationError as exc:
            raise ValidationError({"guidance_text": exc.messages}) from exc
        return Response(SelectionSerializer(selection).data)


def _edit_conflict(exc: list_services.StaleEdit) -> Response:
    body = {"code": exc.code, "detail": str(exc), "item": exc.item}
    return Response(EditConflictSerializer(body).data, status=status.HTTP_409_CONFLICT)
