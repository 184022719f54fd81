"""Household guidance, read into explicit rules the picker can apply.

Guidance is the household's own words ("Heinz for ketchup; no peanuts — Maya is allergic;
store brand (Kroger, Simple Truth) unless a name brand is under $1 more"). Each clause becomes
zero or more `Rule`s, each with an explicit scope (the products it is about); a clause that
yields none is reported back as not understood, never silently dropped.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from shopping.lexicon import (
    ATTRIBUTES,
    CATEGORIES,
    DIET_EXCLUSIONS,
    EXCLUSION_NAMES,
    EXCLUSIONS,
    EXCLUSIVE_GROUPS,
    INDIFFERENCE,
    KNOWN_BRANDS,
    KROGER_CATEGORIES,
    MONEY,
    NEGATION,
    SIZE_TARGETS,
    STOPWORDS,
    STORE_BRANDS,
    STRONG,
    word_set,
)
from shopping.text import contains_phrase, normalize, phrase, singular

from .identity import COMPOUNDS, PART_WORDS, canonical, expand_shorthand
from .identity import head as _head


class RuleKind(StrEnum):
    BRAND = "brand"
    STORE_BRAND = "store_brand"
    ATTRIBUTE = "attribute"
    EXCLUDE = "exclude"
    PRICE = "price"  # value: "cheapest" or "unit_price"
    ON_SALE = "on_sale"
    SIZE = "size"  # value: "largest", "smallest" or a target such as "gallon"
    INDIFFERENT = "indifferent"
    NO_SUBSTITUTES = "no_substitutes"  # "if it isn't there, don't swap": never a substitute


# Which rules compete: within one dimension the most specific rule wins, the others step aside.
DIMENSIONS = {
    RuleKind.BRAND: "brand",
    RuleKind.STORE_BRAND: "brand",
    RuleKind.PRICE: "price",
    RuleKind.SIZE: "size",
    RuleKind.ON_SALE: "on_sale",
}
PACKAGING = word_set("box boxe bag pack can jar bottle carton container tub loaf bunch good goods roll")


@dataclass(frozen=True)
class Rule:
    """One explicit preference, about the products in `scope` (empty: every product).

    `margin` makes a preference conditional: with `margin_kind` "premium" the alternative
    (`versus`: "name brand" or an attribute) wins when it costs less than `margin` more; with
    "saving" it wins when it is more than `margin` cheaper. Prices are compared per unit.
    """

    kind: RuleKind
    value: str
    text: str
    prefer: bool = True
    strong: bool = False
    scope: tuple[str, ...] = ()
    margin: Decimal | None = None
    margin_kind: str = ""
    versus: str = ""
    size_target: tuple[Decimal, str] | None = None
    qualifier: tuple[str, ...] = ()  # words a brand rule's product must also have ("apple juice")
    known_brand: bool = True  # False: a capitalised name no list knows; counts only if Kroger's brands do
    about_line: bool = False  # set by `for_term`: the rule names this very product, not its category

    @property
    def dimension(self) -> str:
        return DIMENSIONS.get(self.kind, f"{self.kind}:{self.value}")

    def specificity(self, term: str, categories: Iterable[str] = ()) -> int:
        """How closely this rule is about `term`: 3 names it, 2 names its category, 1 applies to
        everything, 0 is about other products."""
        if not self.scope:
            return 1
        term_phrase = canonical(term)
        term_words = set(term_phrase.split()) - PACKAGING
        folded = {normalize(c) for c in categories}
        kroger_categories = {phrase(k): {normalize(c) for c in v} for k, v in KROGER_CATEGORIES.items()}
        term_categories = {phrase(k): v for k, v in CATEGORIES.items()}
        best = 0
        term_head = head_of(term_phrase)
        for scope in map(canonical, self.scope):
            content = [w for w in scope.split() if w not in PACKAGING] or scope.split()
            # About the same product: the same head noun ("chicken" is not "chicken noodle soup").
            same_head = head_of(scope) == term_head or len(content) == 1 and content[0] == term_head
            # "Laundry: Tide" is about laundry detergent; "Chicken: organic" is not about soup.
            same_head = same_head or (set(content) <= term_words and not set(content) & STANDALONE_PRODUCTS)
            # "milk" guidance is not about "coconut milk": a compound names another product.
            other_product = len(content) == 1 and term_phrase in COMPOUNDS and content[0] != term_phrase
            if (
                same_head
                and not other_product
                and (set(content) <= term_words or (term_words and term_words <= set(content)))
            ):
                best = max(best, 3)
            elif scope in folded and not other_product:
                best = max(best, 3)  # the store's matches are mostly "... Pasta": this is pasta
            elif scope in kroger_categories and folded & KNOWN_KROGER_CATEGORIES:
                # Kroger's own categories say what the line is ("diced tomatoes" are canned, not produce).
                best = max(best, 2 if folded & kroger_categories[scope] else 0)
            elif any(contains_phrase(term_phrase, phrase(item)) for item in term_categories.get(scope, ())):
                best = max(best, 2)
        return best

    def applies_to(self, term: str, categories: Iterable[str] = ()) -> bool:
        return self.specificity(term, categories) > 0


STANDALONE_PRODUCTS = frozenset(
    word for items in CATEGORIES.values() for item in items for word in phrase(item).split()
) | frozenset(
    phrase(word)
    for word in ["milk", "cheese", "egg", "bread", "chicken", "beef", "pork", "fish", "rice", "pasta", "oil"]
)
KNOWN_KROGER_CATEGORIES = frozenset(normalize(c) for names in KROGER_CATEGORIES.values() for c in names)


@dataclass(frozen=True)
class GuidanceRules:
    rules: tuple[Rule, ...] = ()
    not_understood: tuple[str, ...] = ()

    def for_term(self, term: str, categories: Iterable[str] = ()) -> tuple[Rule, ...]:
        """The rules that decide for `term`: hard exclusions always; in each other dimension only
        the most specific rules; a line's own words beat any rule in their dimension."""
        categories = tuple(categories)
        line = normalize(term)
        applicable = [
            (rule, rule.specificity(term, categories))
            for rule in self.rules
            if rule.kind != RuleKind.INDIFFERENT
        ]
        applicable = [(rule, level) for rule, level in applicable if level > 0]
        best: dict[str, int] = {}
        for rule, level in applicable:
            if rule.kind != RuleKind.EXCLUDE:
                best[rule.dimension] = max(best.get(rule.dimension, 0), level)
        chosen = []
        for rule, level in applicable:
            if (
                rule.kind == RuleKind.EXCLUDE
                or level == best[rule.dimension]
                and not line_overrides(line, rule)
            ):
                chosen.append(replace(rule, about_line=level == 3))
        indifferent = {r.value for r in self.rules if r.kind == RuleKind.INDIFFERENT and r.applies_to(term)}
        return tuple(
            rule
            for rule in chosen
            if not (rule.kind == RuleKind.ATTRIBUTE and rule.value in indifferent)
            and not (
                "brand" in indifferent
                and (rule.kind == RuleKind.STORE_BRAND or not rule.scope)
                and not rule.strong
            )
        )


def head_of(text: str) -> str:
    """The product a phrase names, its cut or packaging aside ("chicken breast" is chicken)."""
    found = [w for w in text.split() if w not in PACKAGING]
    while len(found) > 1 and found[-1] in PART_WORDS:
        found.pop()
    return _head(found)


def conflicts(guidance: "GuidanceRules", term: str, context: Iterable[str] = ()) -> tuple[Rule, ...]:
    """Strong rules ("never skim", "never diet") the list line itself contradicts: the household
    has to say which holds, so such a line is never picked silently."""
    line = normalize(term)
    named = set(brands_named(line))
    return tuple(
        rule
        for rule in guidance.rules
        if rule.strong
        and (rule.applies_to(term, context) or any(head_of(canonical(s)) in context for s in rule.scope))
        and (
            (rule.kind == RuleKind.ATTRIBUTE and line_overrides(line, rule) and not rule.prefer)
            # "Topo Chico is the only sparkling water we drink", and the list says "lacroix"
            or (rule.kind == RuleKind.BRAND and rule.prefer and named and rule.value not in named)
        )
    )


def line_overrides(line: str, rule: Rule) -> bool:
    """Whether the list line's own words settle what `rule` is about ("skim milk" vs "whole milk")."""
    if rule.kind == RuleKind.ATTRIBUTE:
        for group in EXCLUSIVE_GROUPS:
            if rule.value in group and any(_mentions_attribute(line, other) for other in group):
                return True
        return not rule.prefer and _mentions_attribute(line, rule.value)
    if rule.kind in (RuleKind.BRAND, RuleKind.STORE_BRAND):
        return bool(brands_named(line)) or "store brand" in line
    if rule.kind == RuleKind.SIZE:
        return bool(re.search(r"\d", line))
    return False


def _mentions_attribute(text: str, value: str) -> bool:
    return any(
        contains_phrase(text, normalize(p)) for p in (value.replace("-", " "), *ATTRIBUTES.get(value, ()))
    )


def brands_named(text: str) -> list[str]:
    """Known brands named in a normalised text, longest first, without overlaps."""
    found: list[str] = []
    for brand in sorted(KNOWN_BRANDS | set(STORE_BRANDS), key=len, reverse=True):
        if contains_phrase(text, brand) and not any(brand in other for other in found):
            found.append(brand)
    return found


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
    for clause in split_clauses(text):
        found = read_clause(clause, applies_to=applies_to)
        after_exclusions = readings and any(r.kind == RuleKind.EXCLUDE for r in readings[-1][1])
        # Only a fragment after a comma continues a list ("no almonds, cashews"); one after a
        # full stop or semicolon is a sentence of its own ("no peanuts; organic milk").
        if after_exclusions and clause not in sentence_starts and _continues_a_list(clause):
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
    main, unless = _split_condition(text)
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
        _read_price_and_size(main, add, used)
        return [r for r in _scoped(rules, main, used, applies_to) if r.kind != RuleKind.INDIFFERENT] + [
            r for r in rules if r.kind == RuleKind.INDIFFERENT
        ]
    if INDIFFERENCE.search(main) or re.search(r"\bname brands? (?:is|are) (?:fine|ok|okay)\b", main):
        for name, phrases in ATTRIBUTES.items():
            if any(contains_phrase(main, p) for p in (name.replace("-", " "), *phrases)):
                add(RuleKind.INDIFFERENT, name, name)
        if "brand" in main:
            add(RuleKind.INDIFFERENT, "brand", "brand")
        return _scoped(rules, main, used, applies_to)

    def negated(word: str) -> bool:
        return re.search(rf"\b{NEGATION}\s+(?:\w+\s+){{0,2}}{re.escape(word)}\b", main) is not None

    condition = _read_condition(unless)
    _read_exclusions(main, add)
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
        return _scoped(rules, main, used, applies_to, colon=_colon_scope(clause))
    if not contains_phrase(main, "store brand") and re.search(r"\bname brands?\b", main):
        add(RuleKind.STORE_BRAND, "store", "name brand", prefer=negated("name brand"))
    _read_price_and_size(main, add, used)
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
    return _scoped(rules, main, used, applies_to, colon=_colon_scope(clause))


def _colon_scope(clause: str) -> str:
    """ "Canned goods: cheapest per ounce" is about canned goods ("Celiac in the house: ..." isn't)."""
    match = re.match(r"^\s*(?:for\s+)?(?:our\s+|my\s+|the\s+)?([A-Za-z' &-]{3,40}?)\s*:", clause)
    if not match:
        return ""
    named = [w for w in normalize(match[1]).split() if w not in STOPWORDS and w not in NOT_PRODUCTS]
    return match[1] if named else ""


NOT_PRODUCTS = word_set(
    "household house home family kids celiac coeliac lactose intolerant halal kosher vegetarian vegan "
    "allergy allergic students student everything rule rules note diet lunch lunches otherwise whatever's "
    "labelled labeled marked certified"
)


def _only_store_brands(text: str) -> bool:
    names = [normalize(part) for part in re.split(r",|/|\bor\b|\band\b", text) if part.strip()]
    return bool(names) and all(name.rstrip("s") in STORE_BRANDS or name in STORE_BRANDS for name in names)


def _split_condition(text: str) -> tuple[str, str]:
    """ "store brand unless x is under $1 more" -> ("store brand", "x is under $1 more")."""
    match = re.search(r"\b(?:unless|except (?:when|if)|but not if)\b", text)
    if match:
        return text[: match.start()].strip(), text[match.end() :].strip()
    match = re.search(r"\b(?:if|when|as long as|so long as|provided)\b(?=.*(?:\$|\d|cent|¢|same))", text)
    if match:
        return text[: match.start()].strip(), "if " + text[match.end() :].strip()
    return text, ""


def _read_condition(unless: str) -> dict:
    """The price condition of an "unless"/"if" part, as Rule fields ({} when there is none)."""
    amount = _money(unless)
    if amount is None:
        return {}
    is_if = unless.startswith("if ")
    versus = ""
    for name, phrases in ATTRIBUTES.items():
        if any(contains_phrase(unless, p) for p in (name.replace("-", " "), *phrases)):
            versus = name
            break
    if not versus and re.search(
        r"\bname brands?\b|\bnational brands?\b|\bbrand name\b|\bother brands?\b", unless
    ):
        versus = "name brand"
    saving = bool(re.search(r"\b(?:cheaper|less|lower|saves?|off)\b", unless)) and not re.search(
        r"\b(?:under|less than|within|at most|no more than)\b[^.]*\bmore\b", unless
    )
    if is_if:
        # "organic if it's under $1 more": the preference holds only within that premium.
        return {"margin": amount, "margin_kind": "within", "versus": versus}
    if re.search(r"\bmore than\b[^.]*\bmore\b|\bover\b[^.]*\bmore\b", unless) and not saving:
        # "organic unless it's more than $1 more": the same as "if under $1 more".
        return {"margin": amount, "margin_kind": "within", "versus": versus}
    return {"margin": amount, "margin_kind": "saving" if saving else "premium", "versus": versus}


def _money(text: str) -> Decimal | None:
    match = MONEY.search(text)
    if not match:
        return None
    if match.group(3):
        return Decimal(match.group(3)) / 100
    return Decimal(match.group(1) or match.group(2))


PRICE_WORDS = r"cheapest|lowest price|least expensive|cheaper one|budget|inexpensive|cheap"
UNIT_PRICE_WORDS = (
    r"(?:best |lowest )?(?:price |value |cost )?per "
    r"(?:ounce|oz|pound|lb|roll|sheet|unit|count|item|egg|load|can)"
    r"|best value|good value|unit price|price per|per ounce|per oz|per pound|per lb|per roll|per sheet"
    r"|per unit|per count|per item|best deal|most for the money|bang for (?:the|your) buck"
)
LARGE_WORDS = (
    r"largest|biggest|bigger|bulk|family size|family pack|big pack|large size|larger|jumbo pack|value pack"
)
SMALL_WORDS = r"smallest|small size|single serve|smaller|small pack"


def _read_price_and_size(main: str, add, used: list[str]) -> None:
    if match := re.search(rf"\b(?:{UNIT_PRICE_WORDS})\b", main):
        add(RuleKind.PRICE, "unit_price", match[0])
        if cheap := re.search(rf"\b(?:{PRICE_WORDS})\b", main):
            used.append(cheap[0])
    elif (match := re.search(rf"\b(?:{PRICE_WORDS})\b", main)) and not re.search(
        rf"\b{NEGATION}\s+(?:\w+\s+)?{match[0]}", main
    ):
        add(RuleKind.PRICE, "cheapest", match[0])
    if match := re.search(r"\b(?:on sale|sales|promotions?|deals|discounts?|specials)\b", main):
        add(RuleKind.ON_SALE, "on_sale", match[0])
    if (match := re.search(rf"\b(?:{LARGE_WORDS})\b", main)) and not (
        re.search(rf"\b(?:{UNIT_PRICE_WORDS})\b", main) and re.search(r"\b(?:when|if|only)\b", main)
    ):
        add(RuleKind.SIZE, "largest", match[0])
    elif match:
        used.append(match[0])  # "Bigger size only when it's cheaper per ounce": a price rule
    elif match := re.search(rf"\b(?:{SMALL_WORDS})\b", main):
        add(RuleKind.SIZE, "smallest", match[0])
    else:
        for name, target in SIZE_TARGETS.items():
            if contains_phrase(main, name):
                add(RuleKind.SIZE, name, name, size_target=target)
                break


def _read_exclusions(main: str, add) -> None:
    found: set[str] = set()
    negation = re.search(rf"\b{NEGATION}\s+", main)
    after_negation = main[negation.end() :] if negation else ""
    allergy = re.search(r"\ballerg|\bintoleran|\bsensitiv|\bceliac|\bcoeliac", main)
    for name in sorted(EXCLUSION_NAMES, key=len, reverse=True):
        key = EXCLUSION_NAMES[name]
        escaped = re.escape(name)
        patterns = (
            # "nut-free" alone or of the household is a household rule; "nut-free granola" an attribute.
            rf"\b{escaped}s?\s*free\b(?!\s+(?!household|home|house|family|kitchen|everything)\w)",
            rf"\ballerg(?:ic|y|ies)\s+(?:to\s+)?(?:\w+\s+)?{escaped}s?\b",
            rf"\b{escaped}s?\s+(?:allerg(?:y|ies|ic)|sensitiv\w*)\b",
        )
        listed = bool(after_negation) and contains_phrase(after_negation, name)
        free = re.search(patterns[0], main)
        if free and _names_products(main[: free.start()]):
            # "oats only if labelled gluten-free" asks for an attribute of oats, not a household rule.
            patterns = patterns[1:]
        if name in ("celiac", "coeliac"):
            listed = contains_phrase(main, name)
        if not (listed or any(re.search(p, main) for p in patterns)) or key in found:
            continue
        if any(name in other for other in found | {u for u in _used_names(found)}):
            continue
        found.add(key)
        add(RuleKind.EXCLUDE, key, name, prefer=False, strong=True)
    del allergy


def _names_products(text: str) -> bool:
    return any(
        w not in STOPWORDS and w not in NOT_PRODUCTS and w not in LABEL_WORDS and len(w) > 2
        for w in text.split()
    )


LABEL_WORDS = word_set("labelled labeled marked certified says say said label")


def _used_names(found: set[str]) -> set[str]:
    return {name for name, key in EXCLUSION_NAMES.items() if key in found}


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
        if re.search(
            rf"\b(?:prefer|like|love|buy|get|use|want|is|are|always|only|no|never|avoid)\s+{re.escape(name)}\b|\b{re.escape(name)}\s+(?:brand|for|only|is|are)\b",
            main,
        ):  # noqa: E501
            found.append((name, False))
    return found


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


def _scoped(rules: list[Rule], main: str, used: list[str], applies_to: str, colon: str = "") -> list[Rule]:
    """Give each rule the products its clause names: an explicit "applies to", the words after
    "for"/before a colon, else what is left once rule words are taken out."""
    if not rules:
        return []
    if applies_to.strip():
        scope: tuple[str, ...] = (normalize(applies_to),)
    elif colon:
        # "Cleaning and paper goods: cheapest store brand" is about both.
        scope = tuple(p for p in (normalize(x) for x in re.split(r",|\band\b|&|/", colon)) if p)
    elif all(rule.kind == RuleKind.EXCLUDE for rule in rules):
        scope = ()  # allergens and diets hold for every item unless a line says otherwise
    else:
        scope = _scope_words(main, used)
    scoped = []
    for rule in rules:
        rule_scope = () if rule.kind == RuleKind.EXCLUDE and not applies_to.strip() else scope
        qualifier = tuple(w for s in rule_scope for w in phrase(s).split() if w not in PACKAGING)
        scoped.append(
            replace(rule, scope=rule_scope, qualifier=qualifier if rule.kind == RuleKind.BRAND else ())
        )
    return scoped


def _scope_words(main: str, used: list[str]) -> tuple[str, ...]:
    explicit = re.match(
        r"^(?:for\s+)?(?:our\s+|my\s+|the\s+)?([a-z' ]+?)\s*(?::|\bis\b|\bare\b|\bshould be\b|\bmeans\b)\s",
        main + " ",
    )
    rest = main
    if match := re.search(r"\bfor\s+(?:our\s+|the\s+|my\s+)?([a-z' &]+)$", main):
        before = main[: match.start()]
        for item in used:
            before = re.sub(rf"(?<![a-z0-9]){re.escape(item)}s?(?![a-z0-9])", " ", before)
        # "Heinz for ketchup" is about ketchup; "apple juice boxes for the lunches" about the boxes.
        if not [w for w in before.split() if w not in STOPWORDS and w not in NOT_PRODUCTS and len(w) > 2]:
            rest = match[1]
        else:
            rest = main[: match.start()]
    elif explicit and not any(explicit[1].strip() == u for u in used):
        rest = explicit[1]
    for item in sorted(used, key=len, reverse=True):
        rest = re.sub(rf"(?<![a-z0-9]){re.escape(item)}s?(?![a-z0-9])", " , ", rest)
    rest = re.sub(r"\$\s*\d+(?:\.\d+)?|\d+(?:\.\d+)?\s*(?:%|cents?|¢)?", " ", rest)
    phrases = []
    for chunk in re.split(r"\s*(?:,|\band\b|\bor\b|&|/|\bfor\b|\bis\b|\bare\b|:|\bif\b|\bwhen\b)\s*", rest):
        kept = [
            w
            for w in chunk.split()
            if w not in STOPWORDS
            and w.removesuffix("'s") not in STOPWORDS
            and w not in NOT_PRODUCTS
            and len(w) > 1
            and w not in ("brand", "name")
        ]
        while len(kept) > 1 and kept[0] in PACKAGING:
            kept.pop(0)  # "pack of paper towels" is about paper towels
        if kept:
            phrases.append(expand_shorthand(" ".join(kept)))
    if any(w in ("everything", "anything", "all") for w in main.split()) and not phrases:
        return ()
    return tuple(dict.fromkeys(phrases))


# --- Describing ---------------------------------------------------------------------------


def describe_rule(rule: Rule) -> str:
    """What the picker does with a rule, in the shopper's terms: "Prefers: free-range (eggs, poultry)"."""
    if rule.kind == RuleKind.NO_SUBSTITUTES:
        return "Never a substitute: asks when the exact product isn't there"
    if rule.kind == RuleKind.INDIFFERENT:
        return "Doesn't mind: " + ("which brand" if rule.value == "brand" else f"{rule.value} or not")
    if rule.kind == RuleKind.EXCLUDE:
        verb = "Never buys"
    elif rule.prefer:
        verb = "Insists on" if rule.strong else "Prefers"
    else:
        verb = "Never buys" if rule.strong else "Avoids"
    what = {
        RuleKind.BRAND: f"{brand_title(rule.value)} brand",
        RuleKind.STORE_BRAND: "the store brand",
        RuleKind.ON_SALE: "what is on sale",
        RuleKind.PRICE: "the lowest price" if rule.value == "cheapest" else "the best price per unit",
        RuleKind.EXCLUDE: EXCLUSIONS[rule.value].label if rule.value in EXCLUSIONS else rule.value,
    }.get(rule.kind, rule.value)
    if rule.kind == RuleKind.SIZE:
        what = f"the {rule.value} size" if rule.size_target is None else f"a {rule.value} size"
    scope = f" ({', '.join(rule.scope)})" if rule.scope else " (every item)"
    unless = ""
    if rule.margin is not None:
        other = rule.versus or ("a name brand" if rule.kind == RuleKind.STORE_BRAND else "the alternative")
        unless = {
            "premium": f", unless {other} costs less than ${rule.margin:.2f} more",
            "saving": f", unless {other} is more than ${rule.margin:.2f} cheaper",
            "within": f", when it costs less than ${rule.margin:.2f} more",
            "on_sale": f", unless {other} is on sale"
            if rule.kind == RuleKind.STORE_BRAND
            else ", when it's on sale",
        }[rule.margin_kind]
        unless += "" if rule.margin_kind == "on_sale" else " (compared per unit)"
    note = "" if rule.known_brand else " — a name we check against the store's brands"
    return f"{verb}: {what}{scope}{unless}{note}"


def brand_title(brand: str) -> str:
    """ "dave's killer bread" -> "Dave's Killer Bread" (str.title() would say "Dave'S")."""
    return " ".join(word[:1].upper() + word[1:] for word in brand.split())


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
