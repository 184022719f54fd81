"""Migrations that move data keep it: the product snapshot columns (shopping 0004)."""

from decimal import Decimal

import pytest

from tests.factories import UserFactory
from tests.helpers import migrate_to, migrate_to_latest

BEFORE = [("shopping", "0003_list_item_skip_weight_stock")]
AFTER = [("shopping", "0004_product_snapshot")]


@pytest.mark.django_db(transaction=True)
def test_a_remembered_picks_price_survives_the_product_snapshot_migration():
    owner = UserFactory()
    apps = migrate_to(BEFORE)
    apps.get_model("shopping", "Selection").objects.create(
        owner_id=owner.pk, term="milk", normalized_term="milk", product_id="0001111041700",
        description="Kroger® 2% Reduced Fat Milk", price=Decimal("3.49"),
    )  # fmt: skip
    try:
        apps = migrate_to(AFTER)
        pick = apps.get_model("shopping", "Selection").objects.get(owner_id=owner.pk)
        assert (pick.product_id, pick.description, pick.regular_price, pick.promo_price) == (
            "0001111041700", "Kroger® 2% Reduced Fat Milk", Decimal("3.49"), None,
        )  # fmt: skip
        assert (pick.sold_by, pick.aisle, pick.stock_level) == ("", "", "")
    finally:
        migrate_to_latest()
