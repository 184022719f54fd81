"""Tolerant accessors for Kroger JSON: wrong types become empty, key case is ignored.

Kroger's real responses drift from its specs (kroger-api.md §9 item 3); `kroger.schemas`
reads every field through these so one odd value never breaks a whole page.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

KROGER_WEB = "https://www.kroger.com"
CENT = Decimal("0.01")


def mapping_of(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def list_of(value: Any) -> list:
    return value if isinstance(value, list) else []


def text(value: Any, default: str = "") -> str:
    if isinstance(value, str):  # nearly always: ~20 fields of every product of every search
        return value.strip()
    if value is None or isinstance(value, dict | list):
        return default
    return str(value).strip()


def get_ci(mapping: dict, key: str, default: Any = None) -> Any:
    """mapping[key], ignoring key case (Kroger spells some keys both ways)."""
    if key in mapping:
        return mapping[key]
    lowered = key.lower()
    for k, v in mapping.items():
        if isinstance(k, str) and k.lower() == lowered:
            return v
    return default


def flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "yes", "1")
    return bool(value)


def money(value: Any) -> Decimal | None:
    """A price as Decimal cents; None when absent, unparseable or not positive."""
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return None
    return amount if amount > 0 else None


def number(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def featured_image(images: list) -> dict:
    """The primary image: `featured` (real payloads) or `default` (spec), else front, else first."""
    candidates = [image for image in images if isinstance(image, dict)]
    for image in candidates:
        if flag(image.get("featured")) or flag(image.get("default")):
            return image
    for image in candidates:
        if text(image.get("perspective")).lower() == "front":
            return image
    return candidates[0] if candidates else {}


def image_sizes(image: dict) -> dict[str, str]:
    sizes = {}
    for entry in list_of(image.get("sizes")):
        entry = mapping_of(entry)
        size, url = text(entry.get("size")).lower(), text(entry.get("url"))
        if size and url:
            sizes.setdefault(size, url)
    return sizes


def aisle_description(aisle_locations: list) -> str | None:
    for location in aisle_locations:
        location = mapping_of(location)
        description = text(location.get("description"))
        if description:
            # Sparse real entries shout ("PRODUCE"); spec examples say "Aisle 35".
            return description.title() if description.isupper() else description
        aisle_number = text(location.get("number"))
        if aisle_number and aisle_number != "0":
            return f"Aisle {aisle_number}"
    return None


def page_url_of(uri: Any) -> str | None:
    # productPageURI is relative (and carries a tracking cid); kroger-api.md §9 item 20.
    uri = text(uri)
    if not uri:
        return None
    return uri if uri.startswith(("http://", "https://")) else KROGER_WEB + "/" + uri.lstrip("/")


def clock_time(value: Any) -> str | None:
    """An opening time as "HH:MM"; the spec sometimes types it as minutes after midnight (1380)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        minutes = int(value)
        return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"
    return text(value) or None
