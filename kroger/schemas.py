"""Typed results of the Kroger Public API, parsed at the edge with `from_api()`.

Parsing is deliberately tolerant of the drift between Kroger's specs and its real
responses (kroger-api.md §5.3, §6.1, §9 item 3): key case (`inStore`/`instore`,
`open24`/`Open24`), `featured`/`default` images, `soldBy` case, missing brand, duplicate
categories, sparse aisle locations, missing price/inventory without a store, `promo: 0`,
`nutritionInformation` as an object or an array.
A payload that is not even the right shape raises `PayloadError`; the client turns that
into `KrogerUnavailable`. No Django in here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .parsing import (
    aisle_description,
    clock_time,
    featured_image,
    flag,
    get_ci,
    image_sizes,
    list_of,
    mapping_of,
    money,
    number,
    page_url_of,
    text,
)

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
IMAGE_SIZES = ("medium", "large", "small", "xlarge", "thumbnail")
FULFILLMENT_KEYS = {
    "curbside": "curbside",
    "delivery": "delivery",
    "instore": "in_store",
    "shiptohome": "ship_to_home",
}


class PayloadError(ValueError):
    """A Kroger payload we cannot make sense of (missing ids, wrong types)."""


# --- Products -----------------------------------------------------------------------------

ALLERGEN_LEVELS = {"contains": "contains", "may contain": "may_contain", "free from": "free_from"}


@dataclass(frozen=True)
class Allergen:
    """One allergen line: `level` is "contains", "may_contain" or "free_from" (others: snake_case)."""

    name: str
    level: str


def allergen_level(value: Any) -> str:
    """Kroger's levelOfContainmentName as our level word ("May Contain" -> "may_contain")."""
    words = " ".join(text(value).replace("_", " ").replace("-", " ").lower().split())
    return ALLERGEN_LEVELS.get(words, words.replace(" ", "_"))


def _allergens(value: Any) -> tuple[Allergen, ...]:
    found = []
    for entry in list_of(value):
        entry = mapping_of(entry)
        name = text(entry.get("name"))
        if name:
            level = allergen_level(get_ci(entry, "levelOfContainmentName"))
            found.append(Allergen(name=name, level=level))
    return tuple(dict.fromkeys(found))  # in Kroger's order, repeats dropped


def _ingredients(value: Any) -> str:
    """The first ingredient statement in nutritionInformation, which is an object or an array."""
    for entry in [value] if isinstance(value, dict) else list_of(value):
        statement = mapping_of(entry).get("ingredientStatement")
        if isinstance(statement, str) and statement.strip():
            return statement.strip()
    return ""


def average_weight_of(information: dict) -> Decimal | None:
    """ "8.62 [lb_av]" (itemInformation.averageWeightPerUnit) -> Decimal("8.62"); None otherwise."""
    match = re.match(r"\s*(\d+(?:\.\d+)?)\s*\[?\s*(lb|oz)", text(information.get("averageWeightPerUnit")))
    if not match:
        return None
    pounds = Decimal(match.group(1)) / (16 if match.group(2) == "oz" else 1)
    return pounds.quantize(Decimal("0.01")) if pounds > 0 else None


@dataclass(frozen=True)
class Product:
    """One Kroger product; store-only fields (price, stock, aisle...) are None without a store."""

    product_id: str
    upc: str
    description: str
    brand: str = ""
    size: str = ""
    sold_by: str = "UNIT"
    # Kroger's average weight of one unit, in lb, for products sold by weight (when it says).
    average_weight: Decimal | None = None
    categories: tuple[str, ...] = ()
    images: dict[str, str] = field(default_factory=dict)
    regular_price: Decimal | None = None
    promo_price: Decimal | None = None
    stock_level: str | None = None
    # Empty when Kroger sent no fulfillment block (no store given): unknown, not "no".
    fulfillment: dict[str, bool] = field(default_factory=dict)
    aisle: str | None = None
    temperature: str | None = None
    page_url: str | None = None
    # Empty when Kroger sent no allergen data: unknown, not "free of everything".
    allergens: tuple[Allergen, ...] = ()
    allergens_description: str = ""
    ingredients: str = ""

    @classmethod
    def from_api(cls, data: Any) -> Product:
        """Parse one element of a products response's `data`."""
        if not isinstance(data, dict):
            raise PayloadError("product is not an object")
        items = [item for item in list_of(data.get("items")) if isinstance(item, dict)]
        item = items[0] if items else {}
        product_id = text(data.get("productId")) or text(data.get("upc")) or text(item.get("itemId"))
        if not product_id:
            raise PayloadError("product has no productId")
        price = mapping_of(item.get("price"))
        fulfillment = mapping_of(item.get("fulfillment"))
        categories = tuple(
            dict.fromkeys(c.strip() for c in list_of(data.get("categories")) if isinstance(c, str))
        )
        stock = text(mapping_of(item.get("inventory")).get("stockLevel")).upper()
        regular, promo = money(price.get("regular")), money(price.get("promo"))
        return cls(
            product_id=product_id,
            upc=text(data.get("upc")) or product_id,
            description=text(data.get("description")),
            brand=text(data.get("brand")),
            size=text(item.get("size")),
            sold_by=(text(item.get("soldBy")) or "UNIT").upper(),
            average_weight=average_weight_of(mapping_of(data.get("itemInformation"))),
            categories=tuple(c for c in categories if c),
            images=image_sizes(featured_image(list_of(data.get("images")))),
            regular_price=regular,
            promo_price=promo,
            stock_level=stock or None,
            fulfillment={
                ours: flag(get_ci(fulfillment, theirs, False)) for theirs, ours in FULFILLMENT_KEYS.items()
            }
            if fulfillment
            else {},
            aisle=aisle_description(list_of(data.get("aisleLocations"))),
            temperature=text(mapping_of(data.get("temperature")).get("indicator")) or None,
            page_url=page_url_of(data.get("productPageURI")),
            allergens=_allergens(data.get("allergens")),
            allergens_description=text(data.get("allergensDescription")),
            ingredients=_ingredients(data.get("nutritionInformation")),
        )

    @property
    def on_sale(self) -> bool:
        """Kroger sends promo 0 when there is no sale, so only 0 < promo < regular counts."""
        return bool(self.regular_price and self.promo_price and 0 < self.promo_price < self.regular_price)

    @property
    def price(self) -> Decimal | None:
        """What the shopper pays: the promo price when on sale, else the regular price."""
        if self.on_sale:
            return self.promo_price
        return self.regular_price or self.promo_price

    @property
    def in_stock(self) -> bool | None:
        """False when Kroger says temporarily out of stock; None when it does not say."""
        if self.stock_level is None:
            return None
        return self.stock_level != "TEMPORARILY_OUT_OF_STOCK"

    def image_url(self, size: str = "medium") -> str | None:
        """URL of the primary image at `size`, falling back to any other size."""
        if size in self.images:
            return self.images[size]
        for other in IMAGE_SIZES:
            if other in self.images:
                return self.images[other]
        return next(iter(self.images.values()), None)


@dataclass(frozen=True)
class ProductPage:
    """One page of a product search."""

    products: tuple[Product, ...]
    total: int
    start: int
    limit: int

    @classmethod
    def from_api(cls, body: Any, *, start: int = 0, limit: int = 10) -> ProductPage:
        """Parse a whole `/v1/products` response (`data` list plus `meta.pagination`)."""
        data = mapping_of(body).get("data")
        if not isinstance(data, list):
            raise PayloadError("products response has no data list")
        products = []
        for item in data:
            try:
                products.append(Product.from_api(item))
            except PayloadError:
                continue  # one odd product should not hide the rest of the page
        pagination = mapping_of(mapping_of(mapping_of(body).get("meta")).get("pagination"))

        def number(key: str, default: int) -> int:
            try:
                return int(pagination.get(key, default))
            except (TypeError, ValueError):
                return default

        return cls(
            products=tuple(products),
            total=max(number("total", len(products)), len(products)),
            start=number("start", start),
            limit=number("limit", limit),
        )


def page_limited(body: dict, limit: int) -> dict:
    """A `/v1/products` body whose `meta.pagination.limit` says `limit` (the page size we asked for)."""
    meta = mapping_of(body.get("meta"))
    return {**body, "meta": {**meta, "pagination": {**mapping_of(meta.get("pagination")), "limit": limit}}}


# --- Locations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayHours:
    open: str | None = None
    close: str | None = None
    open24: bool = False

    @classmethod
    def from_api(cls, data: Any) -> DayHours:
        data = mapping_of(data)
        return cls(
            open=clock_time(data.get("open")),
            close=clock_time(data.get("close")),
            open24=flag(get_ci(data, "open24", False)),
        )


@dataclass(frozen=True)
class Department:
    department_id: str
    name: str


@dataclass(frozen=True)
class Location:
    """One Kroger-family store."""

    location_id: str
    chain: str = ""
    name: str = ""
    phone: str = ""
    address_line1: str = ""
    city: str = ""
    state: str = ""
    zip_code: str = ""
    latitude: float | None = None
    longitude: float | None = None
    hours: dict[str, DayHours] = field(default_factory=dict)
    open24: bool = False
    departments: tuple[Department, ...] = ()
    timezone: str = ""

    @classmethod
    def from_api(cls, data: Any) -> Location:
        """Parse one location object (`data` of `/v1/locations/{id}` or an element of a search)."""
        if not isinstance(data, dict):
            raise PayloadError("location is not an object")
        location_id = text(data.get("locationId"))
        if not location_id:
            raise PayloadError("location has no locationId")
        address = mapping_of(data.get("address"))
        geo = mapping_of(data.get("geolocation"))
        hours = mapping_of(data.get("hours"))
        departments = []
        for department in list_of(data.get("departments")):
            department = mapping_of(department)
            if text(department.get("departmentId")):
                departments.append(
                    Department(text(department.get("departmentId")), text(department.get("name")))
                )
        return cls(
            location_id=location_id,
            chain=text(data.get("chain")).upper(),
            name=text(data.get("name")),
            phone=text(data.get("phone")),
            address_line1=text(address.get("addressLine1")),
            city=text(address.get("city")),
            state=text(address.get("state")),
            zip_code=text(address.get("zipCode")),
            latitude=number(geo.get("latitude")),
            longitude=number(geo.get("longitude")),
            hours={
                day: DayHours.from_api(get_ci(hours, day)) for day in DAYS if get_ci(hours, day) is not None
            },
            open24=flag(get_ci(hours, "open24", False)),
            departments=tuple(departments),
            timezone=text(hours.get("timezone")),
        )

    @property
    def address(self) -> str:
        """One line, e.g. "1 Main St, Cincinnati, OH 45202"."""
        region = " ".join(part for part in (self.state, self.zip_code) if part)
        return ", ".join(part for part in (self.address_line1, self.city, region) if part)


# --- Identity, cart, tokens ---------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    id: str

    @classmethod
    def from_api(cls, data: Any) -> Profile:
        """Parse `data` of `/v1/identity/profile` (public tier: the id only)."""
        profile_id = text(mapping_of(data).get("id"))
        if not profile_id:
            raise PayloadError("profile has no id")
        return cls(id=profile_id)


@dataclass(frozen=True)
class CartItem:
    upc: str
    quantity: int = 1
    modality: str = "PICKUP"

    def to_api(self) -> dict[str, Any]:
        """The item as Kroger's cart add expects it (modality inside each item, §7.1)."""
        return {"upc": self.upc, "quantity": int(self.quantity), "modality": self.modality.upper()}


@dataclass(frozen=True)
class TokenGrant:
    access_token: str
    token_type: str = "bearer"
    expires_in: int = 1800
    refresh_token: str | None = None
    scope: str | None = None

    @classmethod
    def from_api(cls, data: Any) -> TokenGrant:
        """Parse a token endpoint response."""
        data = mapping_of(data)
        access_token = text(data.get("access_token"))
        if not access_token:
            raise PayloadError("token response has no access_token")
        try:
            expires_in = int(data.get("expires_in", 1800))
        except (TypeError, ValueError):
            expires_in = 1800
        return cls(
            access_token=access_token,
            token_type=text(data.get("token_type"), "bearer") or "bearer",
            expires_in=expires_in,
            refresh_token=text(data.get("refresh_token")) or None,
            scope=text(data.get("scope")) or None,
        )

    def __repr__(self) -> str:
        # Never let a token reach a log line or a traceback through repr().
        return (
            f"TokenGrant(token_type={self.token_type!r}, expires_in={self.expires_in}, scope={self.scope!r})"
        )
