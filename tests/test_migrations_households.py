"""The household migrations on a database from before households: nothing is lost or mixed up."""

import pytest

from tests.helpers import STORE, migrate_to, migrate_to_latest

BEFORE = [("accounts", "0002_user_display_name"), ("shopping", "0006_cart_send_list_lines")]
AFTER = [("accounts", "0004_every_user_a_household"), ("shopping", "0009_households_required")]


@pytest.mark.django_db(transaction=True)
def test_each_existing_user_gets_a_household_of_their_own_with_all_their_things():
    apps = migrate_to(BEFORE)
    User = apps.get_model("accounts", "User")
    people = [User.objects.create(username=name, display_name=name) for name in ("ann", "ben")]
    for user in people:
        shopping_list = apps.get_model("shopping", "ShoppingList").objects.create(
            owner=user, name=user.username
        )
        apps.get_model("shopping", "Guidance").objects.create(owner=user, text=f"{user.username} guidance")
        # The same term at the same store for both: allowed per user, and still allowed per household.
        apps.get_model("shopping", "Selection").objects.create(
            owner=user, term="milk", normalized_term="milk", location_id=STORE, product_id="1" * 13
        )
        apps.get_model("shopping", "CartSend").objects.create(
            owner=user, shopping_list=shopping_list, items=[]
        )

    try:
        apps = migrate_to(AFTER)
        Membership = apps.get_model("accounts", "Membership")
        memberships = {m.user.username: m for m in Membership.objects.select_related("user")}
        assert {name: m.role for name, m in memberships.items()} == {"ann": "owner", "ben": "owner"}
        assert memberships["ann"].household_id != memberships["ben"].household_id
        for name in ("ShoppingList", "Guidance", "Selection", "CartSend"):
            rows = apps.get_model("shopping", name).objects.select_related("owner")
            assert rows.count() == 2
            assert all(row.household_id == memberships[row.owner.username].household_id for row in rows)
    finally:
        migrate_to_latest()
