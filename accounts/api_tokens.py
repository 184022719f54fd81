"""Personal API tokens: create (secret shown once), list and revoke, by API and on the API access page."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from api_schema.strict import RefuseUnknownFields

from .models import ApiToken, User

MAX_ACTIVE_TOKENS_PER_USER = 20
MAX_EXPIRY_DAYS = 3650


class TokenLimitReached(Exception):
    pass


def create_api_token(*, user: User, name: str, expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is never stored and cannot be shown again.

    Raises TokenLimitReached when the user already has the most active tokens allowed.
    """
    with transaction.atomic():
        if ApiToken.objects.filter(user=user).active().count() >= MAX_ACTIVE_TOKENS_PER_USER:
            raise TokenLimitReached(
                f"You can have at most {MAX_ACTIVE_TOKENS_PER_USER} active tokens. Revoke one first."
            )
        secret = ApiToken.new_secret()
        token = ApiToken.objects.create(
            user=user,
            name=name,
            key_hash=ApiToken.hash_secret(secret),
            key_prefix=secret[:8],
            expires_at=timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None,
        )
    return token, secret


def revoke_api_token(token: ApiToken) -> None:
    """Revoke a token at once; revoking twice keeps the first revocation time."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])


def token_status(token: ApiToken) -> str:
    """active, expired or revoked."""
    if token.revoked_at is not None:
        return "revoked"
    return "active" if token.is_active() else "expired"


# --- API ----------------------------------------------------------------------------------


class ApiTokenSerializer(serializers.ModelSerializer):
    prefix = serializers.CharField(
        source="key_prefix", read_only=True, help_text="First characters, to tell tokens apart."
    )
    status = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at", "status"]
        read_only_fields = fields

    def get_status(self, token: ApiToken) -> str:
        return token_status(token)


class ApiTokenCreateSerializer(RefuseUnknownFields, serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="What uses this token, e.g. “Kitchen tablet”.")
    expires_in_days = serializers.IntegerField(
        min_value=1,
        max_value=MAX_EXPIRY_DAYS,
        required=False,
        allow_null=True,
        default=None,
        help_text="Days until the token stops working; omit or null for a token that does not expire.",
    )


class CreatedApiTokenSerializer(ApiTokenSerializer):
    # The only place any secret ever appears in a response: once, right after creation.
    token = serializers.CharField(read_only=True, help_text="The secret. Shown only in this response.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class IsNotTokenAuthenticated(permissions.BasePermission):
    """Tokens are managed from a signed-in session only, so a leaked token cannot mint successors."""

    message = "Manage API tokens from the site while signed in; a personal API token cannot manage tokens."

    def has_permission(self, request, view):
        return not isinstance(request.auth, ApiToken)


@extend_schema(auth=[{"cookieAuth": []}])
@extend_schema_view(list=extend_schema(summary="Your personal API tokens"))
class ApiTokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Your personal API tokens. Only available to a signed-in session, not to a token."""

    serializer_class = ApiTokenSerializer
    permission_classes = [permissions.IsAuthenticated, IsNotTokenAuthenticated]
    parser_classes = [JSONParser]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return ApiToken.objects.filter(user=self.request.user)

    @extend_schema(
        summary="Create a personal API token",
        request=ApiTokenCreateSerializer,
        responses={201: CreatedApiTokenSerializer},
        examples=[OpenApiExample("Kitchen tablet", value={"name": "Kitchen tablet", "expires_in_days": 90})],
        description="Create a token. The secret (`token`) is in this response only; we keep just its hash.",
    )
    def create(self, request):
        data_serializer = ApiTokenCreateSerializer(data=request.data)
        data_serializer.is_valid(raise_exception=True)
        try:
            token, secret = create_api_token(user=request.user, **data_serializer.validated_data)
        except TokenLimitReached as exc:
            raise serializers.ValidationError({"non_field_errors": [str(exc)]}) from exc
        token.token = secret
        return Response(CreatedApiTokenSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Revoke a personal API token",
        description="Revoke a token. It stops working at once; revoking it again changes nothing.",
        responses={204: OpenApiResponse(description="Revoked.")},
    )
    def destroy(self, request, *args, **kwargs):
        revoke_api_token(self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- The API access page ------------------------------------------------------------------------


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, label="Token name", help_text="What will use it, e.g. “Kitchen tablet”."
    )
    expires_in_days = forms.IntegerField(
        min_value=1,
        max_value=MAX_EXPIRY_DAYS,
        required=False,
        label="Expires after (days)",
        help_text="Leave empty for a token that does not expire.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_access(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_token = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            new_token, secret = create_api_token(user=request.user, **form.cleaned_data)
        except TokenLimitReached as exc:
            form.add_error(None, str(exc))
        else:
            form = ApiTokenForm()
    tokens = [(token, token_status(token)) for token in ApiToken.objects.filter(user=request.user)]
    # The secret goes straight into this one response (never the session or a message), so it shows once.
    response = render(
        request,
        "accounts/api_access.html",
        {"form": form, "tokens": tokens, "new_token": new_token, "secret": secret},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    revoke_api_token(token)
    messages.success(request, f"Revoked “{token.name}”. It no longer works.")
    return redirect("api-access")
