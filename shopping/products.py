"""One product snapshot: what we keep of a Kroger product on a list line, a remembered pick, a
line's candidates and the picker's memory, as a dataclass and as model columns.

A snapshot is Kroger's description of a product at one store when it was looked up: names and
picture, today's prices (the promo price only while on sale), how it is sold, stock and aisle.
Everything that copies a product goes through `ProductSnapshot`, so the columns, the JSON kept
in `ListItem.alternatives` and the picker's `Product` agree on every field and its limits.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from kroger.schemas import Product

OUT_OF_STOCK = "TEMPORARILY_OUT_OF_STOCK"  # Kroger's stock level for an item the store has run out of
SOLD_BY_WEIGHT = "WEIGHT"
CENT = Decimal("0.01")
# The columns' lengths; longer text from Kroger is cut to fit rather than failing a pick.
LIMITS = {
    "product_id": 13,
    "description": 300,
    "brand": 120,
    "size": 60,
    "image_url": 500,
    "sold_by": 10,
    "stock_level": 30,
    "aisle": 100,
}
MONEY_FIELDS = ("regular_price", "promo_price", "average_weight")


def _money(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() and amount >= 0 else None


def _image_url(value: Any) -> str:
    # An over-long or odd image URL is not worth failing a pick for; drop it instead.
    url = str(value or "")
    return url if len(url) <= LIMITS["image_url"] and url.startswith(("http://", "https://")) else ""


def price_now(regular_price: Decimal | None, promo_price: Decimal | None) -> Decimal | None:
    """What one costs now: the promo price while on sale, else the regular price."""
    return promo_price or regular_price


@dataclass(frozen=True)
class ProductSnapshot:
    """A Kroger product as a line or a pick keeps it. Prices and stock are for one store."""

    product_id: str
    description: str = ""
    brand: str = ""
    size: str = ""
    image_url: str = ""
    regular_price: Decimal | None = None
    promo_price: Decimal | None = None  # only while on sale (Kroger sends promo 0 otherwise)
    sold_by: str = ""  # Kroger's soldBy: UNIT, or WEIGHT (then the prices are per lb)
    average_weight: Decimal | None = None  # lb per unit of a weighed product, when Kroger says
    stock_level: str = ""  # blank: Kroger did not say
    aisle: str = ""  # "Aisle 35", "Dairy": where the store shelves it (the in-store mode sorts by it)

    @classmethod
    def of(cls, product: Product) -> ProductSnapshot:
        """The snapshot of a product as Kroger described it."""
        return cls.from_dict(
            {
                "product_id": product.product_id,
                "description": product.description,
                "brand": product.brand,
                "size": product.size,
                "image_url": product.image_url(),
                "regular_price": product.regular_price,
                "promo_price": product.promo_price if product.on_sale else None,
                "sold_by": product.sold_by,
                "average_weight": product.average_weight,
                "stock_level": product.stock_level,
                "aisle": product.aisle,
            }
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ProductSnapshot:
        """A snapshot from stored JSON (older rows lack newer keys) or other plain details: text
        cut to the columns' lengths, odd prices and image URLs dropped. A lone `price` (as older
        remembered picks kept it) is the regular price."""
        text = {name: str(data.get(name) or "").strip()[:limit] for name, limit in LIMITS.items()}
        regular = data.get("regular_price", data.get("price"))
        return cls(
            **{**text, "image_url": _image_url(data.get("image_url"))},
            regular_price=_money(regular),
            promo_price=_money(data.get("promo_price")),
            average_weight=_money(data.get("average_weight")) or None,
        )

    @property
    def price(self) -> Decimal | None:
        """What one costs now: the promo price when there is one, else the regular price."""
        return price_now(self.regular_price, self.promo_price)

    def as_dict(self) -> dict[str, Any]:
        """The snapshot as JSON keeps it (prices as strings), with the price one costs now."""
        data = asdict(self)
        for name in MONEY_FIELDS:
            data[name] = None if data[name] is None else str(data[name])
        data["price"] = None if self.price is None else str(self.price)
        data["stock_level"] = self.stock_level or None  # as Kroger's Product says "not said"
        return data

    def as_product(self) -> Product:
        """The snapshot as the picker's Product (what Kroger said when it was taken)."""
        return Product(
            product_id=self.product_id,
            upc=self.product_id,
            description=self.description,
            brand=self.brand,
            size=self.size,
            sold_by=self.sold_by or "UNIT",
            average_weight=self.average_weight,
            images={"medium": self.image_url} if self.image_url else {},
            regular_price=self.regular_price,
            promo_price=self.promo_price,
            stock_level=self.stock_level or None,
            aisle=self.aisle or None,
        )


SNAPSHOT_FIELDS = tuple(field.name for field in fields(ProductSnapshot))
STORE_FACTS = ("regular_price", "promo_price", "sold_by", "average_weight", "stock_level", "aisle")


class ProductSnapshotFields(models.Model):
    """The columns of a `ProductSnapshot` on a model (a list line's pick, a remembered pick)."""

    product_id = models.CharField(max_length=LIMITS["product_id"], blank=True)
    description = models.CharField(max_length=LIMITS["description"], blank=True)
    brand = models.CharField(max_length=LIMITS["brand"], blank=True)
    size = models.CharField(max_length=LIMITS["size"], blank=True)
    image_url = models.URLField(max_length=LIMITS["image_url"], blank=True)
    regular_price = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    promo_price = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    sold_by = models.CharField(max_length=LIMITS["sold_by"], blank=True, default="")
    average_weight = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    stock_level = models.CharField(max_length=LIMITS["stock_level"], blank=True, default="")
    aisle = models.CharField(max_length=LIMITS["aisle"], blank=True, default="")

    class Meta:
        abstract = True

    @property
    def snapshot(self) -> ProductSnapshot | None:
        """The product on the row, or None without one."""
        if not self.product_id:
            return None
        return ProductSnapshot(**{name: getattr(self, name) for name in SNAPSHOT_FIELDS})

    def set_snapshot(self, snapshot: ProductSnapshot | None) -> None:
        """Put a product on the row (None: clear it)."""
        empty = ProductSnapshot(product_id="")
        for name in SNAPSHOT_FIELDS:
            setattr(self, name, getattr(snapshot or empty, name))

    def set_store_facts(self, snapshot: ProductSnapshot) -> None:
        """Today's prices, stock, aisle and how it is sold, as Kroger says them for the store."""
        for name in STORE_FACTS:
            setattr(self, name, getattr(snapshot, name))

    @property
    def price(self) -> Decimal | None:
        """What one costs now: the promo price when there is one, else the regular price."""
        return price_now(self.regular_price, self.promo_price)

    @price.setter
    def price(self, value: Decimal | None) -> None:
        # A price given on its own (a remembered pick's, through the API) is the regular price.
        self.regular_price, self.promo_price = value, None

    @property
    def sold_by_weight(self) -> bool:
        return self.sold_by == SOLD_BY_WEIGHT

    @property
    def out_of_stock(self) -> bool:
        return bool(self.product_id) and self.stock_level == OUT_OF_STOCK
