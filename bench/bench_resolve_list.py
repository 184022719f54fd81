"""Benchmark: resolving a 25-line shopping list through OUR API against the sandbox.

Starts `manage.py runserver` on 127.0.0.1 in sandbox mode with a throwaway SQLite database
(nothing else is touched; no network beyond loopback), and a second one as "Kroger" (its
sandbox; a process of its own, so its work does not share our process), injects latency into
every Kroger call the sandbox answers (`POST /sandbox/kroger/_faults`, products and token), and
times
`POST /api/lists/{id}/resolve` end to end (personal API token, DRF, the database, our
Kroger client, the sandbox over real HTTP) for:

- concurrent: 25 lines, none remembered, searches on the bounded pool (LIST_RESOLVE_WORKERS=25);
- one at a time: the same list on a second server with LIST_RESOLVE_WORKERS=1;
- remembered: the same list after every line was remembered (no search: one batched lookup of
  today's prices and stock for the 25 remembered products).

Prints `ratio_sequential_vs_concurrent` (target ≥ 10), the concurrent resolve in Kroger round
trips (`concurrent_in_kroger_round_trips`, target ≤ 2.5) and what a remembered list costs
beyond its one batched lookup (`remembered_ms_beyond_the_batched_lookup`, target ≤ 50): the
lookup is timed on its own too (our Kroger client, the same 25 products, store and latency), so
what "Kroger" takes to answer it is not counted as ours; `remembered_ms_beyond_the_injected_latency`
is the older, stricter figure (everything beyond the latency).

Search caching is switched off (KROGER_PRODUCT_CACHE_SECONDS=0), so every run really calls
Kroger; the app token is fetched once before timing. Each figure is the median of --runs.

Usage (from the repository root):

    .venv/bin/python bench/bench_resolve_list.py [--runs 5] [--latency-ms 200] [--workers 25]

Not part of the test suite.
"""

import argparse
import json
import sys
import time

import requests
from harness import ROOT, STORE, create_shopper, server, site, summary

LINES = [
    *("milk", "a dozen eggs", "bananas", "2 lb ground beef", "bread", "butter", "coffee", "chicken breast"),
    *("apples", "cheddar cheese", "yogurt", "rice", "pasta", "orange juice", "paper towels", "cereal"),
    *("tomatoes", "onions", "potatoes", "bacon", "lettuce", "carrots", "broccoli", "sour cream", "flour"),
]


class Api:
    def __init__(self, base: str, token: str):
        self.base, self.headers = base, {"Authorization": f"Bearer {token}"}

    def post(self, path: str, body: dict) -> dict:
        # A new connection per request: runserver answers reused keep-alive connections ~40 ms late.
        response = requests.post(self.base + path, json=body, headers=self.headers, timeout=60)
        response.raise_for_status()
        return response.json()

    def new_list(self, lines: list[str]) -> int:
        return self.post("/api/lists", {"name": "bench", "text": "\n".join(lines)})["id"]

    def timed_resolve(self, list_id: int) -> tuple[float, dict]:
        started = time.perf_counter()
        body = self.post(f"/api/lists/{list_id}/resolve", {})
        return (time.perf_counter() - started) * 1000, body


def resolve_runs(api: Api, runs: int) -> tuple[list[float], dict]:
    api.timed_resolve(api.new_list(["peanut butter"]))  # fetch the app token before timing
    samples, body = [], {}
    for _ in range(runs):
        elapsed, body = api.timed_resolve(api.new_list(LINES))
        statuses = [item["status"] for item in body["items"]]
        if "pending" in statuses or "error" in statuses or len(statuses) != len(LINES):
            raise SystemExit(f"resolve left lines unresolved: {statuses}")
        if any(item["source"] == "memory" for item in body["items"]):
            raise SystemExit("a line was remembered: the none-remembered figure would be wrong")
        samples.append(elapsed)
    return samples, body


def batched_lookup_runs(kroger: str, product_ids: list[str], runs: int) -> list[float]:
    """The one batched lookup on its own, as the remembered resolve makes it (our Kroger client,
    the same products and store, the same injected latency): what "Kroger" takes to answer it."""
    sys.path.insert(0, str(ROOT))
    from kroger.client import KrogerClient

    client = KrogerClient(
        base_url=f"{kroger}/sandbox/kroger", client_id="personal-shopper-sandbox",
        client_secret="sandbox-secret", product_cache_seconds=0,
    )  # fmt: skip
    client.get_products(product_ids[:1], location_id=STORE)  # the app token, the connection
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        if len(client.get_products(product_ids, location_id=STORE)) != len(set(product_ids)):
            raise SystemExit("the batched lookup did not find every remembered product")
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency-ms", type=int, default=200)
    parser.add_argument("--workers", type=int, default=25, help="LIST_RESOLVE_WORKERS for the concurrent run")
    args = parser.parse_args()

    # No search cache: every run really calls Kroger; no deadline cutting the one-at-a-time runs short.
    with (
        site("bench-resolve-", KROGER_PRODUCT_CACHE_SECONDS="0", LIST_RESOLVE_DEADLINE_S="120") as env,
        # "Kroger" in a process of its own, as in production: its work does not queue behind ours.
        server(env, latency_ms=args.latency_ms) as kroger,
    ):
        kroger_at = {"KROGER_API_BASE_URL": f"{kroger}/sandbox/kroger"}
        with server(env, latency_ms=0, LIST_RESOLVE_WORKERS=str(args.workers), **kroger_at) as base:
            api = Api(base, create_shopper(env))
            concurrent, last = resolve_runs(api, args.runs)
            for item in last["items"]:
                api.post(f"/api/lists/{last['id']}/items/{item['id']}/remember", {})
            remembered = []
            for _ in range(args.runs):
                elapsed, body = api.timed_resolve(api.new_list(LINES))
                if {item["source"] for item in body["items"]} != {"memory"}:
                    raise SystemExit("not every line came from memory")
                remembered.append(elapsed)
            lookup = batched_lookup_runs(kroger, [item["product_id"] for item in body["items"]], args.runs)
        # Same database; the remembered picks would skip the searches, so use a fresh shopper.
        token = create_shopper(env, "bench-shopper-2")
        with server(env, latency_ms=0, LIST_RESOLVE_WORKERS="1", **kroger_at) as base:
            sequential, _ = resolve_runs(Api(base, token), args.runs)

    concurrent_ms, sequential_ms = summary(concurrent)["median_ms"], summary(sequential)["median_ms"]
    remembered_ms, lookup_ms = summary(remembered)["median_ms"], summary(lookup)["median_ms"]
    print(
        json.dumps(
            {
                "lines": len(LINES),
                "injected_latency_ms": {"products": args.latency_ms, "token": args.latency_ms},
                f"concurrent_{args.workers}_workers": summary(concurrent),
                "one_search_at_a_time": summary(sequential),
                "fully_remembered_one_batched_lookup": summary(remembered),
                "the_batched_lookup_alone": summary(lookup),
                "ratio_sequential_vs_concurrent": round(sequential_ms / concurrent_ms, 1),
                "concurrent_in_kroger_round_trips": round(concurrent_ms / args.latency_ms, 2),
                # What our side adds to the one lookup "Kroger" answers (the target: at most 50).
                "remembered_ms_beyond_the_batched_lookup": round(remembered_ms - lookup_ms, 1),
                # The figure as earlier commits reported it: everything beyond the latency.
                "remembered_ms_beyond_the_injected_latency": round(remembered_ms - args.latency_ms, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
