"""Pasted shopping lists: split into lines, parse each line, and clean its Kroger search term.

"2 lb ground beef" -> amount 2, unit "lb", item "ground beef", buy 1, term "ground beef".
Kroger's `filter.term` wants 3+ characters, at most 8 words and no odd symbols, and its fuzzy
search gets worse with every extra word (kroger-api.md §9 items 7-8), so the term keeps only
what names the product: no amounts, preparation words or parenthetical notes.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from shopping import units
from shopping.lexicon import SHORTHAND
from shopping.text import fold_accents, is_mark

MAX_LINES = 100
MAX_LIST_TEXT = 10_000  # characters of pasted text, on the page and in the API
MAX_QUANTITY = 99
MIN_TERM_LENGTH = 3
MAX_TERM_WORDS = 8

NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple": 2, "a couple of": 2,
    "couple": 2, "a few": 3, "few": 3, "half a": Decimal("0.5"), "half": Decimal("0.5"),
}  # fmt: skip
FRACTIONS = {"½": "1/2", "¼": "1/4", "¾": "3/4", "⅓": "1/3", "⅔": "2/3", "⅛": "1/8"}

# Measures describe how much of the product (the shopper buys one package of about that size);
# packages, dozens and "each" are what the shopper counts ("two cans black beans" buys two).
PACKAGE_UNITS = units.PACKAGE_UNITS | {"dozen", "each"}
UNIT_ALIASES = units.ALIASES
# Things bought in cartons or packs even when the list counts them: "12 eggs" is one carton.
COUNTED_IN_PACKS = {
    "egg",
    "eggs",
    "tortilla",
    "tortillas",
    "bagel",
    "bagels",
    "bun",
    "buns",
    "hot dog",
    "hot dogs",
}

PREPARATION_WORDS = {
    "chopped", "diced", "sliced", "minced", "grated", "shredded", "crushed", "peeled", "cubed", "julienned",
    "halved", "quartered", "trimmed", "rinsed", "drained", "softened", "melted", "beaten", "divided",
    "packed", "sifted", "toasted", "cooked", "uncooked", "room temperature", "finely", "roughly", "coarsely",
    "thinly", "freshly", "fresh", "ripe", "large", "medium", "small", "good", "quality", "optional",
    "to taste", "for serving", "for garnish", "as needed", "more or less", "approximately", "about",
    "approx", "some", "extra", "please", "pls",
}  # fmt: skip
# Forms that name a product on the shelf ("diced tomatoes", "shredded cheddar", "ground beef"):
# before the item's name they stay in the term and narrow the match; after a comma
# ("2 onions, diced") they are the cook's preparation and are dropped with it.
PRODUCT_FORMS = {"diced", "shredded", "sliced", "crushed", "grated", "minced", "ground"}
EGG_GRADES = {"large", "medium", "small", "jumbo", "extra"}
# Kroger's fuzzy search trips on these; keep letters, digits, spaces, hyphens, apostrophes and %.
UNSAFE_CHARACTERS = re.compile(r"[^a-z0-9 %'\-]")
NOT_HEAD_NOUNS = {"leaves", "leaf", "pack", "bag", "box", "bunch", "jar", "can", "bottle", "container"}

BULLET = re.compile(r"^\s*(?:[-*+•·▪◦‣>]|\[[ xX]?\]|\d{1,2}[.)](?=\s)|\(\d{1,2}\))\s*")
CHECKBOX = re.compile(r"^\s*\[[ xX]?\]\s*")
MULTIPLIER_AFTER = re.compile(r"\s*(?:[x×*]\s*(\d{1,2})|\((?:[x×]\s*)?(\d{1,2})\))\s*$", re.IGNORECASE)
MULTIPLIER_BEFORE = re.compile(r"^\s*(\d{1,2})\s*[x×]\s+", re.IGNORECASE)
NUMBER = r"(?:\d+\s+\d+/\d+|\d+/\d+|\d+(?:[.,]\d+)?)"
AMOUNT_BEFORE = re.compile(rf"^\s*({NUMBER})(?![\d%/.,])(?:\s*-\s*{NUMBER})?\s*", re.IGNORECASE)
PACK_SIZE = re.compile(r"^\s*(\d{1,3})\s*-?\s*(?:pack|pk|ct|count)(?![a-z])\s*(?:of\s+)?", re.IGNORECASE)
# "12 double rolls", "paper towels 6 mega rolls": one pack of that many regular-roll equivalents.
_ROLL_KINDS = "|".join(sorted((r for r in units.ROLL_SIZES if r), key=len, reverse=True))
ROLL_COUNT = re.compile(
    rf"(?:^|\s)(\d{{1,3}})\s*(?:({_ROLL_KINDS})\s+)?"
    r"rolls?\b(?:\s+of\b)?",
    re.IGNORECASE,
)
PARENTHESES = re.compile(r"\([^)]*\)|\[[^\]]*\]")


@dataclass(frozen=True)
class ParsedLine:
    """One list line: how much, of what, how many to buy, and the term to search for."""

    raw_text: str
    item: str
    term: str
    quantity: int = 1
    amount: Decimal | None = None
    unit: str = ""


def split_list_text(text: str, limit: int | None = MAX_LINES) -> list[str]:
    """The lines of a pasted list: one item per line, or comma-separated (commas inside () stay);
    at most `limit` of them (None: all)."""
    lines: list[str] = []
    for line in text.replace("\r", "\n").split("\n"):
        line = line.strip()
        if not line or _is_heading(line):
            continue
        for index, part in enumerate(_split_commas(line)):
            # "onions, diced": a part that is only preparation words belongs to the item before it.
            if index and lines and _only_preparation(part):
                lines[-1] = f"{lines[-1]}, {part}"
            else:
                lines.append(part)
    return lines if limit is None else lines[:limit]


def _only_preparation(part: str) -> bool:
    words = re.sub(r"[^a-z ]", " ", part.lower()).split()
    return bool(words) and all(w in PREPARATION_WORDS or w in ("and", "then", "into", "in") for w in words)


def _is_heading(line: str) -> bool:
    # Markdown headings and "Produce:" style section labels are not things to buy.
    return line.startswith("#") or (line.endswith(":") and len(line.split()) <= 3)


def _split_commas(line: str) -> list[str]:
    parts, depth, current = [], 0, []
    for index, char in enumerate(line):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        is_decimal_comma = index and line[index - 1].isdigit() and line[index + 1 : index + 2].isdigit()
        if char in ",;" and depth == 0 and not is_decimal_comma:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def parse_line(raw_text: str) -> ParsedLine | None:
    """Parse one line ("2 lb ground beef", "eggs x2", "a dozen eggs"); None when nothing is left."""
    raw = " ".join(raw_text.split())[:300]
    text = CHECKBOX.sub("", BULLET.sub("", raw))
    text = CHECKBOX.sub("", text)
    for symbol, fraction in FRACTIONS.items():
        text = re.sub(rf"(\d)\s*{symbol}", rf"\1 {fraction}", text).replace(symbol, fraction)
    multiplier = None
    if match := MULTIPLIER_AFTER.search(text):
        multiplier, text = int(match.group(1) or match.group(2)), text[: match.start()]
    elif match := MULTIPLIER_BEFORE.match(text):
        multiplier, text = int(match.group(1)), text[match.end() :]
    if re.match(r"^\s*half\s*(?:n|and|&|-n-|'n'?)\s*half\b", text, re.IGNORECASE):
        amount, unit = None, ""  # half & half is a product, not half of one
    elif rolls := ROLL_COUNT.search(text):
        amount = Decimal(rolls.group(1)) * units.ROLL_SIZES[(rolls.group(2) or "").lower()]
        unit, text = "ct", f"{text[: rolls.start()]} {text[rolls.end() :]}"
    else:
        amount, unit, text = _take_amount_and_unit(text)
    if amount is None:
        amount, unit, text = _take_trailing_amount(text)
    item = re.sub(r"^(?:of|x)\s+", "", text.strip(" -–—:.,"), flags=re.IGNORECASE).strip()
    term = clean_term(item)
    if not has_letters(item):
        return None
    quantity = _quantity_to_buy(amount, unit, term)
    if multiplier:
        quantity = multiplier * (quantity if unit in PACKAGE_UNITS else 1)
    return ParsedLine(
        raw_text=raw,
        item=item,
        term=term,
        quantity=max(1, min(quantity, MAX_QUANTITY)),
        amount=amount,
        unit=unit,
    )


def _to_decimal(number: str) -> Decimal:
    number = number.replace(",", ".").strip()
    if " " in number:
        whole, fraction = number.split()
        return Decimal(whole) + _to_decimal(fraction)
    if "/" in number:
        top, bottom = number.split("/")
        return (Decimal(top) / Decimal(bottom)).quantize(Decimal("0.01")) if int(bottom) else Decimal(top)
    return Decimal(number)


def _take_unit(text: str) -> tuple[str, str]:
    """Split a leading unit word off `text`; ("", text) when there is none."""
    lowered = text.lower()
    for alias in sorted(UNIT_ALIASES, key=len, reverse=True):
        if lowered.startswith(alias) and not lowered[len(alias) : len(alias) + 1].isalnum():
            if alias in ("c", "l", "g", "#") and lowered[len(alias) : len(alias) + 1] not in (" ", "."):
                continue
            rest = text[len(alias) :].lstrip(". ")
            if not rest:
                return "", text
            return UNIT_ALIASES[alias], rest
    return "", text


def _take_amount_and_unit(text: str) -> tuple[Decimal | None, str, str]:
    text = text.strip()
    lowered = text.lower()
    amount = None
    if match := PACK_SIZE.match(text):
        # "6-pack sparkling water" is one pack of six, not six packs.
        return Decimal(match.group(1)), "ct", text[match.end() :].strip()
    if match := AMOUNT_BEFORE.match(text):
        try:
            amount = _to_decimal(match.group(1))
        except (ArithmeticError, ValueError):
            amount = None
        if amount is not None:
            text = text[match.end() :].strip()
    else:
        for words in sorted(NUMBER_WORDS, key=len, reverse=True):
            if lowered.startswith(words + " "):
                amount, text = Decimal(NUMBER_WORDS[words]), text[len(words) :].strip()
                break
    if amount is None:
        # "dozen eggs", "half gallon milk": a unit with no number means one of it.
        unit, rest = _take_unit(text)
        if unit in ("dozen", "half gal", "gal"):
            return Decimal(1), unit, re.sub(r"^of\s+", "", rest, flags=re.IGNORECASE)
        return None, "", text
    unit, text = _take_unit(text)
    if amount == Decimal("0.5") and unit == "gal":
        amount, unit = Decimal(1), "half gal"
    # "2 dozen eggs" and "a dozen eggs" both name dozens; "1 gallon of milk" drops the "of".
    text = re.sub(r"^of\s+", "", text, flags=re.IGNORECASE)
    return amount, unit, text


def _take_trailing_amount(text: str) -> tuple[Decimal | None, str, str]:
    """ "ground beef 2 lbs", "bananas 6", "milk - 1 gal"."""
    match = re.search(rf"[\s\-–:]+({NUMBER})\s*([a-z. #]*)$", text, re.IGNORECASE)
    if not match:
        return None, "", text
    unit_text = match.group(2).strip().rstrip(".").lower()
    unit = UNIT_ALIASES.get(unit_text, "")
    if unit_text and not unit:
        return None, "", text
    try:
        return _to_decimal(match.group(1)), unit, text[: match.start()]
    except (ArithmeticError, ValueError):
        return None, "", text


def _quantity_to_buy(amount: Decimal | None, unit: str, term: str) -> int:
    if amount is None:
        return 1
    whole = int(amount) if amount == amount.to_integral_value() else None
    if unit in PACKAGE_UNITS and unit not in ("each",):
        return whole or 1
    if unit in ("gal", "half gal") and whole:
        return whole
    if unit in ("", "each") and whole:
        return 1 if term in COUNTED_IN_PACKS else whole
    return 1


def has_letters(text: str) -> bool:
    """Whether the text names something: a letter in any script ("milk", "牛奶", "☕ coffee")."""
    return re.search(r"[^\W\d_]", text) is not None


def _unsafe_to_space(text: str) -> str:
    if text.isascii():
        return UNSAFE_CHARACTERS.sub(" ", text)

    def safe(char: str) -> bool:
        if char.isascii():
            return UNSAFE_CHARACTERS.match(char) is None
        return char.isalpha() or is_mark(char)

    return "".join(char if safe(char) else " " for char in text)


def clean_term(text: str) -> str:
    """A Kroger-safe search term: accents folded, no notes, preparation words or symbols, ≤8 words."""
    text = fold_accents(PARENTHESES.sub(" ", text)).lower()
    text = re.split(r"\s(?:for|to|with|if|or)\s.*$|,", f" {text} ", maxsplit=1)[0]
    text = text.replace("&", " and ").replace("/", " ").replace("+", " ")
    text = re.sub(r"(?<!\d)%", " ", _unsafe_to_space(text))
    for phrase in sorted((p for p in PREPARATION_WORDS if " " in p), key=len, reverse=True):
        text = re.sub(rf"\b{phrase}\b", " ", text)
    words = [word.strip("-'") for word in text.split()]
    kept = []
    for index, word in enumerate(words):
        following = words[index + 1] if index + 1 < len(words) else ""
        names_a_form = word in PRODUCT_FORMS and following and following not in PREPARATION_WORDS
        # "large eggs", "extra large eggs": for eggs the size is a grade on the carton.
        names_a_form = names_a_form or (word in EGG_GRADES and following in ("egg", "eggs", "large"))
        if word in PREPARATION_WORDS and not names_a_form:
            continue
        if word in ("of", "and", "the", "a", "an") and (not kept or index == len(words) - 1):
            continue
        if word:
            kept.append(word)
    term = " ".join(kept[:MAX_TERM_WORDS]).strip()
    if not term.isascii() and has_letters(term):
        return term  # another script: kept as written, even when short ("牛奶")
    return term if len(term) >= MIN_TERM_LENGTH or term in SHORTHAND else ""


def _written_without_spaces(char: str) -> bool:
    # Chinese and Japanese put no spaces between words, and one or two characters are a whole
    # word there ("牛奶" milk, "米" rice, "パン" bread).
    name = unicodedata.name(char, "")
    return name.startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH", "HIRAGANA", "KATAKANA"))


def kroger_search_term(term: str) -> str:
    """The term as Kroger's `filter.term` takes it, or "" when it cannot take it at all.

    Kroger's spec gives the term a minimum length of 3 (kroger-api.md §5.1, §9.8): a JSON Schema
    minLength, which counts characters, not bytes (that non-ASCII text is counted the same way is
    the spec's reading, not something seen from Kroger itself). A two-character Chinese or
    Japanese word is searched with its characters spaced ("牛奶" -> "牛 奶"): the same characters in
    the same order, 3 characters long; a search engine splits such text into single characters
    anyway. Shorter terms cannot be searched: the line says so."""
    if len(term) >= MIN_TERM_LENGTH or term in SHORTHAND:
        return term
    if len(term) == MIN_TERM_LENGTH - 1 and all(map(_written_without_spaces, term)):
        return " ".join(term)
    return ""


def too_short_reason(term: str) -> str:
    """What a line says when its term is too short for Kroger's search (see kroger_search_term)."""
    if term.isascii():
        return "Too short to search for: type a longer name"
    return (
        f"Kroger's search needs at least {MIN_TERM_LENGTH} characters and “{term}” has {len(term)}: "
        "add a word (the kind or the brand) to search for it"
    )


def head_noun(term: str) -> str:
    """The word that names the product, for a retry when a search finds nothing.

    English puts the head last ("organic baby spinach" -> "spinach"), after dropping
    packaging words ("spinach leaves" -> "spinach") and numbers ("2% milk" -> "milk").
    """
    words = [word for word in term.split() if not word.isdigit() and "%" not in word]
    while len(words) > 1 and words[-1] in NOT_HEAD_NOUNS:
        words.pop()
    if not words:
        return ""
    head = words[-1]
    return head if len(head) >= MIN_TERM_LENGTH else " ".join(words[-2:])
