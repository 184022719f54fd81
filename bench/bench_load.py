"""Load on the real engines: gunicorn (N workers) + PostgreSQL + Redis, over loopback.

Starts a throwaway PostgreSQL cluster (as the `postgres` user, like .ci/run) and a throwaway
redis-server on free 127.0.0.1 ports, migrates, creates one shopper with a personal API token and
50 remembered picks, runs `gunicorn shopper.wsgi` (our gunicorn.conf.py) with DEBUG off, and sends
a bounded number of requests from a few client threads (kept-alive connections) to:

- `GET /api/user`            the shopper (token auth, throttle, a few queries);
- `GET /api/selections`      50 remembered picks, one page;
- `GET /api/lists/{id}`      a 25-line list, every line picked with 3 alternatives;
- `GET /api/_bench/bare`     a bare DRF view with the same token authentication (test-only URL,
                             `BENCH_BARE_VIEW`, sandbox only, never in production).

Prints JSON: requests/s and latency per endpoint, and `ratio_*_vs_bare` (throughput relative to
the bare view; the target is ≥ 0.6). Everything it starts is stopped at the end; nothing leaves
loopback. Not part of the tests.

    .venv/bin/python bench/bench_load.py              # --workers 2 --clients 8 --requests 1500
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engines import postgres, redis, wait_for_port  # noqa: E402
from harness import ROOT, free_port, sandbox_env, summary  # noqa: E402

SETUP = """
from decimal import Decimal
from accounts.access import household_of
from accounts.models import ApiToken, User
from shopping.models import ListItem, Selection, ShoppingList
user = User.objects.create_user("load-shopper", preferred_location_id="01400943")
household = household_of(user)
secret = ApiToken.new_secret()
ApiToken.objects.create(user=user, name="bench", key_hash=ApiToken.hash_secret(secret), key_prefix=secret[:8])
Selection.objects.bulk_create(
    Selection(owner=user, household=household, term=f"item {n}", normalized_term=f"item {n}",
              location_id="01400943", product_id=f"{n:013d}", description=f"Product {n}",
              regular_price=Decimal("1.99"))
    for n in range(50)
)
shopping_list = ShoppingList.objects.create(owner=user, household=household, name="Weekly",
                                            location_id="01400943",
                                            raw_text="\\n".join(f"item {n}" for n in range(25)))
alternative = {"product_id": "0000000000099", "description": "Other product", "brand": "Kroger",
               "size": "1 gal", "image_url": "", "regular_price": "2.99", "promo_price": None,
               "price": "2.99", "stock_level": "HIGH", "sold_by": "UNIT", "average_weight": None}
ListItem.objects.bulk_create(
    ListItem(shopping_list=shopping_list, position=n, raw_text=f"item {n}", term=f"item {n}",
             status="resolved", source="search", product_id=f"{n:013d}", description=f"Product {n}",
             brand="Kroger", size="1 gal", regular_price=Decimal("2.99"), promo_price=Decimal("2.49"),
             confidence=0.9, reason="Best match", alternatives=[alternative] * 3)
    for n in range(25)
)
print(shopping_list.pk)
print(secret)
"""
ENDPOINTS = {
    "bare": "/api/_bench/bare",
    "user": "/api/user",
    "selections": "/api/selections?page_size=50",
    "list": "/api/lists/{list_id}",
}


def load(base: str, path: str, token: str, *, clients: int, total: int) -> tuple[list[float], float, int]:
    """`total` GETs of `path` from `clients` threads, each on its own kept-alive connection;
    returns the latencies (ms), the seconds it took and how many answers were not 200."""
    latencies: list[float] = []
    errors = []
    lock = threading.Lock()
    counter = iter(range(total))

    def client() -> None:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        while True:
            with lock:
                if next(counter, None) is None:
                    return
            started = time.perf_counter()
            response = session.get(base + path, timeout=10)
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                if response.status_code != 200:
                    errors.append(response.status_code)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, time.perf_counter() - started, len(errors)


def workers_cpu_seconds(server: subprocess.Popen) -> float:
    """User + system CPU the gunicorn workers (the master's children) have used so far."""
    children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
    ticks = 0
    for pid in children:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(stat[11]) + int(stat[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(server: subprocess.Popen, base: str, endpoints: dict, token: str, args) -> dict:
    """Each endpoint in `args.rounds` rounds, interleaved (bare, user, …, bare, user, …), so a
    change in the machine's other load touches every endpoint alike; fresh connections each round."""
    per_round = max(args.requests // args.rounds, 1)
    seen: dict[str, dict] = {
        name: {"latencies": [], "seconds": 0.0, "errors": 0, "cpu": 0.0} for name in endpoints
    }
    for _ in range(args.rounds):
        for name, path in endpoints.items():
            cpu_before = workers_cpu_seconds(server)
            latencies, seconds, errors = load(base, path, token, clients=args.clients, total=per_round)
            figures = seen[name]
            figures["cpu"] += workers_cpu_seconds(server) - cpu_before
            figures["latencies"] += latencies
            figures["seconds"] += seconds
            figures["errors"] += errors
    return {
        name: {
            "rps": round(len(figures["latencies"]) / figures["seconds"], 1),
            "errors": figures["errors"],
            "worker_cpu_ms_per_request": round(figures["cpu"] * 1000 / len(figures["latencies"]), 2),
            **summary(figures["latencies"]),
        }
        for name, figures in seen.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=1500, help="per endpoint, over all rounds")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-load-")))
        database_url = stack.enter_context(postgres(tmp))
        redis_url = stack.enter_context(redis(tmp))
        port = free_port()
        env = sandbox_env(
            DEBUG="false",
            SITE_URL=f"http://127.0.0.1:{port}",
            SECURE_SSL_REDIRECT="false",
            SECURE_HSTS_SECONDS="0",
            DATABASE_URL=database_url,
            CACHE_URL=f"{redis_url}/0",
            CELERY_BROKER_URL=f"{redis_url}/1",
            API_THROTTLE_RATE="1000000/min",
            BENCH_BARE_VIEW="true",
            STATIC_ROOT=str(tmp / "static"),
            GUNICORN_BIND=f"127.0.0.1:{port}",
            GUNICORN_WORKERS=str(args.workers),
            GUNICORN_THREADS=str(args.threads),
            GUNICORN_ACCESS_LOG="/dev/null",
            # Steady state: no worker is recycled mid-measurement (gunicorn.conf.py's max_requests).
            GUNICORN_MAX_REQUESTS="0",
            # A worker takes no more connections than it has threads: the few kept-alive client
            # connections spread over the workers as many clients' would, instead of all going
            # to whichever worker woke first (which then serves them while the others idle).
            GUNICORN_WORKER_CONNECTIONS=str(args.threads),
        )
        (tmp / "static").mkdir()
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
        list_id, token = (
            subprocess.run(
                [*manage, "shell", "-c", SETUP], env=env, cwd=ROOT, check=True, capture_output=True, text=True
            )
            .stdout.strip()
            .splitlines()[-2:]
        )
        endpoints = {name: path.format(list_id=list_id) for name, path in ENDPOINTS.items()}
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "shopper.wsgi"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        stack.callback(lambda: (server.terminate(), server.wait(timeout=20)))
        wait_for_port(port, server)
        base = f"http://127.0.0.1:{port}"
        for path in endpoints.values():  # warm up every worker's connections and caches
            load(base, path, token, clients=args.clients, total=args.clients * 10)
        results = measure(server, base, endpoints, token, args)

    bare = results["bare"]["rps"]
    print(
        json.dumps(
            {
                "workers": args.workers,
                "threads": args.threads,
                "clients": args.clients,
                "requests_per_endpoint": args.requests,
                "rounds": args.rounds,
                **results,
                "ratio_user_vs_bare": round(results["user"]["rps"] / bare, 2),
                "ratio_selections_vs_bare": round(results["selections"]["rps"] / bare, 2),
                "ratio_list_vs_bare": round(results["list"]["rps"] / bare, 2),
                # The same comparison by the server's own CPU: the client and engines left out.
                "cpu_ratio_selections_vs_bare": round(
                    results["bare"]["worker_cpu_ms_per_request"]
                    / results["selections"]["worker_cpu_ms_per_request"],
                    2,
                ),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
