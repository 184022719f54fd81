"""Cart API shapes: the add-to-cart request and the ledger rows."""

from rest_framework import serializers

from api_schema.strict import RefuseUnknownFields
from shopping.models import CartSend
from shopping.serializers.household import PersonSerializer

MAX_ITEMS_PER_SEND = 50


class CartItemInputSerializer(RefuseUnknownFields, serializers.Serializer):
    upc = serializers.RegexField(
        r"^\d{13}$",
        error_messages={"invalid": "A UPC has 13 digits, e.g. 0001111041700."},
        help_text="13-digit product ID / UPC.",
    )
    quantity = serializers.IntegerField(min_value=1, max_value=99)
    modality = serializers.ChoiceField(choices=["PICKUP", "DELIVERY"], default="PICKUP")


class CartAddSerializer(RefuseUnknownFields, serializers.Serializer):
    # A ListField, so the schema states the bounds (minItems/maxItems) the server enforces.
    items = serializers.ListField(
        child=CartItemInputSerializer(), min_length=1, max_length=MAX_ITEMS_PER_SEND, allow_empty=False
    )


class CartSendItemSerializer(serializers.Serializer):
    upc = serializers.CharField()
    quantity = serializers.IntegerField()
    modality = serializers.CharField()
    added = serializers.BooleanField(
        allow_null=True,
        default=None,
        help_text="True once Kroger accepted it; null while pending or if unknown.",
    )


class CartSendSerializer(serializers.ModelSerializer):
    items = CartSendItemSerializer(many=True)
    status_display = serializers.CharField(source="get_status_display")
    sent_by = PersonSerializer(source="owner", help_text="Who sent it, to their own Kroger cart.")

    class Meta:
        model = CartSend
        fields = [
            "id",
            "sent_by",
            "status",
            "status_display",
            "items",
            "idempotency_key",
            "shopping_list",
            "error_code",
            "error_message",
            "created_at",
            "completed_at",
        ]
        read_only_fields = fields
