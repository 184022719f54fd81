"""The one text normaliser: list lines, guidance, product names and memory keys all go through it,
so "Jalapeño", "jalapeno" and "JALAPENOS" compare equal everywhere."""

import re
import unicodedata
from functools import lru_cache

# The picker compares every candidate's name with every rule and the line many times over: the
# same few thousand texts are normalised ~100,000 times per 25-line list without this cache.
CACHED_TEXTS = 50_000


def is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def fold_accents(text: str) -> str:
    """ "Jalapeño crème" -> "Jalapeno creme"; letters of other scripts kept as written, with
    their marks ("牛奶", "ブドウ", "우유", "йогурт", "दूध"); symbols and emoji dropped ("☕", "®").

    Folding goes letter by letter: decomposing whole words would also strip the marks that make
    another script's letters what they are (ブ is フ with a voicing mark, й is и with a breve)."""
    if text.isascii():
        return text
    kept: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if char.isascii() or char.isspace():
            kept.append(char)
        elif is_mark(char):
            if kept and not kept[-1].isascii():  # a vowel sign or accent of a kept letter
                kept.append(char)
        else:
            latin = "".join(c for c in unicodedata.normalize("NFKD", char) if c.isascii())
            if latin:
                kept.append(latin)  # é -> e, ﬁ -> fi, full-width ｍ -> m, ™ -> TM
            elif char.isalpha():
                kept.append(char)
    return "".join(kept)


@lru_cache(maxsize=CACHED_TEXTS)
def normalize(text: str) -> str:
    """Lower case, accents folded, ® and punctuation as spaces (keeping %, $, decimals, & and ',
    and the letters of any script)."""
    text = fold_accents(text.replace("’", "'").replace("¢", " cents")).lower()
    text = re.sub(r"[^a-z0-9%$.'& \u0080-\U0010ffff]", " ", text)
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)  # a full stop, not the point in "$1.50"
    text = re.sub(r"(?<![a-z])'|'(?![a-z])", " ", text)  # quotes, not "dave's"
    return " ".join(text.split())


# Nouns ending in "ie" whose plural is not "-y" + "ies" ("cookies" -> cookie, not "cooky").
IE_NOUNS = frozenset(
    {"cookie", "pie", "veggie", "brownie", "smoothie", "movie", "calorie", "hoagie", "tie", "beanie"}
    | {"rookie", "goalie", "sweetie", "pixie", "zombie", "selfie", "birdie", "boogie", "talkie"}
)


def singular(word: str) -> str:
    """ "tomatoes" -> "tomato", "berries" -> "berry", "eggs" -> "egg" (good enough for groceries)."""
    if len(word) <= 3 or word.endswith(("ss", "us", "is", "'s")):
        return word
    if word.endswith("ies"):
        return word[:-1] if word[:-1] in IE_NOUNS else word[:-3] + "y"
    if word.endswith(("oes", "ches", "shes", "xes", "sses")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def words(text: str) -> list[str]:
    """The normalised, singular words of a text."""
    return phrase(text).split()


@lru_cache(maxsize=CACHED_TEXTS)
def phrase(text: str) -> str:
    """The normalised, singular form of a phrase, for whole-word comparisons."""
    return " ".join(singular(word) for word in normalize(text).split())


def contains_phrase(text: str, wanted: str) -> bool:
    """Whether normalised `text` has `wanted` as whole words (plural forms count)."""
    # The substring test is a necessary condition and far cheaper than the regex: most calls
    # (every known brand against a product name) end here.
    return wanted in text and _whole_words(wanted).search(text) is not None


@lru_cache(maxsize=CACHED_TEXTS)
def _whole_words(wanted: str) -> re.Pattern[str]:
    # Compiled once per phrase: the brand list alone is more than `re`'s own cache holds.
    return re.compile(rf"(?<![a-z0-9]){re.escape(wanted)}(?:s|es)?(?![a-z0-9])")
