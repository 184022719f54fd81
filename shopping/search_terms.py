"""A typed product search term: the one rule the catalogue page and GET /api/products share.

Kroger answers 400 to terms with characters such as & # @ and wants 3+ characters and at most
8 words (kroger-api.md §5.1, §9.8). So a typed term is 1-8 words of letters and digits (any
script), `_` and ' . , % / -, between any whitespace (collapsed to one space), at most 100
characters as typed, and 3+ characters once collapsed, or a two-character Chinese or Japanese
word ("牛奶"), which Kroger gets spaced ("牛 奶", see `kroger_search_term`).

That rule is written once, as `TERM_SCHEMA` (a pattern and lengths): the server checks exactly
it and the API schema publishes exactly it; the messages only say which part a term breaks.
"""

import re

from django.core.exceptions import ValidationError

from shopping.parsing import MAX_TERM_WORDS, MIN_TERM_LENGTH

MAX_TERM_LENGTH = 100

# JSON Schema reads `pattern` as an ECMA-262 regex, where `\w` is only [A-Za-z0-9_] and `\s` is
# not Python's (it adds U+FEFF, lacks U+001C-U+001F and U+0085), while Python's `re` reads both
# over Unicode. So the pattern uses neither: its classes list code points (\uXXXX), which Python,
# ECMA-262 with or without the `u` flag, and schemathesis's validator all read alike. Beyond
# U+FFFF no such spelling is shared (without `u`, ECMA sees surrogate pairs), so the rare
# letters there (ideographs of CJK extension B on; emoji are not letters) are refused.
_BMP = "".join(map(chr, range(0x10000)))
WORD_CHARACTERS = "".join(char for char in _BMP if char.isalnum() or char in "_'.,%/-")
SPACE_CHARACTERS = "".join(char for char in _BMP if char.isspace())  # what `str.split` splits on
# Chinese and Japanese letters, where two characters can be a whole word: the ones
# `kroger_search_term` spaces (a test keeps the two in step).
_CJK_LETTER_RANGES = [
    (0x3041, 0x3096), (0x309D, 0x309F), (0x30A1, 0x30FA), (0x30FC, 0x30FF), (0x31F0, 0x31FF),  # kana
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFA6D), (0xFA70, 0xFAD9),  # ideographs
]  # fmt: skip
CJK_LETTERS = "".join(chr(code) for low, high in _CJK_LETTER_RANGES for code in range(low, high + 1))


def character_class(chars: str) -> str:
    """A regex character class of exactly `chars`, spelled as \\uXXXX ranges."""
    ranges: list[list[int]] = []
    for code in sorted(set(map(ord, chars))):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return (
        "["
        + "".join(rf"\u{low:04x}" + (rf"-\u{high:04x}" if high > low else "") for low, high in ranges)
        + "]"
    )


_WORD, _SPACE = character_class(WORD_CHARACTERS), character_class(SPACE_CHARACTERS)
# Spaces around the term are dropped; between words, a run of them is one space.
TERM_SCHEMA_PATTERN = (
    rf"^{_SPACE}*(?:{character_class(CJK_LETTERS)}{{2}}|{_WORD}{{{MIN_TERM_LENGTH},}}"
    rf"|{_WORD}+(?:{_SPACE}+{_WORD}+){{1,{MAX_TERM_WORDS - 1}}}){_SPACE}*$"
)
TERM_SCHEMA = {"type": "string", "minLength": 2, "maxLength": MAX_TERM_LENGTH, "pattern": TERM_SCHEMA_PATTERN}
_TERM = re.compile(TERM_SCHEMA_PATTERN)
_TERM_CHARACTERS = re.compile(character_class(WORD_CHARACTERS + SPACE_CHARACTERS) + "*")


def search_term_problem(value: str) -> str:
    """What is wrong with a typed product search term, as typed ("" when nothing)."""
    if len(value) > MAX_TERM_LENGTH:
        return f"Use at most {MAX_TERM_LENGTH} characters."
    if not _TERM_CHARACTERS.fullmatch(value):
        return "Use letters, numbers and spaces only (remove characters like & # @ ! ?)."
    if len(value.split()) > MAX_TERM_WORDS:
        return f"Use at most {MAX_TERM_WORDS} words."
    if not _TERM.search(value):
        # Allowed characters in 0-8 words: what is left for the pattern to refuse is the length.
        return f"Enter at least {MIN_TERM_LENGTH} characters."
    return ""


def clean_search_term(value: str) -> str:
    """A typed product search term, spacing collapsed ("牛奶" stays "牛奶": search Kroger with
    `kroger_search_term` of it). Raises ValidationError saying what to change."""
    problem = search_term_problem(value)
    if problem:
        raise ValidationError(problem)
    return " ".join(value.split())
