"""The signed-in shopper over the API: GET /api/user, PUT /api/user/location, GET /api/user/kroger."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from api_schema.errors import error_response
from api_schema.strict import RefuseUnknownFields
from kroger.gateway import get_client

from .models import User
from .services import (
    CONNECTED,
    LOCATION_FORMAT_MESSAGE,
    NOT_CONNECTED,
    RECONNECT_NEEDED,
    InvalidLocation,
    connection_status,
    kroger_token_for,
    set_preferred_location,
    validate_location_id_format,
)
from .tokens import call_with_access_token


class PreferredLocationSerializer(serializers.Serializer):
    location_id = serializers.CharField()
    name = serializers.CharField(allow_blank=True)
    address = serializers.CharField(allow_blank=True)


class KrogerConnectionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[CONNECTED, RECONNECT_NEEDED, NOT_CONNECTED])
    access_token_expires_at = serializers.DateTimeField(allow_null=True)


class UserSerializer(serializers.Serializer):
    """The shopper as the API shows them. Tokens are never part of it."""

    id = serializers.IntegerField()
    display_name = serializers.CharField(
        allow_blank=True, help_text="What the site calls you (blank until you say; PATCH to change)."
    )
    kroger_profile_id = serializers.CharField(allow_null=True)
    preferred_location = PreferredLocationSerializer(allow_null=True)
    kroger = KrogerConnectionSerializer()


class UserUpdateSerializer(RefuseUnknownFields, serializers.Serializer):
    display_name = serializers.CharField(
        max_length=60,
        allow_blank=True,
        required=False,
        help_text="What the site calls you; blank: nothing. Left out: unchanged.",
    )


class LocationRequestSerializer(RefuseUnknownFields, serializers.Serializer):
    # The schema states the rule the server enforces: exactly 8 digits, no spaces around them.
    location_id = serializers.RegexField(
        r"^[0-9]{8}$",
        max_length=8,
        trim_whitespace=False,
        error_messages={"invalid": LOCATION_FORMAT_MESSAGE},
        help_text="The store's 8-digit Kroger location ID, e.g. 01400943.",
    )

    def validate_location_id(self, value: str) -> str:
        try:
            return validate_location_id_format(value)
        except InvalidLocation as error:
            raise serializers.ValidationError(error.message) from None


FieldErrorSerializer = inline_serializer(
    "LocationFieldError",
    fields={
        "location_id": serializers.ListField(child=serializers.CharField(), required=False),
        # A body that is not a JSON object at all.
        "non_field_errors": serializers.ListField(child=serializers.CharField(), required=False),
    },
)
UNAUTHENTICATED = error_response(
    "Not signed in (no session and no valid personal API token).",
    code="not_authenticated",
    detail="Authentication credentials were not provided.",
)
FORBIDDEN = error_response("Not allowed (for a session: a missing CSRF token on a write).")
KROGER_UNAVAILABLE = error_response(
    "Kroger is unreachable; nothing was saved. See Retry-After.",
    code="kroger_unavailable",
    detail="Kroger is not responding right now. Please try again in a few minutes.",
)


def user_payload(user: User) -> dict:
    """The shopper as UserSerializer shows them, with connection status and expiry but no token."""
    token = kroger_token_for(user)
    location = None
    if user.preferred_location_id:
        location = {
            "location_id": user.preferred_location_id,
            "name": user.preferred_location_name,
            "address": user.preferred_location_address,
        }
    return {
        "id": user.pk,
        "display_name": user.display_name,
        "kroger_profile_id": user.kroger_profile_id,
        "preferred_location": location,
        "kroger": {
            "status": connection_status(token),
            "access_token_expires_at": token.access_expires_at if token else None,
        },
    }


class CurrentUserView(APIView):
    @extend_schema(
        operation_id="user_retrieve",
        summary="The signed-in shopper",
        responses={200: UserSerializer, 401: UNAUTHENTICATED, 403: FORBIDDEN},
        tags=["user"],
    )
    def get(self, request):
        return Response(UserSerializer(user_payload(request.user)).data)

    @extend_schema(
        operation_id="user_partial_update",
        summary="Change your display name",
        request=UserUpdateSerializer,
        responses={
            200: UserSerializer,
            400: OpenApiResponse(
                inline_serializer(
                    "DisplayNameFieldError",
                    fields={
                        "display_name": serializers.ListField(child=serializers.CharField(), required=False),
                        # A body that is not a JSON object at all.
                        "non_field_errors": serializers.ListField(
                            child=serializers.CharField(), required=False
                        ),
                    },
                ),
                description="Too long; nothing was saved.",
                examples=[
                    OpenApiExample(
                        "Too long",
                        value={"display_name": ["Ensure this field has no more than 60 characters."]},
                        response_only=True,
                    )
                ],
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
        },
        tags=["user"],
    )
    def patch(self, request):
        serializer = UserUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user
        if "display_name" in serializer.validated_data:  # a PATCH changes only what it names
            user.display_name = " ".join(serializer.validated_data["display_name"].split())
            user.display_name_asked = True
            user.save(update_fields=["display_name", "display_name_asked"])
        return Response(UserSerializer(user_payload(user)).data)


class PreferredLocationView(APIView):
    @extend_schema(
        operation_id="user_location_update",
        summary="Choose the shopper's store",
        description="Confirms the store with Kroger's Locations API, saves it and returns the shopper.",
        request=LocationRequestSerializer,
        responses={
            200: UserSerializer,
            400: OpenApiResponse(
                FieldErrorSerializer,
                description="Malformed location ID; nothing was saved.",
                examples=[
                    OpenApiExample(
                        "Malformed",
                        value={"location_id": [LOCATION_FORMAT_MESSAGE]},
                        response_only=True,
                    ),
                ],
            ),
            404: error_response(
                "No Kroger store has this (well-formed) location ID; nothing was saved.",
                code="not_found",
                detail="No Kroger store has the location ID 99999999.",
            ),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            429: error_response(
                "Kroger's rate limit was reached; nothing was saved. See Retry-After.",
                code="kroger_rate_limited",
                detail="Kroger is receiving too many requests right now. Please try again in a minute.",
            ),
            503: KROGER_UNAVAILABLE,
        },
        examples=[OpenApiExample("Cincinnati store", value={"location_id": "01400943"}, request_only=True)],
        tags=["user"],
    )
    def put(self, request):
        serializer = LocationRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            set_preferred_location(user=request.user, location_id=serializer.validated_data["location_id"])
        except InvalidLocation as error:
            # The serializer already checked the format: Kroger does not know this store.
            raise NotFound(error.message) from None
        return Response(UserSerializer(user_payload(request.user)).data)


class KrogerConnectionView(APIView):
    @extend_schema(
        operation_id="user_kroger_check",
        summary="Check the Kroger connection",
        description=(
            "Asks Kroger for the shopper's profile with their access token (refreshing it when "
            "needed). 401 with code kroger_reconnect_required means: sign in with Kroger again."
        ),
        responses={
            200: KrogerConnectionSerializer,
            401: error_response(
                "Not signed in, or the Kroger connection must be renewed (code kroger_reconnect_required).",
                code="kroger_reconnect_required",
                detail="Your Kroger connection has expired. Please reconnect your Kroger account.",
            ),
            403: FORBIDDEN,
            503: KROGER_UNAVAILABLE,
        },
        tags=["user"],
    )
    def get(self, request):
        client = get_client()
        call_with_access_token(request.user, lambda token: client.get_profile(token=token))
        return Response(KrogerConnectionSerializer(user_payload(request.user)["kroger"]).data)
