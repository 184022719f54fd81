"""Guidance and selection shapes for the API: field validation only, no side effects."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from api_schema.strict import RefuseUnknownFields
from shopping.models import Guidance, Selection, normalize_term
from shopping.picking.reading import explain_line
from shopping.products import price_now
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


_CENT = Decimal("0.01")


def _utc_iso(value: datetime) -> str:
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _to_string(field) -> bool:
    return getattr(field, "coerce_to_string", api_settings.COERCE_DECIMAL_TO_STRING) and not getattr(
        field, "localize", False
    )


def _fast_representation(field):
    """What DRF's `field.to_representation` gives for our model's plain values, without its generality."""
    utc_iso = api_settings.DATETIME_FORMAT == ISO_8601 and settings.USE_TZ and settings.TIME_ZONE == "UTC"
    if (
        isinstance(field, serializers.DateTimeField)
        and getattr(field, "format", serializers.empty) is serializers.empty
        and utc_iso
    ):
        return _utc_iso
    if isinstance(field, serializers.DecimalField) and field.decimal_places == 2 and _to_string(field):
        return lambda value: format(value.quantize(_CENT), "f")
    if isinstance(field, PersonSerializer):
        return lambda person: {"id": person.id, "display_name": person.display_name}
    if type(field) is serializers.IntegerField:
        return int
    if isinstance(field, serializers.CharField) and not isinstance(field, serializers.ChoiceField):
        return str
    return field.to_representation


class Person(NamedTuple):
    """Who remembered a pick, as a plain row has it (a User has the same two attributes)."""

    id: int
    display_name: str


def _shown_row(row: dict) -> dict:
    row["price"] = price_now(row.pop("regular_price"), row.pop("promo_price"))
    row["owner"] = Person(row.pop("owner_id"), row.pop("owner__display_name"))
    return row


class SelectionSerializer(RefuseUnknownFields, serializers.ModelSerializer):
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

    _fast_plan = None

    def to_representation(self, instance):
        # Lists of picks are the API's biggest answers: read each plain attribute straight off the
        # row (the same output as DRF's generic path, which a test checks). The plan is built from
        # the fields once per process: building a ModelSerializer's fields is most of DRF's cost.
        plan = type(self)._fast_plan
        if plan is None:
            plan = type(self)._fast_plan = [
                (name, field.source, _fast_representation(field))
                for name, field in self.fields.items()
                if not field.write_only
            ]
        # A plain row from `rows()` (no model instance was built) or a Selection.
        read = _shown_row(instance).__getitem__ if isinstance(instance, dict) else instance.__getattribute__
        row = {}
        for name, source, represent in plan:
            value = read(source)
            row[name] = None if value is None else represent(value)
        return row

    @staticmethod
    def rows(selections: QuerySet[Selection]) -> QuerySet:
        """The picks as plain rows this serializer reads like instances (the list endpoint's
        biggest answer): just the columns it shows, with who remembered it joined in."""
        return selections.values(*_ROW_COLUMNS)

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
