"""Fast read-only output for the API's biggest answers (remembered picks, list lines and their
alternatives), with exactly DRF's output (tests compare the two).

DRF's generic `Serializer.to_representation` asks every field of every row, through several
layers, how to find and format its value; for 25 lines × 38 fields, or 50 picks × 19, that is
most of a request's time. `FastRepresentation` works the answer out once per serializer class
and process (a *plan*: each field's source and a plain formatter), then applies it to each row.
Fields the plan cannot shortcut (method fields, anything unusual) keep DRF's own path.
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from rest_framework import ISO_8601, serializers
from rest_framework.fields import SkipField, empty
from rest_framework.settings import api_settings

_CENT = Decimal("0.01")


def _utc_iso(value: datetime) -> str:
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _money(value: Decimal | str) -> str:
    # Stored JSON (a line's alternatives) keeps prices as strings, as DRF accepts them.
    if not isinstance(value, Decimal):
        value = Decimal(str(value).strip())
    return format(value.quantize(_CENT), "f")


def _decimal_as_string(field: serializers.DecimalField) -> bool:
    coerce = getattr(field, "coerce_to_string", None)
    return (api_settings.COERCE_DECIMAL_TO_STRING if coerce is None else coerce) and not field.localize


def _formatter(field: serializers.Field):
    """A plain function giving what `field.to_representation(value)` gives for a non-None value,
    or None when only DRF's own path will do."""
    if isinstance(field, FastRepresentation):
        return field.to_representation
    if isinstance(field, serializers.ListSerializer) and isinstance(field.child, FastRepresentation):
        child = field.child.to_representation
        return lambda values: [child(value) for value in values]
    if isinstance(
        field, serializers.SerializerMethodField | serializers.Serializer | serializers.ListSerializer
    ):
        return None
    if isinstance(field, serializers.DateTimeField):
        utc = settings.USE_TZ and settings.TIME_ZONE == "UTC"
        plain = getattr(field, "format", empty) is empty and api_settings.DATETIME_FORMAT == ISO_8601
        return _utc_iso if utc and plain else field.to_representation
    if isinstance(field, serializers.DecimalField):
        return _money if field.decimal_places == 2 and _decimal_as_string(field) else field.to_representation
    if type(field) is serializers.IntegerField:
        return int
    if type(field) is serializers.BooleanField:
        return bool
    if type(field) is serializers.FloatField:
        return float
    if isinstance(field, serializers.CharField) and not isinstance(field, serializers.ChoiceField):
        return str
    return field.to_representation


class FastRepresentation:
    """Mixin for a read-only serializer (put it first): the same output as DRF, planned once."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        plan = type(self).__dict__.get("_fast_plan")
        if plan is None:
            plan = self._build_fast_plan()
        plain_row = isinstance(instance, dict)
        row: dict[str, Any] = {}
        for name, source, represent, missing in plan:
            if represent is None:  # DRF's own path, with this serializer's own bound field
                field = self.fields[name]
                try:
                    value = field.get_attribute(instance)
                except SkipField:
                    continue
                row[name] = None if value is None else field.to_representation(value)
                continue
            # A model's attributes are always there; a dict row (stored JSON) may lack a key.
            value = instance.get(source, missing) if plain_row else getattr(instance, source)
            if value is _SKIP:
                continue
            if callable(value) and not isinstance(value, type):
                value = value()  # a method such as get_status_display, as DRF calls it
            row[name] = None if value is None else represent(value)
        return row

    def _build_fast_plan(self) -> list[tuple]:
        plan = []
        for name, field in self.fields.items():
            if field.write_only:
                continue
            represent = _formatter(field) if field.source != "*" and "." not in field.source else None
            plan.append((name, field.source, represent, _when_missing(field)))
        type(self)._fast_plan = plan
        return plan


_SKIP = object()


def _when_missing(field: serializers.Field) -> Any:
    """What a missing key (of a dict row) gives, as DRF's `Field.get_attribute` decides it:
    the default, else None when null is allowed, else the field is left out."""
    if field.default is not empty:
        return field.get_default()
    if field.allow_null:
        return None
    if not field.required:
        return _SKIP
    return None  # a required value is always there (model attributes never go missing)
