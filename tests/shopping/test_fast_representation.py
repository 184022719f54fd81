"""The API's fast output of list lines and their alternatives is exactly DRF's generic output."""

from decimal import Decimal

from rest_framework import serializers

from shopping.serializers.lists import AlternativeSerializer, ListItemSerializer
from tests.factories import ListItemFactory

# As older lines stored them: no stock, sold_by, average weight or aisle.
OLD_ALTERNATIVE = {
    "product_id": "0001111040101", "description": "Kroger 2% Milk", "brand": "Kroger", "size": "1 gal",
    "image_url": "", "regular_price": "3.49", "promo_price": None, "price": "3.49",
}  # fmt: skip
ALTERNATIVE = {
    **OLD_ALTERNATIVE, "promo_price": "2.995", "stock_level": "LOW", "sold_by": "UNIT",
    "average_weight": None, "aisle": "Aisle 4",
}  # fmt: skip


def generic(serializer_class, instance) -> dict:
    """DRF's own output, field by field (what FastRepresentation must reproduce)."""
    serializer = serializer_class()
    return serializers.Serializer.to_representation(serializer, instance)


def test_alternatives_come_out_as_drf_gives_them_even_when_stored_without_newer_keys():
    new = AlternativeSerializer().to_representation(ALTERNATIVE)
    assert new == generic(AlternativeSerializer, ALTERNATIVE)
    old = AlternativeSerializer().to_representation(OLD_ALTERNATIVE)
    assert old == generic(AlternativeSerializer, OLD_ALTERNATIVE)
    assert "aisle" not in old and old["stock_level"] is None  # left out / null, as DRF decides
    assert new["promo_price"] == "3.00"


def test_list_lines_come_out_as_drf_gives_them(db):
    lines = [
        ListItemFactory(),  # pending, nothing picked
        ListItemFactory(
            status="resolved", source="search", product_id="0001111041700", description="Kroger Milk",
            brand="Kroger", size="1 gal", regular_price=Decimal("3.99"), promo_price=Decimal("3.50"),
            confidence=0.875, reason="Best match", alternatives=[ALTERNATIVE, OLD_ALTERNATIVE],
            quantity=2, stock_level="LOW", aisle="Dairy",
        ),
        ListItemFactory(
            raw_text="2.5 lb chicken breast", amount=Decimal("2.5"), unit="lb", status="resolved",
            product_id="0000000004011", description="Chicken Breast", sold_by="WEIGHT",
            regular_price=Decimal("4.99"), average_weight=Decimal("1.25"), skipped=True,
        ),
    ]  # fmt: skip

    fast = ListItemSerializer(lines, many=True).data

    assert fast == [generic(ListItemSerializer, line) for line in lines]
    assert fast[1]["status_label"] and fast[1]["alternatives"][1]["price"] == "3.49"
    assert fast[2]["line_total_is_estimate"] is True and fast[2]["estimated_weight"] == "2.50"
