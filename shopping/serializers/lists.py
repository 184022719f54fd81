"""Shopping-list shapes for the API (lists, their lines, resolving): field validation only, no side
effects. Sending a list to the cart has its own shapes in `list_sending`."""

from rest_framework import serializers

from api_schema.strict import RefuseUnknownFields
from shopping.models import ListItem, ShoppingList
from shopping.parsing import MAX_LIST_TEXT
from shopping.serializers.fast import FastRepresentation
from shopping.serializers.household import PersonSerializer

MAX_ID = 2**63 - 1


class AlternativeSerializer(FastRepresentation, serializers.Serializer):
    product_id = serializers.CharField()
    description = serializers.CharField()
    brand = serializers.CharField(allow_blank=True)
    size = serializers.CharField(allow_blank=True)
    image_url = serializers.CharField(allow_blank=True)
    regular_price = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    promo_price = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    price = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    stock_level = serializers.CharField(allow_null=True, required=False)
    sold_by = serializers.CharField(required=False, help_text="UNIT, or WEIGHT (the price is per lb).")
    average_weight = serializers.DecimalField(
        max_digits=7, decimal_places=2, allow_null=True, required=False,
        help_text="Kroger's average weight of one unit in lb, for weighed products (when it says).",
    )  # fmt: skip
    aisle = serializers.CharField(
        required=False, allow_blank=True, help_text="Where the store shelves it, e.g. “Aisle 35”."
    )


class ListItemSerializer(FastRepresentation, serializers.ModelSerializer):
    source = serializers.CharField(
        read_only=True,
        help_text="What decided the pick: memory, rules, assistant, user (blank: no pick yet).",
    )
    image_url = serializers.CharField(read_only=True, help_text="The product image's URL (blank when none).")
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    price = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True, allow_null=True)
    line_total = serializers.DecimalField(
        max_digits=10, decimal_places=2, read_only=True, allow_null=True,
        help_text="What the line costs: price × quantity, or for a weighed product price per lb × "
        "the estimated weight (`estimated_weight`). Counted in the list's total unless skipped.",
    )  # fmt: skip
    line_total_is_estimate = serializers.BooleanField(
        read_only=True,
        help_text="Sold by weight: Kroger charges for the weight packed, so this is an estimate.",
    )
    sold_by = serializers.CharField(
        read_only=True, help_text="UNIT, or WEIGHT (then `price` is per lb); blank without a product."
    )
    estimated_weight = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        source="estimated_pounds",
        help_text="For a weighed product, the pounds `line_total` is worked out from: the line's own "
        "weight (“2 lb chicken breasts”), else quantity × Kroger's average weight, else 1 lb each.",
    )
    weight_note = serializers.CharField(
        read_only=True, help_text="As the page says it: “about 2 lb at $3.99/lb”; blank when sold by unit."
    )
    skipped = serializers.BooleanField(
        read_only=True, help_text="Kept on the list but not sent and not in the total (PATCH `skipped`)."
    )
    stock_level = serializers.CharField(
        read_only=True,
        help_text="Kroger's stock level at the list's store when last looked up (blank: not said).",
    )
    out_of_stock = serializers.BooleanField(read_only=True)
    aisle = serializers.CharField(
        read_only=True,
        help_text="Where the list's store shelves the product (“Aisle 35”, “Dairy”); blank: not said.",
    )
    needs_choice = serializers.BooleanField(read_only=True)
    in_cart = serializers.BooleanField(
        read_only=True, help_text="Already sent to the Kroger cart as it is now."
    )
    alternatives = AlternativeSerializer(many=True, read_only=True)
    term = serializers.CharField(
        read_only=True,
        help_text="The line's own term, parsed from its text: what remembered picks and guidance are "
        "kept under. Searching again never changes it.",
    )
    search_text = serializers.CharField(
        read_only=True,
        help_text="The words the line was last searched again with (PATCH `term`); blank when it "
        "searches for its own `term`.",
    )
    ask_to_remember = serializers.BooleanField(
        read_only=True,
        help_text="You just settled a line that needed your choice: offer to remember it (POST "
        "…/remember, optionally with `guidance_text`). False again once remembered.",
    )
    version = serializers.IntegerField(
        read_only=True,
        help_text="Goes up with every change to the line; send it with a PATCH to refuse (409) an edit "
        "made from an older version of the line.",
    )
    suggested_guidance = serializers.CharField(
        read_only=True,
        help_text="A guidance line for this pick, worded as the picker reads it, to offer with "
        "`ask_to_remember` (blank without a product).",
    )

    class Meta:
        model = ListItem
        fields = [
            "id", "position", "raw_text", "amount", "unit", "term", "search_text", "quantity", "status",
            "status_label", "source", "product_id", "description", "brand", "size", "image_url",
            "regular_price", "promo_price", "price", "sold_by", "line_total", "line_total_is_estimate",
            "estimated_weight", "weight_note", "skipped", "stock_level", "out_of_stock", "aisle", "reason",
            "confidence", "needs_choice", "alternatives",
            "sent_product_id", "sent_quantity", "in_cart", "ask_to_remember", "suggested_guidance",
            "version",
        ]  # fmt: skip
        read_only_fields = fields


class ListProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Lines on the list.")
    ready = serializers.IntegerField(help_text="Lines with a product picked: sending the list sends them.")
    needs_choice = serializers.IntegerField(help_text="Lines with a suggestion you must confirm or swap.")
    not_found = serializers.IntegerField(help_text="Lines with nothing suitable at this store.")
    failed = serializers.IntegerField(help_text="Lines Kroger could not be asked about: resolve again.")
    looking = serializers.IntegerField(help_text="Lines not looked up yet.")
    skipped = serializers.IntegerField(help_text="Lines kept on the list but not sent.")
    summary = serializers.CharField(help_text="As the pages say it: “8 of 10 ready · 2 need your choice”.")


class ShoppingListSerializer(serializers.ModelSerializer):
    item_count = serializers.IntegerField(read_only=True)
    ready_count = serializers.IntegerField(
        read_only=True, help_text="Lines with a product picked: sending the list sends them."
    )
    progress = ListProgressSerializer(read_only=True)
    created_by = PersonSerializer(source="owner", read_only=True, help_text="Who in the household made it.")

    class Meta:
        model = ShoppingList
        fields = [
            "id",
            "name",
            "location_id",
            "created_by",
            "item_count",
            "ready_count",
            "progress",
            "created_at",
            "updated_at",
            "last_sent_at",
        ]
        read_only_fields = fields


class ShoppingListDetailSerializer(serializers.ModelSerializer):
    items = ListItemSerializer(many=True, read_only=True)
    guidance_not_understood = serializers.SerializerMethodField(
        help_text="Parts of your guidance the picker could not turn into a rule (so they changed nothing)."
    )
    total = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        source="basket_total",
        read_only=True,
        help_text="Basket total of the picked, not skipped lines at today's prices (promos applied; "
        "weighed products at their estimated weight).",
    )
    total_is_estimate = serializers.BooleanField(
        read_only=True, help_text="A weighed product is in the basket, so the total is an estimate."
    )
    progress = ListProgressSerializer(read_only=True)
    resolving = serializers.BooleanField(
        source="is_resolving",
        read_only=True,
        help_text="A resolve is running (a request, or the background worker): lines move from "
        "`looking` to answered as Kroger answers. A resolve meanwhile answers 409.",
    )
    created_by = PersonSerializer(source="owner", read_only=True, help_text="Who in the household made it.")

    class Meta:
        model = ShoppingList
        fields = [
            "id",
            "name",
            "location_id",
            "created_by",
            "raw_text",
            "created_at",
            "updated_at",
            "last_sent_at",
            "total",
            "total_is_estimate",
            "progress",
            "resolving",
            "guidance_not_understood",
            "items",
        ]
        read_only_fields = fields

    def get_guidance_not_understood(self, shopping_list) -> list[str]:
        return list(self.context.get("guidance_not_understood", []))


# What the schema can say of "holds an item": a letter somewhere, in any script (digits,
# bullets and commas alone name nothing to buy).
HAS_A_LETTER = r"[^\W\d_]"
NO_LETTER = {"invalid": "No items found: write what to buy, one item per line or separated by commas."}


def _item_text(max_length: int, help_text: str, **kwargs) -> serializers.RegexField:
    return serializers.RegexField(
        HAS_A_LETTER, max_length=max_length, help_text=help_text, error_messages=NO_LETTER, **kwargs
    )


class ShoppingListCreateSerializer(RefuseUnknownFields, serializers.Serializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    text = _item_text(MAX_LIST_TEXT, "The list as pasted: one item per line, or comma-separated.")
    location_id = serializers.RegexField(
        r"^[0-9A-Za-z]{8}$",
        required=False,
        max_length=8,
        help_text="The store to pick for; defaults to your preferred store.",
        error_messages={"invalid": "A store location ID has exactly 8 letters or digits."},
    )


class ShoppingListUpdateSerializer(RefuseUnknownFields, serializers.ModelSerializer):
    name = serializers.CharField(max_length=100, allow_blank=True)

    class Meta:
        model = ShoppingList
        fields = ["name"]


class ResolveSerializer(RefuseUnknownFields, serializers.Serializer):
    item_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        required=False,
        max_length=100,
        help_text="Resolve only these lines (in small batches, for progress); default: every pending line.",
    )
    background = serializers.BooleanField(
        default=False,
        help_text="Resolve in the background worker and answer 202 at once; read the list for progress.",
    )


class ResolveInProgressSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="`resolve_in_progress`.")
    detail = serializers.CharField()
    progress = ListProgressSerializer(help_text="Where the list's lines stand now.")


class ListItemCreateSerializer(RefuseUnknownFields, serializers.Serializer):
    text = _item_text(
        300,
        "One line as you would write it (“2 lb ground beef”); it is added at the end, pending "
        "until resolved (POST …/resolve with its `item_ids`).",
    )


class ListItemUpdateSerializer(RefuseUnknownFields, serializers.Serializer):
    text = _item_text(
        300,
        "Rewrite the line: it is parsed again and picked again (the answer has the new pick).",
        required=False,
    )
    skipped = serializers.BooleanField(
        required=False, help_text="Keep the line but leave it out of the send and the total (false: back in)."
    )
    position = serializers.IntegerField(
        min_value=0,
        max_value=10_000,
        required=False,
        help_text="Move the line to this place (0 = first; past the end = last); lines are renumbered.",
    )
    quantity = serializers.IntegerField(min_value=1, max_value=99, required=False)
    product_id = serializers.RegexField(
        r"^[0-9]{13}$",
        required=False,
        max_length=13,
        help_text="Swap to this product: one of the line's alternatives, or one Kroger sells at the store.",
        error_messages={"invalid": "A product ID (UPC) has exactly 13 digits."},
    )
    term = serializers.CharField(
        max_length=200,
        required=False,
        help_text="Search again with these words. They are kept as the line's `search_text`; the line's "
        "own `term` (and what remembering it saves) stays as it is. Its own term again searches for it.",
    )

    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="The line's `version` as you read it: if the line changed since (another member edited "
        "it), nothing is changed and the answer is 409 `edit_conflict`. Left out: the edit is made anyway.",
    )

    def validate(self, attrs):
        if not attrs.keys() - {"version"}:
            raise serializers.ValidationError("Send text, skipped, position, quantity, product_id or term.")
        if "text" in attrs and ("term" in attrs or "product_id" in attrs):
            raise serializers.ValidationError("Send text on its own: it picks the line again.")
        return attrs


class RememberSerializer(RefuseUnknownFields, serializers.Serializer):
    any_store = serializers.BooleanField(
        default=False, help_text="Remember for every store, not just this one."
    )
    guidance_text = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text="Also save this as a guidance line.",
    )
    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        help_text="The line's `version` as you read it: if the line changed since (another member edited "
        "it), nothing is remembered and the answer is 409 `edit_conflict`. Left out: remembered anyway.",
    )


class EditConflictSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=["edit_conflict"])
    detail = serializers.CharField()
    item = ListItemSerializer(help_text="The line as it is now, with its current `version`.")
