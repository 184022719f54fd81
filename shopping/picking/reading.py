"""Household guidance, read into explicit rules the picker can apply.

Guidance is the household's own words ("Heinz for ketchup; no peanuts — Maya is allergic;
store brand (Kroger, Simple Truth) unless a name brand is under $1 more"). Each clause becomes
zero or more `Rule`s, each with an explicit scope (the products it is about); a clause that
yields none is reported back as not understood, never silently dropped.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from shopping.lexicon import (
    ATTRIBUTES,
    CATEGORIES,
    DIET_EXCLUSIONS,
    EXCLUSION_NAMES,
    EXCLUSIONS,
    INDIFFERENCE,
    NEGATION,
    STOPWORDS,
    STORE_BRANDS,
    STRONG,
    word_set,
)
from shopping.text import contains_phrase, normalize, singular

from .phrases import read_condition, read_exclusions, read_price_and_size, split_condition
from .rules import GuidanceRules, Rule, RuleKind, brands_named, describe_rule
from .scopes import colon_scope, names_products, scoped

# --- Reading ------------------------------------------------------------------------------


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
    readings: list[tuple[str, list[Rule]]] = []
    sentence_starts = set()
    for sentence in re.split(r"[;\n]|(?<!\d)\.(?!\d)", text):
        if sentence.strip(" -*•—–"):
            sentence_starts.add(split_clauses(sentence)[0] if split_clauses(sentence) else "")
    colon = ""
    for clause in split_clauses(text):
        found = read_clause(clause, applies_to=applies_to)
        if clause in sentence_starts:
            colon = colon_scope(clause)
        elif colon and not applies_to and not colon_scope(clause) and names_products(colon):
            # "Soda: diet only, Coke Zero or Diet Coke": the later clauses are about soda too.
            inherited = read_clause(clause, applies_to=colon)
            if inherited and not any(r.kind == RuleKind.EXCLUDE for r in inherited):
                found = inherited
        after_exclusions = readings and any(r.kind == RuleKind.EXCLUDE for r in readings[-1][1])
        # Only a fragment after a comma continues a list ("no almonds, cashews"); one after a
        # full stop or semicolon is a sentence of its own ("no peanuts; organic milk").
        # A fragment with a rule of its own is not a list item ("no peanuts, and organic milk").
        own_rule = any(r.kind != RuleKind.EXCLUDE and r.value not in EXCLUDED_WORDS for r in found)
        if after_exclusions and clause not in sentence_starts and _continues_a_list(clause) and not own_rule:
            # "No almonds, cashews, pecans": the items after a comma belong to the clause before.
            merged = f"{readings[-1][0]}, {clause}"
            readings[-1] = (merged, read_clause(merged, applies_to=applies_to) or readings[-1][1])
            continue
        readings.append((clause, found))
    for clause, found in readings:
        if found:
            rules.extend(rule for rule in found if rule not in rules)
        else:
            not_understood.append(clause)
    return GuidanceRules(rules=tuple(rules), not_understood=tuple(not_understood))


def _continues_a_list(clause: str) -> bool:
    """A short, verb-less fragment ("cashews", "barley or rye", "and the green can")."""
    found = normalize(clause).split()
    return 0 < len(found) <= 4 and not any(w in LIST_BREAKERS for w in found)


EXCLUDED_WORDS = frozenset(word for e in EXCLUSIONS.values() for word in e.words)
LIST_BREAKERS = word_set("is are buy get prefer like want use always only never unless but if when fine ok")


def _text_and_scope(line) -> tuple[str, str]:
    if isinstance(line, str):
        return line, ""
    if isinstance(line, tuple):
        return line[0], line[1] if len(line) > 1 else ""
    return line.text, getattr(line, "applies_to", "") or ""


def split_clauses(text: str) -> list[str]:
    """ "a; b. c" -> ["a", "b", "c"]; commas inside parentheses and "$1.50" do not split."""
    parts, depth, current = [], 0, []
    for index, char in enumerate(text):
        depth += char == "("
        depth -= char == ")" and depth > 0
        if depth == 0 and _splits_at(text, index):
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [" ".join(part.split()) for part in parts if part.strip(" -*•—–")]


def _splits_at(text: str, index: int) -> bool:
    char = text[index]
    if char in ";\n":
        return True
    if text[index : index + 5] == " and " and re.match(r" and (?:the )?[\w']+ (?:is|are)\b", text[index:]):
        return True
    if char == ",":
        return not re.match(r",\s*(?:unless|but|except|as long|if|when|so long|and only)\b", text[index:])
    if char == ".":
        before, after = text[index - 1 : index], text[index + 1 : index + 2]
        return not (before.isdigit() and after.isdigit())
    return False


def read_clause(clause: str, *, applies_to: str = "") -> list[Rule]:
    """The rules one clause states; [] when it states none we understand."""
    # Parenthesised asides ("(the kids won't touch it)", "(Kroger, Simple Truth)") state no rule.
    text = normalize(re.sub(r"\([^)]*\)", " ", clause))
    main, unless = split_condition(text)
    strong = bool(STRONG.search(main))
    rules: list[Rule] = []
    used: list[str] = []

    def add(kind: RuleKind, value: str, used_phrase: str = "", **extra) -> None:
        extra.setdefault("strong", strong)
        rules.append(Rule(kind=kind, value=value, text=clause.strip(), **extra))
        if used_phrase:
            used.append(used_phrase)

    if re.search(
        r"\b(?:don'?t|do not|never|no)\s+(?:swap|substitut|replace)|\bleave it for us\b|\bno swaps\b", main
    ):
        add(RuleKind.NO_SUBSTITUTES, "no_substitutes", strong=True)
        return rules  # the whole household's rule: no scope
    brand_choice = re.search(
        r"\bstore brand (?:vs\.?|or|versus) name brand|\bname brand (?:vs\.?|or|versus) store brand", main
    )
    if brand_choice and re.search(r"\bwhichever\b", main):
        # "Store brand vs name brand: whichever is cheaper per unit": the price decides, not the brand.
        add(RuleKind.INDIFFERENT, "brand", brand_choice[0])
        read_price_and_size(main, add, used)
        return [r for r in scoped(rules, main, used, applies_to) if r.kind != RuleKind.INDIFFERENT] + [
            r for r in rules if r.kind == RuleKind.INDIFFERENT
        ]
    if INDIFFERENCE.search(main) or re.search(r"\bname brands? (?:is|are) (?:fine|ok|okay)\b", main):
        for name, phrases in ATTRIBUTES.items():
            if any(contains_phrase(main, p) for p in (name.replace("-", " "), *phrases)):
                add(RuleKind.INDIFFERENT, name, name)
        if "brand" in main:
            add(RuleKind.INDIFFERENT, "brand", "brand")
        return scoped(rules, main, used, applies_to)

    def negated(word: str) -> bool:
        return re.search(rf"\b{NEGATION}\s+(?:\w+\s+){{0,2}}{re.escape(word)}\b", main) is not None

    condition = read_condition(unless)
    read_exclusions(main, add)
    excluded_words = set(used)
    for brand, known in _brands_in(clause, main):
        if any(brand in w or w in brand for w in excluded_words):
            continue
        if brand in STORE_BRANDS and contains_phrase(main, f"{brand} brand"):
            continue  # "Kroger brand" is the store-brand rule, read below.
        add(RuleKind.BRAND, brand, brand, prefer=not negated(brand), known_brand=known)
    for word in (
        "store brand",
        "house brand",
        "private label",
        "generic",
        "own brand",
        "store brands",
        *STORE_BRANDS,
    ):
        if contains_phrase(main, word) and (
            word not in STORE_BRANDS or contains_phrase(main, word + " brand")
        ):
            add(RuleKind.STORE_BRAND, "store", word, prefer=not negated(word), **condition)
            condition = {}
            break
    if re.search(r"\bname brands? only (?:if|when) (?:it'?s |they'?re |it is |they are )?on sale", main):
        # "Name brand only if it's on sale - otherwise store brand"
        rules[:] = [r for r in rules if r.kind != RuleKind.STORE_BRAND]
        add(
            RuleKind.STORE_BRAND,
            "store",
            "name brand",
            margin=Decimal(0),
            margin_kind="on_sale",
            versus="name brand",
        )
        used.extend(["on sale", "store brand", "otherwise"])
        return scoped(rules, main, used, applies_to, colon=colon_scope(clause))
    if not contains_phrase(main, "store brand") and re.search(r"\bname brands?\b", main):
        add(RuleKind.STORE_BRAND, "store", "name brand", prefer=negated("name brand"))
    read_price_and_size(main, add, used)
    for diet, excluded in DIET_EXCLUSIONS.items():
        if (contains_phrase(main, diet) and diet != "kosher") or re.search(rf"\bkeep {diet}\b", main):
            for key in excluded:
                add(RuleKind.EXCLUDE, key, diet, prefer=False, strong=True)
    found_attributes: list[tuple[str, str]] = []
    # In a clause of exclusions ("no wheat, barley or rye") the food words are what is excluded.
    for name, phrases in () if any(r.kind == RuleKind.EXCLUDE for r in rules) else ATTRIBUTES.items():
        for attribute in (name.replace("-", " "), *phrases):
            if contains_phrase(main, attribute) and not any(contains_phrase(u, attribute) for u in used):
                found_attributes.append((name, attribute))
                break
    either = len(found_attributes) > 1 and re.search(
        rf"{re.escape(found_attributes[0][1])}\s+or\s+{re.escape(found_attributes[1][1])}", main
    )
    if either:
        # "free-range or pasture-raised": either will do.
        names = "|".join(name for name, _ in found_attributes[:2])
        add(RuleKind.ATTRIBUTE, names, found_attributes[0][1], prefer=True)
        used.append(found_attributes[1][1])
        found_attributes = found_attributes[2:]
    only_on_sale = re.search(r"\b(?:only )?(?:when|if) (?:it'?s |they'?re |it is |they are )?on sale\b", main)
    if only_on_sale and found_attributes:
        # "Organic produce only when it's on sale": the attribute is worth it only on sale.
        condition = {"margin": Decimal(0), "margin_kind": "on_sale", "versus": ""}
        rules[:] = [r for r in rules if r.kind != RuleKind.ON_SALE]
    for name, attribute in found_attributes:
        extra = condition if condition.get("versus") in ("", name) else {}
        add(RuleKind.ATTRIBUTE, name, attribute, prefer=not negated(attribute), **extra)
    return scoped(rules, main, used, applies_to, colon=colon_scope(clause))


def _brands_in(original: str, main: str) -> list[tuple[str, bool]]:
    """Brands a clause names: known ones anywhere in it, and capitalised names no word list
    knows when the clause reads like a brand preference ("our bread is Zingerman's")."""
    known = brands_named(main)
    found = [(brand, True) for brand in known]
    for run in re.findall(r"(?<![\w'])[A-Z][\w'&]*(?:[ -][A-Z][\w'&]*)*", original):
        name = normalize(run)
        name_words = name.split()
        while name_words and name_words[0] in STOPWORDS:
            name_words.pop(0)
        name = " ".join(name_words)
        if not name or any(name in brand or brand in name for brand, _ in found):
            continue
        if any(w in VOCABULARY or singular(w) in VOCABULARY for w in name_words):
            continue
        if re.search(rf"\b{re.escape(name)}\s+(?:only\s+|just\s+)?{PERSON_VERBS}", main):
            continue  # "Jonas only drinks Starbucks": a person, not a brand
        if re.search(
            rf"\b(?:prefer|like|love|buy|get|use|want|is|are|always|only|no|never|avoid)\s+{re.escape(name)}\b|\b{re.escape(name)}\s+(?:brand|for|only|is|are)\b",
            main,
        ):  # noqa: E501
            found.append((name, False))
    return found


PERSON_VERBS = (
    r"(?:drinks?|eats?|likes?|loves?|wants?|needs?|has|hates?|prefers?|can't|won't|doesn't|"
    r"is allergic|is lactose|is vegan|is vegetarian)\b"
)


def _vocabulary() -> frozenset[str]:
    """Words that are ordinary guidance or grocery words, so a capitalised one is not a brand."""
    vocabulary = set(STOPWORDS)
    for name, phrases in ATTRIBUTES.items():
        for item in (name, *phrases):
            vocabulary.update(normalize(item).split())
    for name in (*EXCLUSION_NAMES, *DIET_EXCLUSIONS, *CATEGORIES):
        vocabulary.update(name.split())
    for items in CATEGORIES.values():
        for item in items:
            vocabulary.update(item.split())
    for exclusion in EXCLUSIONS.values():
        for item in exclusion.words:
            vocabulary.update(item.split())
    vocabulary |= word_set(
        "store house generic cheapest largest smallest biggest best lowest whatever tree salted "
        "milk eggs bread cereal coffee juice cheese butter yogurt pasta rice sauce soup beans oil "
        "flour sugar salt water chips crackers cookies ketchup mustard mayo paper towels tissue "
        "produce meat snacks name mom dad kids everyone nobody anyone sunday monday weekly "
    )
    return frozenset(vocabulary)


VOCABULARY = _vocabulary()


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
