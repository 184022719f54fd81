"""Pick accuracy: score the list picker on the evaluation set, through our public API.

Checks every household file first (bench/picks/evalset.py), then starts one sandbox server
(bench/harness.py: throwaway SQLite database, loopback only, no injected latency) and, for each
household, as a client would: a fresh shopper with a personal API token, each guidance line
via `POST /api/guidance`, the lines via `POST /api/lists` (one per line), then
`POST /api/lists/{id}/resolve`. Each item is scored against its line (bench/picks/score.py) and
the per-kind table is printed as Markdown (or JSON).

Usage (from the repository root):

    .venv/bin/python bench/picks/run.py [--set DIR] [--household NAME] [--verbose] [--json] [--strict]

Not part of the test suite.
"""

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The harness lives in bench/, the project's packages at the repository root.
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parent.parent)]

import requests  # noqa: E402
from evalset import EvalSetError, Household, load_set  # noqa: E402
from harness import STORE, create_shoppers, server, site  # noqa: E402
from score import (  # noqa: E402
    CORRECT,
    RunError,
    Scored,
    markdown_misses,
    markdown_table,
    match_items,
    miss_details,
    score_item,
    tally,
)

from shopping.parsing import MAX_LINES  # noqa: E402

DEFAULT_SET = HERE / "households"


class Api:
    """Our public API as one shopper, over one kept-alive connection (the server runs without Nagle)."""

    def __init__(self, base: str, token: str):
        self.base = base
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def post(self, path: str, body: dict) -> dict:
        response = self.session.post(self.base + path, json=body, timeout=120)
        if response.status_code >= 400:
            raise RunError(f"POST {path} answered {response.status_code}: {response.text[:500]}")
        return response.json()


def run_household(api: Api, household: Household) -> tuple[list[Scored], list[str]]:
    """Score one household's lines; also returns the guidance the picker did not understand."""
    for text in household.guidance:
        api.post("/api/guidance", {"text": text})
    items: list[dict] = []
    not_understood: list[str] = []
    for start in range(0, len(household.lines), MAX_LINES):  # a list holds at most MAX_LINES lines
        chunk = household.lines[start : start + MAX_LINES]
        text = "\n".join(line.text for line in chunk)
        created = api.post(
            "/api/lists", {"name": household.name[:100], "text": text, "location_id": household.store}
        )
        resolved = api.post(f"/api/lists/{created['id']}/resolve", {})
        items.extend(sorted(resolved["items"], key=lambda item: item["position"]))
        not_understood = resolved.get("guidance_not_understood", [])
    pairs = match_items(household, items)
    return [score_item(household.name, line, item) for line, item in pairs], not_understood


def run(households: list[Household]) -> tuple[list[Scored], dict[str, list[str]]]:
    scored: list[Scored] = []
    not_understood: dict[str, list[str]] = {}
    with site("bench-picks-") as env:
        shoppers = [(f"picks-{index:03d}", household.store) for index, household in enumerate(households)]
        tokens = create_shoppers(env, shoppers)
        with server(env, latency_ms=0) as base:
            for household, token in zip(households, tokens, strict=True):
                results, ignored = run_household(Api(base, token), household)
                scored.extend(results)
                if ignored:
                    not_understood[household.name] = ignored
    return scored, not_understood


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_SET, help="directory of household *.json files")
    parser.add_argument("--household", default="", help="only households whose name contains this")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.add_argument("--verbose", action="store_true", help="also list every line that is not correct")
    parser.add_argument("--strict", action="store_true", help="exit 1 if any line is silently wrong")
    args = parser.parse_args()

    started = time.perf_counter()
    try:
        households = load_set(args.set, default_store=STORE, name_filter=args.household)
    except EvalSetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not households:
        print(f"error: no household in {args.set} matches {args.household!r}", file=sys.stderr)
        return 2
    try:
        scored, not_understood = run(households)
    except RunError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    seconds = round(time.perf_counter() - started, 1)

    table = tally(scored)
    misses = [miss_details(result) for result in scored if result.outcome != CORRECT]
    if args.json:
        report = {"set": str(args.set), "households": len(households), "seconds": seconds, "table": table}
        if args.verbose:
            report.update(misses=misses, guidance_not_understood=not_understood)
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(
            f"## Pick accuracy: {len(households)} households, {len(scored)} lines ({args.set}, {seconds} s)\n"
        )
        print(markdown_table(table))
        if args.verbose and misses:
            print("\n### Lines not correct\n")
            print(markdown_misses(misses))
        if args.verbose and not_understood:
            print("\n### Guidance the picker did not understand\n")
            for name, parts in not_understood.items():
                print(f"- **{name}**: {'; '.join(parts)}")
    return 1 if args.strict and table["overall"]["silent_wrong"] else 0


if __name__ == "__main__":
    sys.exit(main())
