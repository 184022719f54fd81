"""The household API: who is in it and its name, invitations, joining, leaving, removing a member.

Access (accounts.access): every member reads the household; only its owner renames it, invites
and removes members (a member gets 403); an invitation or member outside the caller's household
is a 404. The household is always the caller's own, so it has no ID in the URL.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import households
from accounts.access import get_member, household_of, membership_of, require_owner
from accounts.models import HouseholdInvite
from api_schema.errors import error_response
from shopping.serializers.household import (
    CreatedInviteSerializer,
    HouseholdSerializer,
    HouseholdUpdateSerializer,
    InviteSerializer,
    JoinSerializer,
)
from shopping.services.households import join_household

OWNER_ONLY = error_response(
    "Only the household's owner may do this.",
    code="permission_denied",
    detail="Only the household's owner can do that.",
)
MEMBERSHIP_CONFLICT = error_response(
    "Not possible with who is in the household (the last member leaving, the owner removing themselves, "
    "too many open invitations); nothing changed.",
    code="last_member",
    detail="You're the only one in this household, so there is no one to leave it to.",
)
ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


def _household_response(request, household, *, status_code=status.HTTP_200_OK) -> Response:
    return Response(HouseholdSerializer(household, context={"user": request.user}).data, status=status_code)


def _conflict(exc: households.HouseholdError) -> Response:
    return Response({"code": exc.code, "detail": exc.message}, status=status.HTTP_409_CONFLICT)


class HouseholdView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="household_retrieve",
        summary="Your household and who is in it",
        responses={200: HouseholdSerializer},
        tags=["household"],
    )
    def get(self, request):
        return _household_response(request, household_of(request.user))

    @extend_schema(
        operation_id="household_partial_update",
        summary="Rename your household (owner)",
        request=HouseholdUpdateSerializer,
        responses={200: HouseholdSerializer, 403: OWNER_ONLY},
        examples=[OpenApiExample("Rename", value={"name": "The Parks"}, request_only=True)],
        tags=["household"],
    )
    def patch(self, request):
        membership = membership_of(request.user)
        require_owner(membership)
        serializer = HouseholdUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name = serializer.validated_data.get("name")
        if name is not None:
            households.rename_household(household=membership.household, name=name)
        return _household_response(request, membership.household)


class InviteListView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="household_invites_list",
        summary="Open invitations (owner)",
        description="Invitations not yet used, withdrawn or expired. Their tokens cannot be shown again.",
        responses={200: InviteSerializer(many=True), 403: OWNER_ONLY},
        tags=["household"],
    )
    def get(self, request):
        membership = membership_of(request.user)
        require_owner(membership)
        invites = (
            HouseholdInvite.objects.filter(household=membership.household).open().select_related("created_by")
        )
        return Response(InviteSerializer(invites, many=True).data)

    @extend_schema(
        operation_id="household_invites_create",
        summary="Invite someone (owner)",
        description="A single-use link that works for `HOUSEHOLD_INVITE_DAYS` days. The token is in this "
        "response only; we keep just its hash. Whoever opens the link signs in and confirms the join.",
        request=None,
        responses={201: CreatedInviteSerializer, 403: OWNER_ONLY, 409: MEMBERSHIP_CONFLICT},
        tags=["household"],
    )
    def post(self, request):
        membership = membership_of(request.user)
        require_owner(membership)
        try:
            invite, token = households.create_invite(household=membership.household, created_by=request.user)
        except households.MembershipConflict as exc:
            return _conflict(exc)
        url = request.build_absolute_uri(f"/household/join/{token}")
        body = {"id": invite.pk, "token": token, "url": url, "expires_at": invite.expires_at}
        # The one response that carries the token: keep it out of every cache.
        response = Response(CreatedInviteSerializer(body).data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response


class InviteDetailView(APIView):
    @extend_schema(
        operation_id="household_invites_destroy",
        summary="Withdraw an invitation (owner)",
        parameters=[ID],
        responses={204: OpenApiResponse(description="Withdrawn; the link no longer works."), 403: OWNER_ONLY},
        tags=["household"],
    )
    def delete(self, request, id):
        membership = membership_of(request.user)
        require_owner(membership)
        households.revoke_invite(get_object_or_404(HouseholdInvite, pk=id, household=membership.household))
        return Response(status=status.HTTP_204_NO_CONTENT)


class JoinView(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="household_join",
        summary="Join a household with an invitation",
        description="Your lists move with you, your guidance lines are appended to the household's, and "
        "your remembered picks are merged (the household's own pick for the same term and store wins). "
        "Your old household, now empty, is removed. If you shared it with others you leave it instead, "
        "and what you made there stays. A used, withdrawn, expired or unknown token is a 400 on `token`, "
        "and nothing changes.",
        request=JoinSerializer,
        responses={200: HouseholdSerializer},
        tags=["household"],
    )
    def post(self, request):
        serializer = JoinSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            household = join_household(user=request.user, token=serializer.validated_data["token"])
        except households.InviteInvalid as exc:
            raise ValidationError({"token": [exc.message]}, code=exc.code) from exc
        return _household_response(request, household)


class LeaveView(APIView):
    @extend_schema(
        operation_id="household_leave",
        summary="Leave your household",
        description="You get a new household of your own; what you made stays with the household you "
        "left. An owner who leaves hands ownership to the longest-standing member. The last member "
        "cannot leave (409).",
        request=None,
        responses={200: HouseholdSerializer, 409: MEMBERSHIP_CONFLICT},
        tags=["household"],
    )
    def post(self, request):
        try:
            membership = households.leave_household(membership=membership_of(request.user))
        except households.MembershipConflict as exc:
            return _conflict(exc)
        return _household_response(request, membership.household)


class MemberView(APIView):
    @extend_schema(
        operation_id="household_members_destroy",
        summary="Remove a member (owner)",
        description="The member leaves as with `POST /api/household/leave`: they get a household of their "
        "own, and what they made stays here.",
        parameters=[ID],
        responses={
            204: OpenApiResponse(description="Removed."),
            403: OWNER_ONLY,
            409: MEMBERSHIP_CONFLICT,
        },
        tags=["household"],
    )
    def delete(self, request, id):
        owner = membership_of(request.user)
        require_owner(owner)
        try:
            households.remove_member(owner=owner, member=get_member(owner.household, id))
        except households.MembershipConflict as exc:
            return _conflict(exc)
        return Response(status=status.HTTP_204_NO_CONTENT)
