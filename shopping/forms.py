"""HTML forms for the pages (the JSON API has its own serializers)."""

from django import forms

from shopping.models import Guidance
from shopping.parsing import MAX_LIST_TEXT
from shopping.search_terms import clean_search_term

# --- Catalogue ----------------------------------------------------------------------------


class StoreSearchForm(forms.Form):
    zip_code = forms.RegexField(r"^\d{5}$", error_messages={"invalid": "Enter a 5-digit ZIP code."})


class ProductSearchForm(forms.Form):
    # The length is the search-term rule's too (`clean_search_term`), with its message.
    term = forms.CharField()
    start = forms.IntegerField(min_value=0, max_value=250, required=False)

    def clean_term(self) -> str:
        return clean_search_term(self.cleaned_data["term"])

    def clean_start(self) -> int:
        return self.cleaned_data["start"] or 0


class CartItemForm(forms.Form):
    upc = forms.RegexField(
        r"^\d{13}$", error_messages={"invalid": "A UPC has 13 digits, e.g. 0001111041700."}
    )
    quantity = forms.IntegerField(min_value=1, max_value=99)
    modality = forms.ChoiceField(choices=[("PICKUP", "Pickup"), ("DELIVERY", "Delivery")], required=False)

    def clean_modality(self) -> str:
        return self.cleaned_data["modality"] or "PICKUP"


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


# --- Lists ------------------------------------------------------------------------------


class NewListForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, label="Name (optional)")
    text = forms.CharField(
        max_length=MAX_LIST_TEXT,
        label="Your list",
        help_text="One item per line, or separated by commas: “milk, 2 lb ground beef, a dozen eggs”.",
        widget=forms.Textarea(
            attrs={"rows": 8, "placeholder": "milk\n2 lb ground beef\na dozen eggs\nbananas"}
        ),
    )


class ItemForm(forms.Form):
    quantity = forms.IntegerField(min_value=1, max_value=99, required=False)
    product_id = forms.RegexField(r"^[0-9]{13}$", required=False)
    term = forms.CharField(max_length=200, required=False)
    text = forms.CharField(max_length=300, required=False)
    skipped = forms.ChoiceField(choices=[("", ""), ("1", "Skip"), ("0", "Include")], required=False)
    position = forms.IntegerField(min_value=0, max_value=10_000, required=False)
    # The line's version the page showed: a change made from an older one is refused.
    version = forms.IntegerField(min_value=1, required=False)

    def changes(self) -> dict:
        """The cleaned fields as `change_item` takes them (blank ones left out)."""
        data = self.cleaned_data
        changes = {key: data[key] for key in ("quantity", "product_id", "term", "text") if data.get(key)}
        if data.get("skipped"):
            changes["skipped"] = data["skipped"] == "1"
        if data.get("position") is not None:
            changes["position"] = data["position"]
        return changes


class AddItemForm(forms.Form):
    text = forms.CharField(max_length=300, label="Add a line")


class RememberForm(forms.Form):
    guidance_text = forms.CharField(max_length=500, required=False)
    any_store = forms.BooleanField(required=False)


class RememberLineForm(RememberForm):
    # The line's version the page showed: remembering a line changed since is refused.
    version = forms.IntegerField(min_value=1, required=False)
