"""Benchmark: resolving a 25-line shopping list through OUR API against the sandbox.

Starts `manage.py runserver` on 127.0.0.1 in sandbox mode with a throwaway SQLite database
(nothing else is touched; no network beyond loopback), injects latency into every Kroger call
the sandbox answers (`POST /sandbox/kroger/_faults`, products and token), and times
`POST /api/lists/{id}/resolve` end to end (personal API token, DRF, the database, our
Kroger client, the sandbox over real HTTP) for:

- concurrent: 25 lines, none remembered, searches on the bounded pool (LIST_RESOLVE_WORKERS=8);
- one at a time: the same list on a second server with LIST_RESOLVE_WORKERS=1;
- remembered: the same list after every line was remembered (no Kroger call at all).

Search caching is switched off (KROGER_PRODUCT_CACHE_SECONDS=0), so every run really calls
Kroger; the app token is fetched once before timing. Each figure is the median of --runs.

Usage (from the repository root):

    .venv/bin/python bench/bench_resolve_list.py [--runs 5] [--latency-ms 200]

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
from contextlib import contextmanager
from pathlib import Path

import requests
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
STORE = "01400943"
LINES = [
    *("milk", "a dozen eggs", "bananas", "2 lb ground beef", "bread", "butter", "coffee", "chicken breast"),
    *("apples", "cheddar cheese", "yogurt", "rice", "pasta", "orange juice", "paper towels", "cereal"),
    *("tomatoes", "onions", "potatoes", "bacon", "lettuce", "carrots", "broccoli", "sour cream", "flour"),
]
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


def summary(samples: list[float]) -> dict[str, float]:
    return {
        "runs": len(samples),
        "median_ms": round(statistics.median(samples), 1),
        "min_ms": round(min(samples), 1),
        "max_ms": round(max(samples), 1),
    }


def base_env(tmp: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "true",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "KROGER_SANDBOX": "true",
        "KROGER_CLIENT_ID": "",
        "KROGER_CLIENT_SECRET": "",
        "KROGER_REDIRECT_URI": "",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
        "CACHE_URL": "locmem://",
        "KROGER_PRODUCT_CACHE_SECONDS": "0",
        "API_THROTTLE_RATE": "100000/min",
        "KROGER_API_THROTTLE_RATE": "100000/min",
        "LLM_API_BASE_URL": "",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


@contextmanager
def server(env: dict[str, str], *, workers: int, latency_ms: int):
    """A runserver on a free port talking to its own sandbox, with Kroger latency injected."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **env,
        "SITE_URL": base,
        "KROGER_API_BASE_URL": f"{base}/sandbox/kroger",
        "LIST_RESOLVE_WORKERS": str(workers),
    }
    process = subprocess.Popen(
        [PYTHON, str(ROOT / "manage.py"), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise SystemExit(f"runserver exited early with code {process.returncode}")
            try:
                requests.get(f"{base}/sandbox/kroger/cart", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise SystemExit("runserver did not start within 30 s") from None
                time.sleep(0.2)
        for endpoint in ("products", "token"):
            requests.post(
                f"{base}/sandbox/kroger/_faults",
                json={"endpoint": endpoint, "latency_ms": latency_ms},
                timeout=5,
            ).raise_for_status()
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--latency-ms", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-resolve-") as tmp:
        env = base_env(tmp)
        manage = [PYTHON, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
        created = subprocess.run(
            [*manage, "shell", "-c", CREATE_SHOPPER.format(store=STORE)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        token = created.stdout.strip().splitlines()[-1]

        with server(env, workers=8, latency_ms=args.latency_ms) as base:
            api = Api(base, token)
            concurrent, last = resolve_runs(api, args.runs)
            for item in last["items"]:
                api.post(f"/api/lists/{last['id']}/items/{item['id']}/remember", {})
            remembered = []
            for _ in range(args.runs):
                elapsed, body = api.timed_resolve(api.new_list(LINES))
                if {item["source"] for item in body["items"]} != {"memory"}:
                    raise SystemExit("not every line came from memory")
                remembered.append(elapsed)
        # Same database; the remembered picks would skip the searches, so use a fresh shopper.
        created = subprocess.run(
            [
                *manage,
                "shell",
                "-c",
                CREATE_SHOPPER.replace("bench-shopper", "bench-shopper-2").format(store=STORE),
            ],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        with server(env, workers=1, latency_ms=args.latency_ms) as base:
            sequential, _ = resolve_runs(Api(base, created.stdout.strip().splitlines()[-1]), args.runs)

    print(
        json.dumps(
            {
                "lines": len(LINES),
                "injected_latency_ms": {"products": args.latency_ms, "token": args.latency_ms},
                "concurrent_8_workers": summary(concurrent),
                "one_search_at_a_time": summary(sequential),
                "fully_remembered_no_kroger_call": summary(remembered),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
