"""The sandbox catalogue: products expanded from data/catalogue.txt, word search, store facts.

A product line may carry two more fields after its extra search words (kroger-api.md §5.3):
allergens as `Contains: Milk, Wheat; May contain: Tree Nuts` (levels Contains, May contain,
Free from) and the ingredient statement as free text. Neither is searched. data/stock.txt
pins a product's stock level at one store (or `*`, every store) over the rolled one.

Everything is deterministic (crc32 of store and UPC, never `hash()` or random), so a test
sees the same prices, promotions and stock on every run and in every process.
"""

import re
import zlib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
STORE_BRANDS = ("Kroger", "Simple Truth", "Simple Truth Organic", "Private Selection", "Home Sense")
STORE_BRAND_PREFIX = "00011110"
_WORD = re.compile(r"[a-z0-9]+(?:['%-][a-z0-9]+)*%?")
# Words too common to rank on ("Kroger® Milk" should not match every Kroger product).
_STOPWORDS = {"and", "the", "of", "with", "in", "a", "on", "n"}
# Kroger's levelOfContainmentName values, keyed by how catalogue.txt may spell them.
ALLERGEN_LEVELS = {"contains": "Contains", "may contain": "May contain", "free from": "Free from"}
STOCK_LEVELS = ("HIGH", "LOW", "TEMPORARILY_OUT_OF_STOCK")


@dataclass(frozen=True)
class Product:
    upc: str
    brand: str
    description: str
    size: str
    sold_by: str
    regular_price: Decimal
    categories: tuple[str, ...]
    temperature: str
    aisle_description: str
    aisle_number: str
    kind: str
    popularity: int
    words: frozenset[str]
    kind_words: frozenset[str]
    section: str
    position: int  # order in catalogue.txt: the tie-breaker, so the main size comes first
    allergens: tuple[tuple[str, str], ...] = ()  # (level, name), e.g. ("May contain", "Peanuts")
    ingredients: str = ""

    @property
    def is_produce(self) -> bool:
        return self.section == "produce"


def normalize_word(word: str) -> str:
    """Lower-case and singularise, so "tomatoes" finds "Tomato" and "eggs" finds "Egg"."""
    word = word.lower().strip("'")
    if len(word) > 4 and word.endswith("oes"):
        return word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "'s")):
        return word[:-1]
    return word


def split_words(text: str) -> list[str]:
    """The normalised search words of a text (hyphenated words count whole and by parts)."""
    words: list[str] = []
    for raw in _WORD.findall(text.lower().replace("®", " ")):
        words.append(normalize_word(raw))
        if "-" in raw:
            words.extend(normalize_word(part) for part in raw.split("-"))
    return [word for word in words if word not in _STOPWORDS]


def _maker_prefix(brand: str) -> str:
    """A stable 5-digit manufacturer code per national brand (UPC-A style)."""
    code = 20000 + zlib.crc32(brand.encode()) % 70000
    return f"000{code:05d}"


def _parse_sizes(text: str) -> list[tuple[str, str, Decimal, str | None]]:
    sizes = []
    for chunk in text.split(";"):
        size, _, price = chunk.strip().rpartition("@")
        price, _, upc = price.partition("=")
        sold_by = "WEIGHT" if size.startswith("~") else "UNIT"
        sizes.append((size.lstrip("~").strip(), sold_by, Decimal(price.strip()), upc.strip() or None))
    return sizes


def _parse_section(fields: list[str]) -> dict:
    key, categories, temperature, aisle, number = fields
    return {
        "section": key,
        "categories": tuple(c.strip() for c in categories.split(";")),
        "temperature": temperature,
        "aisle_description": aisle,
        "aisle_number": number,
    }


def parse_allergens(text: str) -> tuple[tuple[str, str], ...]:
    """ "Contains: Milk, Wheat; May contain: Peanuts" -> (("Contains", "Milk"), ...); "" -> ().

    Raises ValueError for a group without a level or with an unknown one, so a typo in
    catalogue.txt fails loudly instead of quietly serving no allergens.
    """
    allergens: list[tuple[str, str]] = []
    for group in filter(None, (part.strip() for part in text.split(";"))):
        level, colon, names = group.partition(":")
        canonical = ALLERGEN_LEVELS.get(" ".join(level.lower().split()))
        if not colon or canonical is None:
            raise ValueError(f"allergen group {group!r} needs one of Contains:, May contain:, Free from:")
        allergens.extend((canonical, name.strip()) for name in names.split(",") if name.strip())
    return tuple(allergens)


def _expand(fields: list[str], section: dict, counters: dict[str, int], position: int) -> list[Product]:
    """One catalogue line -> one product per size, numbering UPCs per brand prefix."""
    if not 5 <= len(fields) <= 8:
        raise ValueError(f"a product line has 5 to 8 fields, not {len(fields)}: {' | '.join(fields)}")
    kind, brand, description, sizes, popularity, *optional = fields
    extra, allergens, ingredients = (*optional, "", "", "")[:3]
    categories = section["categories"]
    if "organic" in description.lower():
        categories = (*categories, "Natural & Organic")
    # Only the extra words are searched: allergens and ingredients would make "milk" find
    # everything that contains milk.
    words = frozenset(split_words(f"{description} {brand} {' '.join(categories)} {extra}"))
    try:
        allergen_pairs = parse_allergens(allergens)
    except ValueError as exc:
        raise ValueError(f"{exc} (catalogue.txt: {description})") from None
    products = []
    for size, sold_by, price, upc in _parse_sizes(sizes):
        if upc is None:
            prefix = STORE_BRAND_PREFIX if brand in STORE_BRANDS else _maker_prefix(brand)
            counters[prefix] = counters.get(prefix, 0) + 1
            upc = f"{prefix}{40000 + counters[prefix] * 3:05d}"
        products.append(
            Product(
                upc=upc,
                brand=brand,
                description=description,
                size=size,
                sold_by=sold_by,
                regular_price=price,
                categories=categories,
                temperature=section["temperature"],
                aisle_description=section["aisle_description"],
                aisle_number=section["aisle_number"],
                kind=kind,
                popularity=int(popularity),
                words=words,
                kind_words=frozenset(split_words(kind)),
                section=section["section"],
                position=position + len(products),
                allergens=allergen_pairs,
                ingredients=ingredients,
            )
        )
    return products


@cache
def all_products() -> tuple[Product, ...]:
    """Every product in catalogue order (parsed once per process)."""
    products: list[Product] = []
    counters: dict[str, int] = {}
    section: dict = {}
    for line in (DATA_DIR / "catalogue.txt").read_text().splitlines():
        if not line.strip() or (line.startswith("#") and not line.startswith("## ")):
            continue
        fields = [part.strip() for part in line.lstrip("#").split("|")]
        if line.startswith("## "):
            section = _parse_section(fields)
        else:
            products.extend(_expand(fields, section, counters, len(products)))
    if len({product.upc for product in products}) != len(products):
        raise ValueError("catalogue.txt gives two products the same UPC")
    return tuple(products)


@cache
def products_by_upc() -> dict[str, Product]:
    """Products keyed by their 13-digit UPC."""
    return {product.upc: product for product in all_products()}


def search(
    *,
    term: str | None = None,
    brands: list[str] | None = None,
    product_ids: list[str] | None = None,
) -> list[Product]:
    """Products matching every given filter, best first.

    Ranking (stable, so tests can rely on it): how many term words matched, how many of
    them name the product's kind ("milk" → milks before milk chocolate), whether the term's
    last word does ("cheese pizza" → pizzas before cheeses, as a relevance search would),
    whether the whole phrase is in the description, popularity, then catalogue order.
    """
    if product_ids is not None:
        by_upc = products_by_upc()
        found = [by_upc[upc] for upc in dict.fromkeys(product_ids) if upc in by_upc]
    else:
        found = list(all_products())
    if brands is not None:
        found = [product for product in found if product.brand in brands]
    if not term:
        return found
    term_words = list(dict.fromkeys(split_words(term)))
    phrase = " ".join(split_words(term))
    scored = []
    for product in found:
        matched = sum(1 for word in term_words if word in product.words)
        if not matched:
            continue
        kind_hits = sum(1 for word in term_words if word in product.kind_words)
        head_hit = term_words[-1] in product.kind_words
        in_phrase = phrase in " ".join(split_words(product.description))
        key = (-matched, -kind_hits, -int(head_hit), -int(in_phrase), -product.popularity, product.position)
        scored.append((key, product))
    scored.sort(key=lambda pair: pair[0])
    return [product for _, product in scored]


# --- Per-store facts ----------------------------------------------------------------------


def _roll(*parts: str) -> int:
    return zlib.crc32("|".join(parts).encode())


def _to_price(value: Decimal) -> Decimal:
    """Round to a shelf price ending in 9 cents (x.x9)."""
    cents = int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    cents = max(19, cents - cents % 10 + 9)
    return Decimal(cents) / 100


@cache
def pinned_stock() -> dict[tuple[str, str], str]:
    """data/stock.txt as {(upc, location_id or "*"): stock level}; empty when the file is absent.

    Raises ValueError naming the line for an unknown product, a bad store ID or level.
    """
    path = DATA_DIR / "stock.txt"
    if not path.exists():
        return {}
    pinned: dict[tuple[str, str], str] = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [part.strip() for part in line.split("|")]
        if len(fields) != 3:
            raise ValueError(f"stock.txt line {number}: want UPC | location_id or * | level: {line!r}")
        upc, location_id, level = fields[0], fields[1], fields[2].upper()
        if upc not in products_by_upc():
            raise ValueError(f"stock.txt line {number}: no product {upc!r} in catalogue.txt")
        if location_id != "*" and len(location_id) != 8:
            raise ValueError(f"stock.txt line {number}: a location ID has 8 characters: {location_id!r}")
        if level not in STOCK_LEVELS:
            raise ValueError(f"stock.txt line {number}: level must be one of {', '.join(STOCK_LEVELS)}")
        pinned[upc, location_id] = level
    return pinned


def _pinned_level(product: Product, location_id: str) -> str | None:
    pinned = pinned_stock()
    return pinned.get((product.upc, location_id)) or pinned.get((product.upc, "*"))


def is_carried(product: Product, location_id: str) -> bool:
    """Popular staples are everywhere; a few niche items are missing at some stores.

    A product with a pinned stock level at the store is carried there: the pin was written
    to make that store's shelf say something, which it cannot if the product is missing.
    """
    if _pinned_level(product, location_id) is not None:
        return True
    return product.popularity >= 7 or _roll("carried", location_id, product.upc) % 9 != 0


def store_price(product: Product, location_id: str) -> tuple[Decimal, Decimal]:
    """(regular, promo) at a store; promo is 0 when the item is not on sale (as Kroger sends)."""
    store_factor = Decimal(94 + _roll("store", location_id) % 14) / 100
    item_factor = Decimal(97 + _roll("item", location_id, product.upc) % 7) / 100
    regular = _to_price(product.regular_price * store_factor * item_factor)
    promo = Decimal(0)
    if _roll("promo", location_id, product.upc) % 6 == 0:
        promo = min(_to_price(regular * Decimal("0.8")), regular - Decimal("0.10"))
    return regular, promo


def stock_level(product: Product, location_id: str) -> str | None:
    """The pinned level (data/stock.txt) if any; else HIGH mostly, some LOW or
    TEMPORARILY_OUT_OF_STOCK, and None (omitted) when "unknown"."""
    pinned = _pinned_level(product, location_id)
    if pinned is not None:
        return pinned
    roll = _roll("stock", location_id, product.upc) % 20
    if roll == 0:
        return "TEMPORARILY_OUT_OF_STOCK"
    if roll in (1, 2, 3):
        return "LOW"
    if roll == 4:
        return None
    return "HIGH"


def fulfillment(product: Product, location_id: str) -> dict[str, bool]:
    """Which ways the store sells the item; only shelf-stable goods ship to home."""
    ships = product.temperature == "Ambient" and not product.is_produce and product.section != "bakery"
    return {
        "curbside": True,
        "delivery": _roll("delivery", location_id, product.upc) % 8 != 0,
        "inStore": True,
        "shipToHome": ships and _roll("ship", product.upc) % 3 == 0,
    }


def aisle_location(product: Product, location_id: str) -> dict[str, str]:
    """Where the item sits in this store (sparse for produce, as in real payloads)."""
    if product.aisle_number == "0" or not product.aisle_description.startswith("Aisle"):
        return {"description": product.aisle_description, "number": product.aisle_number}
    number = str(int(product.aisle_number) + _roll("aisle", location_id) % 4)
    roll = _roll("bay", location_id, product.upc)
    return {
        "bayNumber": str(1 + roll % 20),
        "description": f"Aisle {number}",
        "number": number,
        "numberOfFacings": str(1 + roll % 5),
        "sequenceNumber": str(1 + roll % 9),
        "side": "L" if roll % 2 else "R",
        "shelfNumber": str(1 + roll % 6),
        "shelfPositionInBay": str(1 + roll % 4),
    }
