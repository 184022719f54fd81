"""Household shapes for the API: who is in it, invitations, joining. Field validation only."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Membership
from api_schema.strict import RefuseUnknownFields
from shopping.serializers.fast import FastRepresentation

INVITE_TOKEN_PATTERN = r"^[A-Za-z0-9_-]{16,64}$"


class PersonSerializer(FastRepresentation, serializers.Serializer):
    """Who made or sent something: a member (or former member) by ID and display name."""

    id = serializers.IntegerField()
    display_name = serializers.CharField(allow_blank=True, help_text="Blank until they choose one.")


class MemberSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user_id", help_text="The member's user ID.")
    display_name = serializers.CharField(source="user.display_name", allow_blank=True)
    role = serializers.ChoiceField(choices=Membership.Role.choices)
    joined_at = serializers.DateTimeField()
    is_you = serializers.SerializerMethodField()

    def get_is_you(self, membership: Membership) -> bool:
        return membership.user_id == self.context["user"].pk


class HouseholdSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    members = serializers.SerializerMethodField(
        help_text="Everyone in the household, longest-standing first."
    )

    @extend_schema_field(MemberSerializer(many=True))
    def get_members(self, household) -> list[dict]:
        memberships = household.memberships.select_related("user").order_by("joined_at", "id")
        return MemberSerializer(memberships, many=True, context=self.context).data


class HouseholdUpdateSerializer(RefuseUnknownFields, serializers.Serializer):
    name = serializers.RegexField(
        r"\S",
        max_length=100,
        required=False,
        help_text="The household's new name (left out: unchanged, as PATCH goes).",
        error_messages={"invalid": "Give the household a name."},
    )


class InviteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_by = PersonSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()


class CreatedInviteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    token = serializers.CharField(help_text="The secret. Shown only in this response; we keep just its hash.")
    url = serializers.URLField(help_text="The link to send: it opens a page that asks to confirm the join.")
    expires_at = serializers.DateTimeField()


class JoinSerializer(RefuseUnknownFields, serializers.Serializer):
    token = serializers.RegexField(
        INVITE_TOKEN_PATTERN,
        max_length=64,
        help_text="The invitation's token (the last part of its link).",
        error_messages={"invalid": "This invitation link is not valid. Ask for a new one."},
    )
