"""Remembered picks stored under the old term folding are found for their own term again."""

import pytest

from shopping.models import normalize_term
from tests.helpers import STORE, migrate_to, migrate_to_latest

BEFORE = [("shopping", "0009_households_required")]
AFTER = [("shopping", "0010_renormalize_selection_terms")]


@pytest.mark.django_db(transaction=True)
def test_picks_get_their_new_keys_unless_another_pick_of_the_store_already_has_it():
    apps = migrate_to(BEFORE)
    User = apps.get_model("accounts", "User")
    Household = apps.get_model("accounts", "Household")
    Selection = apps.get_model("shopping", "Selection")
    user, household = User.objects.create(username="kei"), Household.objects.create()
    # As the old folding stored them: marks stripped off every letter, no case folding of ß.
    stored = {"ガム": "カム", "йогурт": "иогурт", "Café": "cafe", "straße": "straße", "strasse": "strasse"}
    for term, key in stored.items():
        Selection.objects.create(
            owner=user, household=household, term=term, normalized_term=key, location_id=STORE,
            product_id="1" * 13,
        )  # fmt: skip

    try:
        apps = migrate_to(AFTER)
        keys = dict(apps.get_model("shopping", "Selection").objects.values_list("term", "normalized_term"))
        assert keys["ガム"] == normalize_term("ガム") == "ガム"
        assert keys["йогурт"] == "йогурт"
        assert keys["Café"] == "cafe"
        # "straße" now means "strasse", which another pick holds: it keeps its key, nothing breaks.
        assert keys["strasse"] == "strasse" and keys["straße"] == "straße"
    finally:
        migrate_to_latest()
