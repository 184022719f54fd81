"""Candidates as stored on a list line (ListItem.alternatives is JSON) and back."""

from decimal import Decimal

from kroger.schemas import Product


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def candidate_to_dict(product: Product) -> dict:
    """A candidate as stored in ListItem.alternatives: what the page needs, prices as strings."""
    return {
        "product_id": product.product_id,
        "description": product.description,
        "brand": product.brand,
        "size": product.size,
        "image_url": product.image_url() or "",
        "regular_price": _money(product.regular_price),
        "promo_price": _money(product.promo_price if product.on_sale else None),
        "price": _money(product.price),
        "stock_level": product.stock_level,
    }


def candidate_from_dict(data: dict) -> Product:
    """The stored candidate back as a Product (as Kroger described it when the line was resolved)."""
    price = lambda key: Decimal(data[key]) if data.get(key) else None  # noqa: E731
    return Product(
        product_id=data["product_id"],
        upc=data["product_id"],
        description=data.get("description", ""),
        brand=data.get("brand", ""),
        size=data.get("size", ""),
        images={"medium": data["image_url"]} if data.get("image_url") else {},
        regular_price=price("regular_price"),
        promo_price=price("promo_price"),
        stock_level=data.get("stock_level"),
    )
