from django.apps import AppConfig


def _strict_strings() -> None:
    """The API's string fields take JSON strings only, as its schema says.

    DRF's CharField quietly turns a number into a string (`{"text": 0}` becomes "0"), which the
    schema (`type: string`) rejects; every CharField, including the ones added later, gets the
    schema's rule instead. Query strings and form data are strings anyway.
    """
    from rest_framework import serializers

    to_internal_value = serializers.CharField.to_internal_value
    if getattr(to_internal_value, "strict", False):
        return

    def strict_to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return to_internal_value(self, data)

    strict_to_internal_value.strict = True
    serializers.CharField.to_internal_value = strict_to_internal_value


class ShoppingConfig(AppConfig):
    name = "shopping"

    def ready(self):
        _strict_strings()
