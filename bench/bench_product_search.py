"""Benchmark: product search through OUR API against the sandbox with injected Kroger latency.

Starts its own `manage.py runserver` on 127.0.0.1 in sandbox mode with a throwaway SQLite
database (nothing else is touched, no network beyond loopback), creates a shopper with a
personal API token, injects latency into the sandbox's products (and token) endpoints, then
times `GET /api/products?term=...&location_id=01400943`:

- cold: the first search for each of N different terms (every one a Kroger call);
- warm: the same N searches again (answered from our search cache).

Usage (from the repository root):

    .venv/bin/python bench/bench_product_search.py [--n 20] [--latency-ms 150]

Not part of the test suite.
"""

import argparse
import json
import time

import requests
from harness import STORE, create_shopper, server, site, summary

# The sandbox guarantees sensible results for these at every store (team brief).
TERMS = [
    "milk", "eggs", "bananas", "ground beef", "bread", "butter", "coffee", "chicken breast", "apples",
    "cheddar cheese", "yogurt", "rice", "pasta", "orange juice", "paper towels", "cereal", "tomatoes",
    "onions", "potatoes", "bacon",
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="searches per phase (max 20 distinct terms)")
    parser.add_argument("--latency-ms", type=int, default=150, help="latency injected into Kroger calls")
    args = parser.parse_args()
    n = max(1, min(args.n, len(TERMS)))

    with site("bench-search-") as env, server(env, latency_ms=args.latency_ms) as base:
        headers = {"Authorization": f"Bearer {create_shopper(env)}"}

        def search(term: str) -> float:
            started = time.perf_counter()
            # A new connection per request: runserver's keep-alive answers reused connections
            # ~40 ms late (Nagle + delayed ACK), which would swamp the warm-cache figure.
            response = requests.get(
                f"{base}/api/products",
                params={"term": term, "location_id": STORE},
                headers=headers,
                timeout=30,
            )
            elapsed = (time.perf_counter() - started) * 1000
            response.raise_for_status()
            if not response.json()["results"]:
                raise SystemExit(f"no results for {term!r}: the benchmark would be meaningless")
            return elapsed

        # Fetch (and cache) the app token first, so the cold figures are searches only.
        first_call = search("peanut butter")
        cold = [search(term) for term in TERMS[:n]]
        warm = [search(term) for term in TERMS[:n]]

    print(
        json.dumps(
            {
                "injected_latency_ms": {"products": args.latency_ms, "token": args.latency_ms},
                "first_call_incl_app_token_ms": round(first_call, 1),
                "cold_cache": summary(cold),
                "warm_cache": summary(warm),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
