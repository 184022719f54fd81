"""Catalogue products as Kroger's product JSON (kroger-api.md §5.3), with optional drift."""

import re
import zlib
from decimal import Decimal
from functools import lru_cache

from django.http import HttpRequest
from django.templatetags.static import static

from . import catalogue, store
from .catalogue import Product

IMAGE_SIZES = ("xlarge", "large", "medium", "small", "thumbnail")
CID = "dis.api.tpi_products-api_20240521_b:all_c:p_t:personal-shopper"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("®", "")).strip("-")


def _price(value) -> float | int:
    # Kroger sends a bare 0 for "no promotion".
    return float(value) if value else 0


@lru_cache(maxsize=256)
def _static_url(path: str) -> str:
    # A page of 50 products asks for the same few pictures: resolve each hashed name once.
    return static(path)


def _images(product: Product, request: HttpRequest, drift: bool) -> list[dict]:
    """Front (featured) and back images; the URLs point at our own static SVGs."""
    front_url = request.build_absolute_uri(_static_url(f"sandbox/img/{product.kind}.svg"))
    back_url = request.build_absolute_uri(_static_url("sandbox/img/back.svg"))
    flag = "default" if drift else "featured"
    front = {
        "id": f"{product.upc}_front",
        "perspective": "front",
        flag: True,
        "sizes": [{"id": f"{product.upc}_{size}", "size": size, "url": front_url} for size in IMAGE_SIZES],
    }
    back = {"perspective": "back", "sizes": [{"size": "medium", "url": back_url}]}
    # Real payloads do not promise the featured image comes first; drift puts it second.
    return [back, front] if drift else [front, back]


def _item(product: Product, location_id: str | None, drift: bool) -> dict:
    item: dict = {
        "itemId": product.upc,
        "favorite": False,
        "size": product.size,
        "soldBy": product.sold_by.lower() if drift else product.sold_by,
    }
    if location_id is None:
        return item
    regular, promo = catalogue.store_price(product, location_id)
    item["price"] = {"regular": _price(regular), "promo": _price(promo)}
    if product.sold_by == "WEIGHT":
        item["price"]["regularPerUnitEstimate"] = _price(regular)
        item["price"]["promoPerUnitEstimate"] = _price(promo)
    fulfillment = catalogue.fulfillment(product, location_id)
    if drift:
        fulfillment = {key.lower(): value for key, value in fulfillment.items()}
    item["fulfillment"] = fulfillment
    level = catalogue.stock_level(product, location_id)
    if level is not None:  # Kroger omits inventory when it does not know
        item["inventory"] = {"stockLevel": level}
    return item


def product_json(
    product: Product, request: HttpRequest, location_id: str | None, *, drift: bool | None = None
) -> dict:
    """One product; price, fulfillment, stock and aisle only when a store was given. `drift`:
    whether drift mode is on, when the caller already asked (once for a whole page)."""
    drift = store.drift() if drift is None else drift
    data: dict = {
        "productId": product.upc,
        "upc": product.upc,
        "productPageURI": f"/p/{_slug(product.description)}/{product.upc}?cid={CID}",
    }
    if location_id is not None:
        data["aisleLocations"] = [catalogue.aisle_location(product, location_id)]
    if product.brand:
        data["brand"] = product.brand
    data.update(
        {
            "categories": list(product.categories),
            "countryOrigin": "UNITED STATES" if not product.is_produce else "UNITED STATES; MEXICO; CHILE",
            "description": product.description,
            "images": _images(product, request, drift),
            "items": [_item(product, location_id, drift)],
            "itemInformation": _dimensions(product),
            "temperature": {"indicator": product.temperature, "heatSensitive": product.section == "snacks"},
        }
    )
    data.update(_allergens(product))
    if product.ingredients:
        statement = {"ingredientStatement": product.ingredients}
        # Kroger sends nutritionInformation as an array for most products and as a bare object
        # for some (kroger-api.md §5.3); about one in four here, fixed per UPC.
        bare = zlib.crc32(f"nutrition|{product.upc}".encode()) % 4 == 0
        data["nutritionInformation"] = statement if bare else [statement]
    return data


def _allergens(product: Product) -> dict:
    """`allergens` and `allergensDescription` as spec v1.3.0 has them; nothing when unknown."""
    if not product.allergens:
        return {}
    by_level: dict[str, list[str]] = {}
    for level, name in product.allergens:
        by_level.setdefault(level, []).append(name)
    described = (f"{level}: {', '.join(names)}." for level, names in by_level.items())
    return {
        "allergens": [{"levelOfContainmentName": level, "name": name} for level, name in product.allergens],
        "allergensDescription": " ".join(described),
    }


def _dimensions(product: Product) -> dict:
    roll = int(product.upc[-4:])
    dimensions = {"depth": str(2 + roll % 5), "height": str(4 + roll % 8), "width": str(2 + roll % 6)}
    # Weighed packs ("~3 lb" value packs) carry their average weight, as Kroger's spec has it;
    # single weighed items ("~1 lb" produce) do not, like many real payloads.
    pounds = product.size.removesuffix(" lb")
    if product.sold_by == "WEIGHT" and pounds != product.size and pounds != "1":
        dimensions["averageWeightPerUnit"] = f"{Decimal(pounds):.2f} [lb_av]"
    return dimensions
