"""Guidance and selection shapes for the API: field validation only, no side effects."""

from django.core.validators import RegexValidator, URLValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shopping.models import Guidance, Selection, normalize_term
from shopping.picking.reading import explain_line

MAX_ID = 2**63 - 1
LOCATION_ID_PATTERN = r"^([0-9A-Za-z]{8})?$"


class TextField(serializers.CharField):
    """A CharField that also refuses lone surrogates, which JSON allows but the database cannot store."""

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
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

    def run_validation(self, data=serializers.empty):
        # Blank is accepted here rather than with allow_blank, which would make the schema's
        # pattern (that already allows "") ambiguous.
        return "" if data == "" else super().run_validation(data)


class GuidanceReadingSerializer(serializers.Serializer):
    understood = serializers.ListField(
        child=serializers.CharField(), help_text="Each rule the picker took from the line, in words."
    )
    not_understood = serializers.ListField(
        child=serializers.CharField(), help_text="Parts of the line the picker cannot use (it ignores them)."
    )
    note = serializers.CharField(help_text="What the picker ignores, as the guidance page says it, or blank.")


class GuidanceSerializer(serializers.ModelSerializer):
    text = TextField(min_length=1, max_length=500)
    applies_to = TextField(max_length=100, required=False, allow_blank=True, default="")
    reading = serializers.SerializerMethodField(help_text="What the picker understood from this line.")

    class Meta:
        model = Guidance
        fields = ["id", "text", "applies_to", "position", "reading", "created_at", "updated_at"]
        read_only_fields = ["position", "created_at", "updated_at"]

    @extend_schema_field(GuidanceReadingSerializer)
    def get_reading(self, line) -> dict:
        return GuidanceReadingSerializer(explain_line(line)).data


class GuidanceReorderSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        allow_empty=False,
        max_length=1000,
        help_text="Your guidance line IDs in the new order; lines not listed keep their order after these.",
    )


class SelectionSerializer(serializers.ModelSerializer):
    term = TextField(max_length=200, help_text="The list term as typed, e.g. “Milk”.")
    normalized_term = serializers.CharField(read_only=True)
    location_id = LocationIdField(required=False, default="", max_length=8)
    product_id = serializers.RegexField(
        r"^[0-9]{13}$",
        max_length=13,
        error_messages={"invalid": "A product ID (UPC) has exactly 13 digits."},
    )
    description = TextField(max_length=300, required=False, allow_blank=True, default="")
    brand = TextField(max_length=120, required=False, allow_blank=True, default="")
    size = TextField(max_length=60, required=False, allow_blank=True, default="")
    image_url = TextField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        validators=[URLValidator(schemes=["http", "https"], message="Enter an http(s) URL.")],
    )
    price = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True, default=None
    )
    quantity = serializers.IntegerField(min_value=1, max_value=99, required=False, default=1)
    source = serializers.ChoiceField(choices=Selection.Source.choices, required=False, default="user")
    reason = TextField(max_length=300, required=False, allow_blank=True, default="")

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
            "quantity",
            "source",
            "reason",
            "created_at",
            "updated_at",
            "last_used_at",
        ]
        read_only_fields = ["created_at", "updated_at", "last_used_at"]
        # The (owner, term, store) uniqueness is checked in validate(): owner is implied.
        validators = []

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
            Selection.objects.for_user(self.instance.owner)
            .for_term(term)
            .filter(location_id=location_id)
            .exclude(pk=self.instance.pk)
        )
        if clash.exists():
            raise serializers.ValidationError(
                {"term": ["You already have a pick for this term at this store; change or forget that one."]}
            )
        return attrs
