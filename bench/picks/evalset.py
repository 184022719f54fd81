"""The pick-accuracy evaluation set: households/*.json, loaded and checked before anything runs.

One file per household:

    {"household": "The Garcias", "store": "01400943",
     "guidance": ["free-range eggs", "no peanuts - allergy"],
     "lines": [{"text": "2 lb ground beef", "kind": "size", "accept": ["0001111040003"], "why": "..."}]}

`store` is optional; `accept` lists the acceptable 13-digit product IDs, and `[]` means the line
must be flagged for the shopper's choice. Every check names the file and line, because the set
is written by hand and a typo should cost one error message, not a wrong figure.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from kroger.sandbox import locations
from kroger.sandbox.catalogue import products_by_upc
from shopping.parsing import parse_line, split_list_text

PRODUCT_ID = re.compile(r"^[0-9]{13}$")


class EvalSetError(ValueError):
    """An evaluation file that cannot be scored as written."""


@dataclass(frozen=True)
class EvalLine:
    text: str
    kind: str
    accept: tuple[str, ...]
    why: str = ""

    @property
    def must_flag(self) -> bool:
        """`accept: []`: no product is right, so the picker must ask."""
        return not self.accept


@dataclass(frozen=True)
class Household:
    name: str
    path: Path
    store: str
    guidance: tuple[str, ...]
    lines: tuple[EvalLine, ...]


def load_set(directory: Path, *, default_store: str, name_filter: str = "") -> list[Household]:
    """Every household in `directory` (sorted by file name) whose name contains `name_filter`.

    Raises EvalSetError for a missing or empty directory and for any invalid file.
    """
    if not directory.is_dir():
        raise EvalSetError(f"{directory}: no such directory")
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise EvalSetError(f"{directory}: no *.json household files")
    households = [load_household(path, default_store=default_store) for path in paths]
    wanted = name_filter.lower()
    return [household for household in households if wanted in household.name.lower()]


def load_household(path: Path, *, default_store: str) -> Household:
    """One household file, checked. Raises EvalSetError naming the file (and line) at fault."""
    try:
        data = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise EvalSetError(f"{path}: not readable JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise EvalSetError(f"{path}: the top level must be an object")
    name = data.get("household")
    if not isinstance(name, str) or not name.strip():
        raise EvalSetError(f"{path}: 'household' must be a non-empty string")
    store = data.get("store", default_store)
    if not isinstance(store, str) or locations.get_location(store) is None:
        raise EvalSetError(f"{path}: 'store' {store!r} is not a sandbox store")
    guidance = data.get("guidance", [])
    if not isinstance(guidance, list) or not all(isinstance(g, str) and g.strip() for g in guidance):
        raise EvalSetError(f"{path}: 'guidance' must be a list of non-empty strings")
    lines = data.get("lines")
    if not isinstance(lines, list) or not lines:
        raise EvalSetError(f"{path}: 'lines' must be a non-empty list")
    return Household(
        name=name.strip(),
        path=path,
        store=store,
        guidance=tuple(g.strip() for g in guidance),
        lines=tuple(_line(path, number, line) for number, line in enumerate(lines, start=1)),
    )


def _line(path: Path, number: int, data: object) -> EvalLine:
    where = f"{path}: line {number}"
    if not isinstance(data, dict):
        raise EvalSetError(f"{where}: must be an object with text, kind and accept")
    text, kind, accept = data.get("text"), data.get("kind"), data.get("accept")
    if not isinstance(text, str) or not text.strip():
        raise EvalSetError(f"{where}: 'text' must be a non-empty string")
    where = f"{path}: line {number} ({text!r})"
    if not isinstance(kind, str) or not kind.strip():
        raise EvalSetError(f"{where}: 'kind' must be a non-empty string")
    if not isinstance(accept, list) or not all(isinstance(a, str) for a in accept):
        raise EvalSetError(f"{where}: 'accept' must be a list of product IDs ([] = must be flagged)")
    for product_id in accept:
        if not PRODUCT_ID.match(product_id):
            raise EvalSetError(f"{where}: accepted ID {product_id!r} is not 13 digits")
        if product_id not in products_by_upc():
            raise EvalSetError(f"{where}: accepted ID {product_id} is not in the sandbox catalogue")
    # The list parser splits on commas and semicolons and drops headings; a line it would not
    # keep as exactly one item could not be matched to its item afterwards.
    parts = split_list_text(text)
    if len(parts) != 1:
        raise EvalSetError(f"{where}: the list parser reads this as {len(parts)} items, not 1: {parts!r}")
    if parse_line(parts[0]) is None:
        raise EvalSetError(f"{where}: the list parser finds nothing to buy in this line")
    return EvalLine(text=text.strip(), kind=kind.strip(), accept=tuple(accept), why=str(data.get("why", "")))
