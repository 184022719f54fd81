"""Catalogue API shapes: query validation for stores and products, and their output."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shopping.picking import why_excluded
from shopping.search_terms import MAX_TERM_LENGTH, TERM_SCHEMA, clean_search_term

FULFILLMENT_CHOICES = [
    ("ais", "Available in store"),
    ("csp", "Curbside pickup"),
    ("dth", "Delivery to home"),
    ("sth", "Ship to home"),
]


def _store_id_field() -> serializers.RegexField:
    return serializers.RegexField(
        r"^[0-9A-Za-z]{8}$",
        required=False,
        trim_whitespace=False,
        error_messages={"invalid": "A store ID has 8 characters, e.g. 01400943."},
        help_text="Store ID (defaults to your preferred store).",
    )


class LocationQuerySerializer(serializers.Serializer):
    zip_code = serializers.RegexField(
        r"^\d{5}$", error_messages={"invalid": "Enter a 5-digit ZIP code."}, help_text="5-digit US ZIP code."
    )
    radius = serializers.IntegerField(min_value=1, max_value=100, default=10, help_text="Miles (1–100).")
    limit = serializers.IntegerField(min_value=1, max_value=50, default=10, help_text="Stores (1–50).")
    chain = serializers.CharField(max_length=40, required=False, help_text="Only this chain, e.g. KROGER.")


@extend_schema_field(TERM_SCHEMA)
class SearchTermField(serializers.CharField):
    """A product search term, by the catalogue page's rule (`clean_search_term`): the schema's
    pattern and lengths are that rule, so the schema and the server agree."""

    def __init__(self, **kwargs):
        # Untrimmed, unbounded here: the rule decides about spaces and length, with its messages.
        super().__init__(trim_whitespace=False, **kwargs)

    def to_internal_value(self, data):
        try:
            return clean_search_term(super().to_internal_value(data))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class ProductQuerySerializer(serializers.Serializer):
    term = SearchTermField(
        help_text=f"3+ characters (or a two-character Chinese or Japanese word), at most 8 words and "
        f"{MAX_TERM_LENGTH} characters: letters, numbers, spaces and _ ' . , % / - only."
    )
    location_id = _store_id_field()
    brand = serializers.CharField(max_length=100, required=False, help_text="Exact brand, e.g. Kroger.")
    fulfillment = serializers.ChoiceField(choices=FULFILLMENT_CHOICES, required=False)
    start = serializers.IntegerField(min_value=0, max_value=250, default=0, help_text="Results to skip.")
    limit = serializers.IntegerField(min_value=1, max_value=50, default=10)


class ProductLocationQuerySerializer(serializers.Serializer):
    location_id = _store_id_field()


class FulfillmentSerializer(serializers.Serializer):
    curbside = serializers.BooleanField()
    delivery = serializers.BooleanField()
    in_store = serializers.BooleanField()
    ship_to_home = serializers.BooleanField()


class ProductSerializer(serializers.Serializer):
    product_id = serializers.CharField()
    upc = serializers.CharField()
    description = serializers.CharField()
    brand = serializers.CharField()
    size = serializers.CharField()
    sold_by = serializers.CharField()
    image_url = serializers.SerializerMethodField()
    images = serializers.DictField(child=serializers.CharField(), help_text="Size name → image URL.")
    regular_price = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    promo_price = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    price = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        allow_null=True,
        help_text="What you pay: the sale price when on sale.",
    )
    on_sale = serializers.BooleanField()
    stock_level = serializers.CharField(allow_null=True, help_text="HIGH, LOW or TEMPORARILY_OUT_OF_STOCK.")
    fulfillment = serializers.SerializerMethodField()
    aisle = serializers.CharField(allow_null=True)
    categories = serializers.ListField(child=serializers.CharField())
    temperature = serializers.CharField(allow_null=True)
    excluded_reason = serializers.SerializerMethodField(
        help_text="Why your household's guidance rules this product out (an allergen, an avoided "
        "ingredient, a diet), naming the guidance line, e.g. “no peanuts - allergy”; blank when "
        "nothing does. Show it beside the product; adding it anyway is up to the shopper."
    )

    def get_excluded_reason(self, product) -> str:
        # The views read the guidance once per request and pass it in, however many products.
        guidance = self.context.get("guidance")
        return why_excluded(product, guidance) if guidance is not None else ""

    def get_image_url(self, product) -> str | None:
        return product.image_url()

    def get_fulfillment(self, product) -> dict[str, bool] | None:
        return dict(product.fulfillment) if product.fulfillment else None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["categories"] = list(instance.categories)
        return data


class ProductPageSerializer(serializers.Serializer):
    location_id = serializers.CharField(allow_null=True, help_text="The store the prices are for.")
    notice = serializers.CharField(required=False, help_text="Present when no store was chosen.")
    total = serializers.IntegerField()
    start = serializers.IntegerField()
    limit = serializers.IntegerField()
    results = ProductSerializer(many=True)


class DayHoursSerializer(serializers.Serializer):
    open = serializers.CharField(allow_null=True)
    close = serializers.CharField(allow_null=True)
    open24 = serializers.BooleanField()


class DepartmentSerializer(serializers.Serializer):
    department_id = serializers.CharField()
    name = serializers.CharField()


class LocationSerializer(serializers.Serializer):
    location_id = serializers.CharField()
    chain = serializers.CharField()
    name = serializers.CharField()
    address = serializers.CharField(help_text="One line, e.g. 1 Main St, Cincinnati, OH 45202.")
    address_line1 = serializers.CharField()
    city = serializers.CharField()
    state = serializers.CharField()
    zip_code = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    open24 = serializers.BooleanField()
    hours = serializers.DictField(child=DayHoursSerializer(), help_text="Keyed monday … sunday.")
    departments = DepartmentSerializer(many=True)


class NearbyLocationSerializer(LocationSerializer):
    distance_miles = serializers.SerializerMethodField(
        help_text="Miles from the ZIP code searched (straight line, one decimal); null when unknown."
    )

    def get_distance_miles(self, location) -> float | None:
        return self.context.get("distances", {}).get(location.location_id)


class LocationListSerializer(serializers.Serializer):
    results = NearbyLocationSerializer(many=True, help_text="Nearest first.")


class ApiErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. kroger_unavailable.")
    detail = serializers.CharField(help_text="A message you can show to the shopper.")
