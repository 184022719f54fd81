"""Guidance and selection shapes for the API: field validation only, no side effects."""

from typing import NamedTuple

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api_schema.strict import RefuseUnknownFields
from shopping.models import Guidance, Selection, normalize_term
from shopping.models.compiled import CompiledRows, Rows
from shopping.picking.reading import explain_line
from shopping.products import price_now
from shopping.serializers.fast import FastRepresentation
from shopping.serializers.household import PersonSerializer

MAX_ID = 2**63 - 1
LOCATION_ID_PATTERN = r"^([0-9A-Za-z]{8})?$"


class TextField(serializers.CharField):
    """A CharField that also refuses lone surrogates, which JSON allows but the database cannot store."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)  # a string only (see shopping.apps)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("invalid")
        return value


@extend_schema_field(
    {
        "type": "string",
        "pattern": LOCATION_ID_PATTERN,
        "maxLength": 8,
        "description": "A Kroger store location ID (8 characters), or empty for any store.",
    }
)
class LocationIdField(TextField):
    default_validators = [
        RegexValidator(
            LOCATION_ID_PATTERN, "A store location ID has exactly 8 letters or digits (blank: any store)."
        )
    ]

    def __init__(self, **kwargs):
        # Blank means "any store" (the pattern allows it; the schema hook keeps it one rule).
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)


class GuidanceReadingSerializer(serializers.Serializer):
    understood = serializers.ListField(
        child=serializers.CharField(), help_text="Each rule the picker took from the line, in words."
    )
    not_understood = serializers.ListField(
        child=serializers.CharField(), help_text="Parts of the line the picker cannot use (it ignores them)."
    )
    note = serializers.CharField(help_text="What the picker ignores, as the guidance page says it, or blank.")


class GuidanceSerializer(RefuseUnknownFields, serializers.ModelSerializer):
    text = TextField(min_length=1, max_length=500)
    applies_to = TextField(max_length=100, required=False, allow_blank=True, default="")
    reading = serializers.SerializerMethodField(help_text="What the picker understood from this line.")
    added_by = PersonSerializer(source="owner", read_only=True, help_text="Who in the household added it.")

    class Meta:
        model = Guidance
        fields = ["id", "text", "applies_to", "position", "reading", "added_by", "created_at", "updated_at"]
        read_only_fields = ["position", "created_at", "updated_at"]

    @extend_schema_field(GuidanceReadingSerializer)
    def get_reading(self, line) -> dict:
        return GuidanceReadingSerializer(explain_line(line)).data


@extend_schema_field(
    {
        "type": "array",
        "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        "minItems": 1,
        "maxItems": 1000,
        "uniqueItems": True,
    }
)
class UniqueIdListField(serializers.ListField):
    def to_internal_value(self, data):
        ids = super().to_internal_value(data)
        if len(set(ids)) != len(ids):
            raise serializers.ValidationError("Each guidance line may appear only once.")
        return ids


class GuidanceReorderSerializer(RefuseUnknownFields, serializers.Serializer):
    ids = UniqueIdListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        allow_empty=False,
        max_length=1000,
        help_text="Your guidance line IDs in the new order; lines not listed keep their order after these.",
    )


class Person(NamedTuple):
    """Who remembered a pick, as a plain row has it (a User has the same two attributes)."""

    id: int
    display_name: str


def _shown_row(row: dict) -> dict:
    row["price"] = price_now(row.pop("regular_price"), row.pop("promo_price"))
    row["owner"] = Person(row.pop("owner_id"), row.pop("owner__display_name"))
    return row


class SelectionSerializer(FastRepresentation, RefuseUnknownFields, serializers.ModelSerializer):
    term = TextField(
        max_length=200,
        # In the schema as a pattern: at least one letter or digit (in any script).
        validators=[RegexValidator(r"[^\W_]", "The term must contain letters or digits.")],
        help_text="The list term as typed, e.g. “Milk”.",
    )
    normalized_term = serializers.CharField(read_only=True)
    location_id = LocationIdField(required=False, default="", max_length=8)
    product_id = serializers.RegexField(
        r"^[0-9]{13}$",
        max_length=13,
        error_messages={"invalid": "A product ID (UPC) has exactly 13 digits."},
    )
    # The product's details are Kroger's, looked up by `product_id` when it is saved: read-only.
    description = serializers.CharField(read_only=True)
    brand = serializers.CharField(read_only=True)
    size = serializers.CharField(read_only=True)
    image_url = serializers.CharField(read_only=True, help_text="The product's picture (blank when none).")
    price = serializers.DecimalField(
        max_digits=8, decimal_places=2, read_only=True, allow_null=True,
        help_text="What one cost at the store when last looked up (the sale price while on sale); "
        "null for an any-store pick.",
    )  # fmt: skip
    sold_by = serializers.CharField(read_only=True, help_text="UNIT, or WEIGHT (the price is per lb).")
    aisle = serializers.CharField(read_only=True, help_text="Where the store shelves it, e.g. “Aisle 35”.")
    quantity = serializers.IntegerField(min_value=1, max_value=99, required=False, default=1)
    source = serializers.ChoiceField(choices=Selection.Source.choices, required=False, default="user")
    reason = TextField(max_length=300, required=False, allow_blank=True, default="")
    added_by = PersonSerializer(
        source="owner", read_only=True, help_text="Who in the household last remembered it."
    )

    class Meta:
        model = Selection
        fields = [
            "id",
            "term",
            "normalized_term",
            "location_id",
            "product_id",
            "description",
            "brand",
            "size",
            "image_url",
            "price",
            "sold_by",
            "aisle",
            "quantity",
            "source",
            "reason",
            "added_by",
            "created_at",
            "updated_at",
            "last_used_at",
        ]
        read_only_fields = ["created_at", "updated_at", "last_used_at"]
        # The (household, term, store) uniqueness is checked in validate(): the household is implied.
        validators = []

    def to_representation(self, instance):
        # A plain row from `rows()` (no model instance was built) reads like a Selection.
        return super().to_representation(_shown_row(instance) if isinstance(instance, dict) else instance)

    @staticmethod
    def rows(household_id: int, *, term: str | None = None, location_id: str | None = None) -> Rows:
        """The household's picks (for this term, at this store, when given) as plain rows this
        serializer reads like instances (the list endpoint's biggest answer): just the columns it
        shows, with who remembered each joined in. Their first page's SQL is compiled once."""
        normalized_term = None if term is None else normalize_term(term)
        return _HOUSEHOLD_PICKS(
            household=household_id, normalized_term=normalized_term, location_id=location_id
        )

    def validate_term(self, value: str) -> str:
        if not normalize_term(value):
            raise serializers.ValidationError("The term must contain letters or digits.")
        return value

    def validate(self, attrs):
        if self.instance is None:
            return attrs  # creating replaces an existing pick (see the viewset)
        term = attrs.get("term", self.instance.term)
        location_id = attrs.get("location_id", self.instance.location_id)
        clash = (
            Selection.objects.for_household(self.instance.household_id)
            .for_term(term)
            .filter(location_id=location_id)
            .exclude(pk=self.instance.pk)
        )
        if clash.exists():
            raise serializers.ValidationError(
                {"term": ["You already have a pick for this term at this store; change or forget that one."]}
            )
        return attrs


# What `SelectionSerializer.rows()` reads: the shown columns, the two prices `price` is made
# from, and the member who remembered the pick (`added_by`).
_ROW_COLUMNS = [
    *(name for name in SelectionSerializer.Meta.fields if name not in ("price", "added_by")),
    "regular_price",
    "promo_price",
    "owner_id",
    "owner__display_name",
]


def _household_picks(household: int, normalized_term: str | None = None, location_id: str | None = None):
    picks = Selection.objects.for_household(household)
    if normalized_term is not None:
        picks = picks.filter(normalized_term=normalized_term)
    if location_id is not None:
        picks = picks.filter(location_id=location_id)
    return picks.values(*_ROW_COLUMNS)


_HOUSEHOLD_PICKS = CompiledRows(
    Selection, _household_picks, household=int, normalized_term=str, location_id=str
)
