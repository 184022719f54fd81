"""The one units table: what list lines say ("2 lb", "a dozen", "3 cans") and what Kroger's
sizes say ("64 fl oz", "12 pk / 12 fl oz", "6 mega rolls"), in comparable base units.

Hand-written rather than `pint`: groceries need counts, dozens, packages and toilet-paper roll
sizes, which pint doesn't know, and the handful of weights and volumes here are exact.
"""

import re
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Unit:
    """`factor` converts to the dimension's base (oz, fl oz, items); None for package words."""

    dimension: str  # weight, volume, count, package, cooking
    factor: Decimal | None
    aliases: tuple[str, ...]


D = Decimal
UNITS: dict[str, Unit] = {
    "lb": Unit("weight", D(16), ("lb", "lbs", "pound", "pounds", "#")),
    "oz": Unit("weight", D(1), ("oz", "ounce", "ounces")),
    "g": Unit("weight", D("0.035274"), ("g", "gram", "grams")),
    "kg": Unit("weight", D("35.274"), ("kg", "kilo", "kilos", "kilogram", "kilograms")),
    "fl oz": Unit("volume", D(1), ("fl oz", "fl. oz", "fl. oz.", "floz", "fluid ounce", "fluid ounces")),
    "gal": Unit("volume", D(128), ("gal", "gals", "gallon", "gallons")),
    "half gal": Unit("volume", D(64), ("half gallon", "half gallons", "half-gallon", "half-gallons")),
    "qt": Unit("volume", D(32), ("qt", "qts", "quart", "quarts")),
    "pt": Unit("volume", D(16), ("pt", "pint", "pints")),
    "l": Unit("volume", D("33.814"), ("l", "liter", "liters", "litre", "litres")),
    "ml": Unit("volume", D("0.033814"), ("ml", "milliliter", "milliliters")),
    "cup": Unit("volume", D(8), ("cup", "cups", "c")),
    "tbsp": Unit("cooking", None, ("tbsp", "tablespoon", "tablespoons")),
    "tsp": Unit("cooking", None, ("tsp", "teaspoon", "teaspoons")),
    "clove": Unit("cooking", None, ("clove", "cloves")),
    "ct": Unit("count", D(1), ("ct", "count")),
    "dozen": Unit("count", D(12), ("dozen", "doz", "dz")),
    "each": Unit("count", D(1), ("each", "ea", "piece", "pieces", "pc", "pcs")),
    # Packages are what a shopper counts: "two cans black beans" buys two cans.
    "can": Unit("package", None, ("can", "cans", "tin", "tins")),
    "bottle": Unit("package", None, ("bottle", "bottles")),
    "box": Unit("package", None, ("box", "boxes")),
    "bag": Unit("package", None, ("bag", "bags")),
    "jar": Unit("package", None, ("jar", "jars")),
    "carton": Unit("package", None, ("carton", "cartons")),
    "loaf": Unit("package", None, ("loaf", "loaves")),
    "bunch": Unit("package", None, ("bunch", "bunches")),
    "pack": Unit("package", None, ("pack", "packs", "pk", "pkg", "pkgs", "package", "packages", "packet")),
    "head": Unit("package", None, ("head", "heads")),
    "stick": Unit("package", None, ("stick", "sticks")),
    "roll": Unit("package", None, ("roll", "rolls")),
    "container": Unit("package", None, ("container", "containers", "tub", "tubs")),
    "block": Unit("package", None, ("block", "blocks")),
}
# Toilet paper and paper towels count in "regular roll" equivalents, as the packs print them.
ROLL_SIZES = {"": D(1), "regular": D(1), "double": D(2), "triple": D(3), "family": D(2), "mega": D(4),
              "super mega": D(6), "family mega": D(5), "huge": D(3), "big": D(2), "giant": D(3)}  # fmt: skip
ALIASES = {alias: name for name, unit in UNITS.items() for alias in unit.aliases}
PACKAGE_UNITS = frozenset(name for name, unit in UNITS.items() if unit.dimension == "package")

_ROLLS = "|".join(sorted((r for r in ROLL_SIZES if r), key=len, reverse=True))
_SIZE_UNITS = (
    r"fl\.? ?oz|oz|lbs?|pounds?|gal(?:lon)?s?|qt|quarts?|pt|pints?|l|liters?|ml|g|kg|ct|count|dozen|doz|dz"
    r"|each|ea|pk|pack"
)
_ROLL_SIZE = re.compile(rf"(\d+)\s*(?:({_ROLLS})\s+)?rolls?\b|(\d+)\s*(?:({_ROLLS})\s+)?(?:roll\s+)?ct\b")
_SIZE = re.compile(
    rf"(?:(\d+(?:\.\d+)?)\s*(?:pk|pack|ct|count)\s*[/x×]\s*)?(?<![\d./])(\d+/\d+|\d+(?:\.\d+)?|half)\s*"
    rf"({_SIZE_UNITS})\b",
    re.IGNORECASE,
)


def measure(size: str) -> tuple[Decimal, str] | None:
    """A product size in base units: "64 fl oz" -> (64, "volume"); "12 pk / 12 fl oz" -> (144,
    "volume"); "6 mega rolls" -> (24, "count"); None when it names no amount ("each", "family pack")."""
    text = size.lower()
    if rolls := _ROLL_SIZE.search(text):
        count, kind = (rolls.group(1), rolls.group(2)) if rolls.group(1) else (rolls.group(3), rolls.group(4))
        if rolls.group(1) or rolls.group(4):
            return D(count) * ROLL_SIZES[kind or ""], "count"
    match = _SIZE.search(text)
    if not match:
        return None
    packs, number, unit = match.groups()
    unit = ALIASES.get(re.sub(r"\.", "", unit).replace("floz", "fl oz"), "")
    if not unit or UNITS[unit].factor is None:
        return None
    if number == "half":
        amount = D("0.5")
    elif "/" in number:
        top, bottom = number.split("/")
        amount = D(top) / D(bottom) if int(bottom) else D(0)
    else:
        amount = D(number)
    total = amount * UNITS[unit].factor * (D(packs) if packs else 1)
    return (total, UNITS[unit].dimension) if total > 0 else None


_PACK_COUNT = re.compile(r"(\d+)\s*(?:ct|pk|pack|count)\b", re.IGNORECASE)


def pack_count(size: str) -> Decimal | None:
    """How many items a multipack holds: "12 ct / 12 fl oz" -> 12; None when it doesn't say."""
    match = _PACK_COUNT.search(size)
    return Decimal(match[1]) if match else None


def requested_measure(amount: Decimal | None, unit: str) -> tuple[Decimal, str] | None:
    """The size a list line asked for ("1 gal milk" -> 128 fl oz), if its unit is a measure."""
    if amount is None or unit not in UNITS or unit == "each":
        return None
    found = UNITS[unit]
    if found.factor is None or found.dimension not in ("weight", "volume", "count"):
        return None
    return amount * found.factor, found.dimension
