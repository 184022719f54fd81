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
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
STORE = "01400943"
# The sandbox guarantees sensible results for these at every store (team brief).
TERMS = [
    "milk", "eggs", "bananas", "ground beef", "bread", "butter", "coffee", "chicken breast", "apples",
    "cheddar cheese", "yogurt", "rice", "pasta", "orange juice", "paper towels", "cereal", "tomatoes",
    "onions", "potatoes", "bacon",
]  # fmt: skip
CREATE_SHOPPER = """
from accounts.models import ApiToken, User
user = User.objects.create_user("bench-shopper", preferred_location_id="{store}")
secret = ApiToken.new_secret()
ApiToken.objects.create(user=user, name="bench", key_hash=ApiToken.hash_secret(secret), key_prefix=secret[:8])
print(secret)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(percentile(samples, 95), 1),
        "min_ms": round(min(samples), 1),
        "max_ms": round(max(samples), 1),
    }


def wait_until_up(url: str, server: subprocess.Popen, deadline_seconds: float = 30) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"runserver exited early with code {server.returncode}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise SystemExit("runserver did not start within 30 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20, help="searches per phase (max 20 distinct terms)")
    parser.add_argument("--latency-ms", type=int, default=150, help="latency injected into Kroger calls")
    args = parser.parse_args()
    n = max(1, min(args.n, len(TERMS)))
    port = free_port()
    base = f"http://127.0.0.1:{port}"

    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        env = {
            **os.environ,
            "DEBUG": "true",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "KROGER_SANDBOX": "true",
            # Never real Kroger, whatever a local .env says: the sandbox's own app and URL.
            "KROGER_API_BASE_URL": f"{base}/sandbox/kroger",
            "KROGER_CLIENT_ID": "",
            "KROGER_CLIENT_SECRET": "",
            "KROGER_REDIRECT_URI": "",
            "SITE_URL": base,
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "CACHE_URL": "locmem://",
            "API_THROTTLE_RATE": "100000/min",
            "KROGER_API_THROTTLE_RATE": "100000/min",
            "LOG_LEVEL": "WARNING",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        # A .env in the repository would be read too; real environment variables win over it.
        manage = [PYTHON, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
        token = (
            subprocess.run(
                [*manage, "shell", "-c", CREATE_SHOPPER.format(store=STORE)],
                env=env,
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )

        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(f"{base}/sandbox/kroger/cart", server)
            headers = {"Authorization": f"Bearer {token}"}
            for endpoint in ("products", "token"):
                requests.post(
                    f"{base}/sandbox/kroger/_faults",
                    json={"endpoint": endpoint, "latency_ms": args.latency_ms},
                    timeout=5,
                ).raise_for_status()

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
        finally:
            server.terminate()
            server.wait(timeout=10)

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
