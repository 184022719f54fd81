"""HTML forms for the memory pages (the JSON API has its own serializers)."""

from django import forms

from shopping.models import Guidance


class GuidanceForm(forms.ModelForm):
    text = forms.CharField(
        max_length=500,
        label="New guidance line",
        widget=forms.TextInput(attrs={"placeholder": "Free-range eggs; organic doesn't matter"}),
    )
    applies_to = forms.CharField(
        max_length=100,
        required=False,
        label="About (optional)",
        widget=forms.TextInput(attrs={"placeholder": "eggs"}),
    )

    class Meta:
        model = Guidance
        fields = ["text", "applies_to"]


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(min_value=1, max_value=99, label="Quantity")
