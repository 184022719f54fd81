"""Scoring resolved list items against the evaluation set, and the report (Markdown or JSON).

Outcomes per line:

- accept non-empty: **correct** when resolved (picked, not needs_choice) with an accepted product;
  **flagged** (a safe miss) when needs_choice / not_found / no product, noting whether an accepted
  product is among the first 3 suggestions; **silent wrong** when resolved with another product.
- accept == []: **correct** when flagged, **silent wrong** when resolved.
"""

from collections import Counter
from dataclasses import dataclass

from evalset import EvalLine, Household

from kroger.sandbox.catalogue import products_by_upc

# Report order for the documented kinds; any other kind follows, alphabetically.
KINDS = (
    "brand",
    "attribute",
    "price",
    "exclusion",
    "identity",
    "size",
    "stock",
    "ambiguous",
    "shorthand",
    "conflict",
)
CORRECT, FLAGGED, SILENT_WRONG = "correct", "flagged", "silent_wrong"
COLUMNS = ("lines", "correct", "flagged", "flagged_top3", "silent_wrong")


class RunError(RuntimeError):
    """The run itself went wrong (a line left pending or failed at Kroger): no figure to report."""


@dataclass(frozen=True)
class Scored:
    household: str
    line: EvalLine
    item: dict
    outcome: str
    right_in_top3: bool

    @property
    def suggestions(self) -> list[dict]:
        return suggestions(self.item)


def suggestions(item: dict) -> list[dict]:
    """The item's product followed by its alternatives, as {"product_id", "description", ...}."""
    first = [item] if item.get("product_id") else []
    return [*first, *item.get("alternatives", [])]


def score_item(household: str, line: EvalLine, item: dict) -> Scored:
    """The outcome of one resolved item. Raises RunError for an item that was not resolved at all."""
    status = item.get("status")
    if status not in ("resolved", "needs_choice", "not_found"):
        raise RunError(f"{household}: {line.text!r} ended {status!r}: {item.get('reason', '')}")
    picked = status == "resolved" and bool(item.get("product_id"))
    top3 = [suggestion.get("product_id") for suggestion in suggestions(item)[:3]]
    if line.must_flag:
        return Scored(household, line, item, SILENT_WRONG if picked else CORRECT, False)
    if picked:
        outcome = CORRECT if item["product_id"] in line.accept else SILENT_WRONG
        return Scored(household, line, item, outcome, False)
    return Scored(household, line, item, FLAGGED, any(pid in line.accept for pid in top3))


def match_items(household: Household, items: list[dict]) -> list[tuple[EvalLine, dict]]:
    """Pair the evaluation lines with the list's items, in order. Raises RunError when they differ."""
    if len(items) != len(household.lines):
        raise RunError(
            f"{household.path}: {len(household.lines)} lines became {len(items)} items; the list parser "
            f"dropped or merged a line: {[item.get('raw_text') for item in items]!r}"
        )
    return list(zip(household.lines, items, strict=True))


def tally(scored: list[Scored]) -> dict[str, dict[str, float]]:
    """Per-kind counts plus an "overall" row: lines, correct, flagged, flagged_top3, silent_wrong, pct."""
    rows: dict[str, Counter] = {}
    for result in scored:
        for key in (result.line.kind, "overall"):
            row = rows.setdefault(key, Counter())
            row["lines"] += 1
            row[result.outcome] += 1
            row["flagged_top3"] += result.right_in_top3
    order = [k for k in KINDS if k in rows] + sorted(k for k in rows if k not in KINDS and k != "overall")
    table = {}
    for kind in [*order, "overall"] if rows else []:
        row = {column: rows[kind][column] for column in COLUMNS}
        row["pct_correct"] = round(100 * row["correct"] / row["lines"], 1)
        table[kind] = row
    return table


def markdown_table(table: dict[str, dict[str, float]]) -> str:
    lines = [
        "| kind | lines | correct | flagged | flagged, right in top 3 | silent wrong | % correct |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, row in table.items():
        label = f"**{kind}**" if kind == "overall" else kind
        counts = " | ".join(str(row[column]) for column in COLUMNS)
        lines.append(f"| {label} | {counts} | {row['pct_correct']:.1f} |")
    return "\n".join(lines)


def describe(product_id: str) -> str:
    """ "Jif Creamy Peanut Butter, 16 oz (Jif)" for a sandbox product ID."""
    product = products_by_upc().get(product_id)
    if product is None:
        return f"{product_id} (not in the sandbox catalogue)"
    brand = f" ({product.brand})" if product.brand else ""
    return f"{product.description}, {product.size}{brand}"


def miss_details(result: Scored) -> dict:
    """What --verbose shows for a line that is not correct."""
    item = result.item
    return {
        "household": result.household,
        "kind": result.line.kind,
        "text": result.line.text,
        "why": result.line.why,
        "outcome": result.outcome,
        "status": item.get("status"),
        "picked": {key: item.get(key, "") for key in ("product_id", "description", "brand", "size")}
        if item.get("product_id")
        else None,
        "reason": item.get("reason", ""),
        "confidence": item.get("confidence"),
        "suggestions": [
            f"{s.get('product_id')} {s.get('description', '')} {s.get('size', '')}".strip()
            for s in result.suggestions[:3]
        ],
        "accepted": [f"{pid} {describe(pid)}" for pid in result.line.accept] or ["(none: must be flagged)"],
    }


def markdown_misses(misses: list[dict]) -> str:
    blocks = []
    for miss in misses:
        picked = miss["picked"]
        picked_text = (
            f"{picked['product_id']} {picked['description']} ({picked['brand']}, {picked['size']})"
            if picked
            else "nothing"
        )
        rows = [
            f"- **{miss['household']}** · {miss['kind']} · `{miss['text']}` → {miss['outcome']}",
            f"  - status {miss['status']}, picked {picked_text}, confidence {miss['confidence']}",
            f"  - reason: {miss['reason'] or '(none)'}",
            f"  - top 3: {'; '.join(miss['suggestions']) or '(none)'}",
            f"  - accepted: {'; '.join(miss['accepted'])}",
        ]
        if miss["why"]:
            rows.append(f"  - why: {miss['why']}")
        blocks.append("\n".join(rows))
    return "\n".join(blocks)
