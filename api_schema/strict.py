"""Request bodies refuse properties they do not know, so a typo never passes silently.

The schema says so too: every request-body component gets `additionalProperties: false`
(`shopping.api.schema.add_error_responses`), so schema and server agree.
"""

from collections.abc import Mapping
from typing import Any

from rest_framework import serializers

UNKNOWN_FIELD = "Unknown field: this request does not take it."


class RefuseUnknownFields:
    """Serializer mixin: a 400 naming each property that is not one of the writable fields."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(name) for name in data if name not in writable)
            if unknown:
                raise serializers.ValidationError({name: [UNKNOWN_FIELD] for name in unknown})
        return super().to_internal_value(data)
