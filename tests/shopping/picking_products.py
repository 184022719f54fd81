"""Products for the picker's unit tests: Kroger-shaped, in stock and sold here unless told."""

from decimal import Decimal
from itertools import count

from kroger.schemas import Allergen, Product

IN_STORE = {"curbside": True, "delivery": True, "in_store": True, "ship_to_home": False}
_ids = count(1)


def product(
    description: str,
    brand: str = "",
    size: str = "1 ct",
    price: str = "1.00",
    *,
    promo: str | None = None,
    stock: str = "HIGH",
    sold_by: str = "UNIT",
    categories: tuple[str, ...] = (),
    allergens: tuple[tuple[str, str], ...] = (),
    ingredients: str = "",
    fulfillment: dict[str, bool] | None = None,
) -> Product:
    number = f"{next(_ids):013d}"
    return Product(
        product_id=number,
        upc=number,
        description=description,
        brand=brand,
        size=size,
        sold_by=sold_by,
        categories=categories,
        regular_price=Decimal(price),
        promo_price=Decimal(promo) if promo else None,
        stock_level=stock,
        fulfillment=IN_STORE if fulfillment is None else fulfillment,
        allergens=tuple(Allergen(name=name, level=level) for level, name in allergens),
        ingredients=ingredients,
    )
