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
from functools import cache

from django.core.exceptions import ValidationError

from shopping.parsing import MAX_TERM_WORDS, MIN_TERM_LENGTH

MAX_TERM_LENGTH = 100

# JSON Schema reads `pattern` as an ECMA-262 regex, where `\w` is only [A-Za-z0-9_] and `\s` is
# not Python's (it adds U+FEFF, lacks U+001C-U+001F and U+0085), while Python's `re` reads both
# over Unicode. So the pattern uses neither: its classes list code points (\uXXXX), which Python,
# ECMA-262 with or without the `u` flag, and schemathesis's validator all read alike. Beyond
# U+FFFF no such spelling is shared (without `u`, ECMA sees surrogate pairs), so the rare
# letters there (ideographs of CJK extension B on; emoji are not letters) are refused.
_BMP = "".join(map(chr, range(0x10000)))  # every BMP character, in code-point order


def spell_out(char_class: str) -> str:
    """A Python regex class (`\\w`, `[\\s.]`) as the class of the same BMP characters, written
    as \\uXXXX ranges: a class every regex dialect reads alike."""
    ranges = (
        rf"\u{run.start():04x}" + (rf"-\u{run.end() - 1:04x}" if run.end() - run.start() > 1 else "")
        for run in re.finditer(f"{char_class}+", _BMP)
    )
    return "[" + "".join(ranges) + "]"


# Letters and digits of any script, `_` and ' . , % / -; whitespace is what `str.split` splits on.
_WORD, _SPACE = spell_out(r"[\w'.,%/-]"), spell_out(r"\s")
# Chinese and Japanese letters, where two characters can be a whole word: the ones
# `kroger_search_term` spaces (a test keeps the two in step).
CJK_LETTERS = (
    r"[\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"  # kana
    r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufa6d\ufa70-\ufad9]"  # ideographs
)
# Spaces around the term are dropped; between words, a run of them is one space. (It ends in
# spaces, so Python's `$`, which also matches before a final newline, reads it as ECMA's does.)
TERM_SCHEMA_PATTERN = (
    rf"^{_SPACE}*(?:{CJK_LETTERS}{{2}}|{_WORD}{{{MIN_TERM_LENGTH},}}"
    rf"|{_WORD}+(?:{_SPACE}+{_WORD}+){{1,{MAX_TERM_WORDS - 1}}}){_SPACE}*$"
)
TERM_SCHEMA = {"type": "string", "minLength": 2, "maxLength": MAX_TERM_LENGTH, "pattern": TERM_SCHEMA_PATTERN}
_TERM_CHARACTERS = re.compile(f"[{_WORD[1:-1]}{_SPACE[1:-1]}]*")


@cache
def _term() -> re.Pattern[str]:
    # Compiled on first use: ~20 ms, which every process would otherwise pay on import.
    return re.compile(TERM_SCHEMA_PATTERN)


def search_term_problem(value: str) -> str:
    """What is wrong with a typed product search term, as typed ("" when nothing)."""
    if len(value) > MAX_TERM_LENGTH:
        return f"Use at most {MAX_TERM_LENGTH} characters."
    if not _TERM_CHARACTERS.fullmatch(value):
        return "Use letters, numbers and spaces only (remove characters like & # @ ! ?)."
    if len(value.split()) > MAX_TERM_WORDS:
        return f"Use at most {MAX_TERM_WORDS} words."
    if not _term().search(value):
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
