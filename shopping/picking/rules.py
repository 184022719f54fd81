"""Household guidance, read into explicit rules the deterministic picker can apply.

Guidance is free text ("free-range eggs and poultry; organic doesn't matter; store brand for
staples unless the name brand is under $1 more"). Each clause becomes zero or more `Rule`s;
a clause that yields none is reported back as not understood, never silently dropped.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from shopping.parsing import fold_accents

from .lexicon import (
    ATTRIBUTES,
    CATEGORIES,
    DIET_EXCLUSIONS,
    EXCLUSION_ALIASES,
    EXCLUSIONS,
    INDIFFERENCE,
    MONEY,
    NEGATION,
    SIZE_TARGETS,
    STOPWORDS,
    STORE_BRANDS,
    STRONG,
    word_set,
)


@dataclass(frozen=True)
class Rule:
    """One explicit preference. `scope` holds the items it is about (empty: every item)."""

    kind: str  # brand, store_brand, attribute, exclude, price, on_sale, size, indifferent
    value: str
    text: str
    prefer: bool = True
    strong: bool = False
    scope: tuple[str, ...] = ()
    margin: Decimal | None = None
    size_target: tuple[Decimal, str] | None = None

    def applies_to(self, term: str) -> bool:
        """Whether this rule is about `term` ("free-range eggs" is about eggs, not milk)."""
        if not self.scope:
            return True
        words = {singular(word) for word in normalize(term).split()}
        phrase = " ".join(singular(word) for word in normalize(term).split())
        for scope in self.scope:
            wanted = {singular(scope), *CATEGORIES.get(singular(scope), ())}
            if words & wanted or any(" " in w and w in phrase for w in wanted):
                return True
        return False


@dataclass(frozen=True)
class GuidanceRules:
    rules: tuple[Rule, ...] = ()
    not_understood: tuple[str, ...] = ()

    def for_term(self, term: str) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.kind != "indifferent" and rule.applies_to(term))


def normalize(text: str) -> str:
    """Lower case, accents folded, hyphens and punctuation as spaces (but keep % and $)."""
    text = fold_accents(text).lower().replace("’", "'")
    return " ".join(re.sub(r"[^a-z0-9%$.' ]", " ", text).replace(". ", " ").split()).strip(". ")


def singular(word: str) -> str:
    if len(word) <= 3 or word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("oes", "ches", "shes", "xes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") else word


def contains_phrase(text: str, phrase: str) -> bool:
    """Whether normalized `text` has `phrase` as whole words (plural forms count)."""
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?:s|es)?(?![a-z0-9])", text) is not None


def read_guidance(lines: Iterable) -> GuidanceRules:
    """Rules from guidance lines (Guidance objects, (text, applies_to) pairs or plain strings)."""
    rules: list[Rule] = []
    not_understood: list[str] = []
    for line in lines:
        reading = read_line(line)
        rules.extend(reading.rules)
        not_understood.extend(reading.not_understood)
    return GuidanceRules(rules=tuple(rules), not_understood=tuple(not_understood))


def read_line(line) -> GuidanceRules:
    """The rules of one guidance line, and its clauses that state none."""
    text, applies_to = _text_and_scope(line)
    rules: list[Rule] = []
    not_understood: list[str] = []
    for clause in split_clauses(text):
        found = read_clause(clause, applies_to=applies_to)
        if found:
            rules.extend(found)
        else:
            not_understood.append(clause)
    return GuidanceRules(rules=tuple(rules), not_understood=tuple(not_understood))


def describe_rule(rule: Rule) -> str:
    """What the picker does with a rule, in the shopper's terms: "Prefers: free-range (eggs, poultry)"."""
    if rule.kind == "indifferent":
        return "Doesn't mind: " + ("which brand" if rule.value == "brand" else f"{rule.value} or not")
    if rule.kind == "exclude":
        verb = "Never buys"
    elif rule.prefer:
        verb = "Insists on" if rule.strong else "Prefers"
    else:
        verb = "Never buys" if rule.strong else "Avoids"
    what = {
        "brand": f"{rule.value.title()} brand",
        "store_brand": "the store brand",
        "on_sale": "what is on sale",
        "price": "the lowest price" if rule.value == "cheapest" else "the best price per unit",
    }.get(rule.kind, rule.value)
    if rule.kind == "size":
        what = f"the {rule.value} size" if rule.size_target is None else f"a {rule.value} size"
    scope = f" ({', '.join(rule.scope)})" if rule.scope else " (every item)"
    unless = ""
    if rule.kind == "store_brand" and rule.margin is not None:
        unless = f", unless a name brand costs less than ${rule.margin:.2f} more"
    return f"{verb}: {what}{scope}{unless}"


@dataclass(frozen=True)
class LineReading:
    """One guidance line as the picker reads it, worded for the guidance page."""

    understood: tuple[str, ...]
    not_understood: tuple[str, ...]

    @property
    def note(self) -> str:
        """What the picker leaves out ("" when it understood every part)."""
        if not self.not_understood:
            return ""
        if not self.understood:
            return "Not understood as a rule — the picker will ignore this line"
        quoted = "; ".join(f"“{clause}”" for clause in self.not_understood)
        return f"Not understood, so ignored: {quoted}"


def explain_line(line) -> LineReading:
    """What the picker makes of one guidance line: a description per rule, and what it ignores."""
    reading = read_line(line)
    described = dict.fromkeys(describe_rule(rule) for rule in reading.rules)
    return LineReading(understood=tuple(described), not_understood=reading.not_understood)


def _text_and_scope(line) -> tuple[str, str]:
    if isinstance(line, str):
        return line, ""
    if isinstance(line, tuple):
        return line[0], line[1] if len(line) > 1 else ""
    return line.text, getattr(line, "applies_to", "") or ""


def split_clauses(text: str) -> list[str]:
    """ "a; b. c" -> ["a", "b", "c"] (a decimal point in "$1.50" does not split)."""
    parts = re.split(r"[;\n]|,(?!\s*(?:unless|but|except|as long)\b)|(?<!\d)\.(?!\d)|\.(?=\s|$)", text)
    return [" ".join(part.split()) for part in parts if part and part.strip(" -*•")]


def read_clause(clause: str, *, applies_to: str = "") -> list[Rule]:
    """The rules one clause states; [] when it states none we understand."""
    text = normalize(clause)
    main, _, unless = text.partition(" unless ")
    strong = bool(STRONG.search(main))
    rules: list[Rule] = []
    used: list[str] = []

    def add(kind, value, phrase="", **extra):
        rules.append(Rule(kind=kind, value=value, text=clause.strip(), strong=strong, **extra))
        if phrase:
            used.append(phrase)

    if INDIFFERENCE.search(main):
        for name, phrases in ATTRIBUTES.items():
            if any(contains_phrase(main, p) for p in (name.replace("-", " "), *phrases)):
                add("indifferent", name)
        if "brand" in main:
            add("indifferent", "brand")
        return _scoped(rules, main, used, applies_to)

    negated = lambda phrase: re.search(rf"\b{NEGATION}\s+(?:\w+\s+)?{re.escape(phrase)}", main) is not None  # noqa: E731
    if brand := _capitalised_brand(clause):
        add("brand", brand, brand, prefer=not negated(brand))
    for phrase in ("store brand", "house brand", "private label", "generic", "own brand", *STORE_BRANDS):
        if contains_phrase(main, phrase) and (
            phrase not in STORE_BRANDS or contains_phrase(main, phrase + " brand")
        ):
            add("store_brand", "store", phrase, prefer=not negated(phrase), margin=_money(unless))
            break
    _read_price_and_size(main, add)
    for diet, excluded in DIET_EXCLUSIONS.items():
        if contains_phrase(main, diet) and diet != "kosher" or re.search(rf"\bkeep {diet}\b", main):
            for key in excluded:
                add("exclude", key, diet, prefer=False)
    _read_exclusions(main, add)
    if not any(rule.kind == "exclude" for rule in rules):
        for name, phrases in ATTRIBUTES.items():
            for phrase in (name.replace("-", " "), *phrases):
                if contains_phrase(main, phrase) and not any(contains_phrase(u, phrase) for u in used):
                    add("attribute", name, phrase, prefer=not negated(phrase))
                    break
    if not rules:
        _read_brand(clause, main, add)
    return _scoped(rules, main, used, applies_to)


def _money(text: str) -> Decimal | None:
    match = MONEY.search(text)
    if not match:
        return None
    if match.group(3):
        return Decimal(match.group(3)) / 100
    return Decimal(match.group(1) or match.group(2))


def _read_price_and_size(main: str, add) -> None:
    if re.search(r"\b(?:cheapest|lowest price|least expensive|cheaper|budget|inexpensive|cheap)\b", main):
        add(
            "price",
            "cheapest",
            re.search(r"cheapest|lowest price|least expensive|cheaper|budget|inexpensive|cheap", main)[0],
        )
    elif re.search(
        r"\b(?:best value|good value|unit price|price per|per ounce|per oz|per pound|best deal)\b", main
    ):
        add(
            "price",
            "unit_price",
            re.search(
                r"best value|good value|unit price|price per|per ounce|per oz|per pound|best deal", main
            )[0],
        )
    if re.search(r"\b(?:on sale|sales|promotions?|deals|discounts?)\b", main):
        add("on_sale", "on_sale", re.search(r"on sale|sales|promotions?|deals|discounts?", main)[0])
    if match := re.search(r"\b(largest|biggest|bulk|family size|big|large size|larger)\b", main):
        add("size", "largest", match[0])
    elif match := re.search(r"\b(smallest|small size|single serve|smaller|small)\b", main):
        add("size", "smallest", match[0])
    else:
        for phrase, target in SIZE_TARGETS.items():
            if contains_phrase(main, phrase):
                add("size", phrase, phrase, size_target=target)
                break


def _read_exclusions(main: str, add) -> None:
    names = {**{name: name for name in EXCLUSIONS}, **EXCLUSION_ALIASES}
    found: set[str] = set()
    # "no peanuts or pork": everything listed after the negation is excluded.
    negation = re.search(rf"\b{NEGATION}\s+", main)
    after_negation = main[negation.end() :] if negation else ""
    for name in sorted(names, key=len, reverse=True):
        key = names[name]
        patterns = (
            rf"\b{NEGATION}\s+(?:eat\s+|buy\s+|use\s+|want\s+|like\s+)?(?:any\s+)?{re.escape(name)}s?\b",
            rf"\b{re.escape(name)}s?\s*free\b",
            rf"\ballerg(?:ic|y|ies)\s+(?:to\s+)?{re.escape(name)}s?\b",
            rf"\b{re.escape(name)}s?\s+allerg(?:y|ies)\b",
        )
        listed = bool(after_negation) and contains_phrase(after_negation, name)
        if (listed or any(re.search(p, main) for p in patterns)) and key not in found:
            found.add(key)
            add("exclude", key, name, prefer=False)


def _keywords() -> set[str]:
    words = {
        "store",
        "house",
        "generic",
        "cheapest",
        "largest",
        "smallest",
        "biggest",
        "best",
        "lowest",
        "whatever",
    }
    for name, phrases in ATTRIBUTES.items():
        for phrase in (name, *phrases):
            words.update(normalize(phrase).split())
    words.update(EXCLUSIONS, EXCLUSION_ALIASES, DIET_EXCLUSIONS, CATEGORIES)
    return words


KEYWORDS = _keywords()
LEADING_WORDS = word_set(
    "prefer always only usually we i avoid no never buy get use like love the not don't dont"
)


def _capitalised_brand(original: str) -> str:
    """A brand named with capitals mid-sentence ("prefer Simple Truth Organic for produce")."""
    for run in re.findall(r"\b[A-Z][\w'&]*(?:[ -][A-Z][\w'&]*)*", original):
        words = normalize(run).split()
        while words and words[0] in LEADING_WORDS:
            words.pop(0)
        brand = " ".join(words)
        if not brand or words[0] in KEYWORDS:
            continue
        if brand in STORE_BRANDS and re.search(rf"{re.escape(run)}\s+brand", original):
            continue  # "Kroger brand" is the store-brand rule.
        return brand
    return ""


def _read_brand(original: str, main: str, add) -> None:
    verbs = r"(?:we\s+|i\s+)?(?:always\s+|only\s+|usually\s+)?"
    prefer = re.match(rf"^{verbs}(?:prefer|like|love|buy|get|want|use|choose|pick)\s+(?:the\s+)?(.+)$", main)
    avoid = re.match(rf"^(?:we\s+|i\s+)?{NEGATION}\s+(?:buy\s+|get\s+)?(.+)$", main)
    branded = re.match(r"^(.+?)\s+brand\b(.*)$", main)
    match, wanted = (prefer, True) if prefer else (avoid, False) if avoid else (branded, True)
    if not match:
        return
    phrase = match.group(1).replace(" brand", "").strip()
    # The brand is the capitalised run in the shopper's own text ("prefer Horizon milk").
    capitalised = re.findall(r"\b[A-Z][\w'&]*(?:\s+[A-Z][\w'&]*)*", original)
    capitalised = [
        c for c in capitalised if c.lower() not in ("i", "we", "prefer", "always", "no", "never", "avoid")
    ]
    brand = normalize(capitalised[0]) if capitalised else phrase.split()[0]
    brand = re.sub(r"^(?:prefer|always|buy|get|use|avoid|never|no)\s+", "", brand)
    if brand and brand not in STOPWORDS:
        add("brand", brand, brand, prefer=wanted)


def _scoped(rules: list[Rule], main: str, used: list[str], applies_to: str) -> list[Rule]:
    if not rules:
        return []
    if applies_to.strip():
        scope = (normalize(applies_to),)
    elif all(rule.kind == "exclude" for rule in rules):
        # Allergens and diets hold for every item unless a line says otherwise.
        scope = ()
    else:
        rest = main
        for phrase in sorted(used, key=len, reverse=True):
            rest = re.sub(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", " ", rest)
        rest = re.sub(r"\$\s*\d+(?:\.\d+)?|\d+(?:\.\d+)?%?", " ", rest)
        scope = tuple(
            dict.fromkeys(w for w in rest.split() if w not in STOPWORDS and len(w) > 2 and "'" not in w)
        )
    return [Rule(**{**rule.__dict__, "scope": scope}) for rule in rules]
