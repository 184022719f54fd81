"""Sending a list to the Kroger cart, in the API: the request, the plan and the result, and the
409s that ask for confirmation first (see `shopping.services.list_sending`)."""

from rest_framework import serializers

from api_schema.strict import RefuseUnknownFields


class SendToCartSerializer(RefuseUnknownFields, serializers.Serializer):
    confirm = serializers.BooleanField(
        default=False,
        help_text="Required (true) when the list was sent before (sends only what changed) or when a "
        "product on it went to your cart from another list lately (409 `recently_sent`).",
    )


class SendLineSerializer(serializers.Serializer):
    item_id = serializers.IntegerField(source="item.pk")
    description = serializers.CharField(source="item.description")
    product_id = serializers.CharField(source="item.product_id")
    quantity = serializers.IntegerField(help_text="How many this send adds.")
    change = serializers.ChoiceField(choices=["new", "changed", "more"])


class LeftInCartSerializer(serializers.Serializer):
    item_id = serializers.IntegerField(source="pk")
    description = serializers.CharField()
    sent_product_id = serializers.CharField()


class SendPlanSerializer(serializers.Serializer):
    lines = SendLineSerializer(many=True)
    left_in_cart = LeftInCartSerializer(
        many=True,
        help_text="Earlier picks still in your Kroger cart (it only adds): remove them at kroger.com.",
    )


class HeldBackSerializer(serializers.Serializer):
    item_id = serializers.IntegerField(source="pk")
    description = serializers.CharField()
    product_id = serializers.CharField()


class NotSentSerializer(serializers.Serializer):
    item_id = serializers.IntegerField(source="item.pk")
    raw_text = serializers.CharField(source="item.raw_text")
    reason = serializers.ChoiceField(
        choices=["skipped", "needs_choice", "not_found", "held_back", "error", "pending"],
        help_text="skipped; needs_choice (confirm or swap it); not_found / held_back (not sold at this "
        "store); error (Kroger could not be reached: resolve again); pending (not looked up yet).",
    )
    label = serializers.CharField(help_text="The reason as the page says it.")


class SendResultSerializer(serializers.Serializer):
    sent = SendLineSerializer(many=True, source="plan.lines")
    left_in_cart = LeftInCartSerializer(many=True, source="plan.left_in_cart")
    held_back = HeldBackSerializer(
        many=True,
        source="plan.held_back",
        help_text="Remembered picks Kroger does not sell at this store: not sent, now need your choice.",
    )
    not_sent = NotSentSerializer(
        many=True, source="plan.not_sent", help_text="Every line this send left out, and why."
    )
    cart_send_id = serializers.IntegerField(source="cart_send.pk", allow_null=True, default=None)
    status = serializers.CharField(source="cart_send.status", allow_null=True, default=None)
    detail = serializers.CharField()


class ConfirmationRequiredSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    changes = SendPlanSerializer()


class RecentSendSerializer(serializers.Serializer):
    item_id = serializers.IntegerField(source="item.pk", help_text="The line on this list.")
    product_id = serializers.CharField()
    description = serializers.CharField(source="item.description")
    quantity = serializers.IntegerField(help_text="How many were sent then.")
    sent_at = serializers.DateTimeField()
    list_id = serializers.IntegerField(help_text="The other list it was sent from.")
    list_name = serializers.CharField()
    sent_by = serializers.CharField(help_text="Who sent it (their display name), to their own cart.")
    by_you = serializers.BooleanField(help_text="You sent it (to your own cart).")
    summary = serializers.CharField(
        help_text="“Alex sent 2 × Whole Milk to their cart yesterday from ‘Weekly shop’”."
    )


class RecentlySentSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["recently_sent"])
    detail = serializers.CharField()
    lines = RecentSendSerializer(
        many=True,
        help_text="Lines whose product went to your cart from another list lately. Skip the ones to "
        'leave out (PATCH the line `{"skipped": true}`), then send with `{"confirm": true}`.',
    )
