"""Fault run: a 25-line resolve through our API while Kroger (the sandbox) and PostgreSQL misbehave.

Starts a throwaway PostgreSQL cluster and redis-server on free 127.0.0.1 ports (bench_load.py's
helpers), a sandbox site on them (harness.py: runserver, one process, so the sandbox's faults
hold for every call), and a real `celery -A shopper worker` (Redis broker). Then, each on a fresh
25-line list, with searches uncached:

- `5xx_20pct`:      20% of product searches answer 500;
- `429_burst`:      every search answers 429 (Retry-After: 60) for a few seconds, then none;
- `timeouts_25pct`: a quarter of the searches hang past our Kroger timeout (1 s here);
- `postgres_stopped_mid_resolve`: a 75-line list (the 25 lines three times: three rounds of
  LIST_RESOLVE_WORKERS=25 searches, so the outage lands between rounds rather than after a
  single one), searches take 300 ms and PostgreSQL is stopped as soon as
  the resolve has saved its first lines, started again a few seconds later, then the list is
  resolved in the background (once the dead request's hold on it has expired:
  LIST_RESOLVE_LEASE_S=8 here).

After the interactive `POST /api/lists/{id}/resolve` (deadline LIST_RESOLVE_DEADLINE_S=4 here)
the faults are cleared and the list is watched until the worker has finished it. Prints JSON:
every HTTP status our API answered (target: no 500), lines lost (target: 0), every line picked
or carrying a message, and how many lines the background worker finished. Everything started is
stopped at the end; nothing leaves loopback. Not part of the tests.

    .venv/bin/python bench/bench_faults.py
"""

import json
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_resolve_list import LINES  # noqa: E402
from engines import AS_POSTGRES, postgres, redis  # noqa: E402
from harness import ROOT, create_shopper, server, site  # noqa: E402

FINISH_SECONDS = 120
SETTINGS = {
    "KROGER_PRODUCT_CACHE_SECONDS": "0",
    "KROGER_TIMEOUT_SECONDS": "1",
    "LIST_RESOLVE_DEADLINE_S": "4",
    "LIST_RESOLVE_LEASE_S": "8",
}


class Api:
    """Our API as a client sees it, counting every status it answers."""

    def __init__(self, base: str, token: str):
        self.base, self.statuses = base, Counter()
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def call(self, method: str, path: str, body: dict | None = None) -> requests.Response:
        response = self.session.request(method, self.base + path, json=body, timeout=60)
        self.statuses[response.status_code] += 1
        return response

    def fault(self, **fault) -> None:
        requests.post(f"{self.base}/sandbox/kroger/_faults", json=fault, timeout=5).raise_for_status()

    def clear_faults(self) -> None:
        requests.delete(f"{self.base}/sandbox/kroger/_faults", timeout=5).raise_for_status()


# Longer than one round of concurrent searches, so PostgreSQL stops while later lines are out.
OUTAGE_LINES = LINES * 3


def lines_of(body: dict) -> dict:
    items = body["items"]
    asked = len(OUTAGE_LINES) if body["name"] == OUTAGE else len(LINES)
    return {
        "picked": sum(1 for i in items if i["product_id"]),
        "pending_slow": sum(1 for i in items if i["status"] == "pending" and i["reason"]),
        "failed_with_message": sum(1 for i in items if i["status"] == "error" and i["reason"]),
        "other_with_message": sum(
            1
            for i in items
            if not i["product_id"] and i["status"] in ("not_found", "needs_choice") and i["reason"]
        ),
        "not_looked_up_yet": sum(1 for i in items if i["status"] == "pending" and not i["reason"]),
        "lost": asked - len(items),
    }


def wait_until_finished(api: Api, list_id: int) -> tuple[dict, float]:
    """The list once nothing is left to look up and nobody holds it (or FINISH_SECONDS passed)."""
    started = time.monotonic()
    while True:
        response = api.call("GET", f"/api/lists/{list_id}")
        if response.status_code == 200:
            body = response.json()
            if body["progress"]["looking"] == 0 and body["progress"]["failed"] == 0 and not body["resolving"]:
                return body, time.monotonic() - started
            if time.monotonic() - started > FINISH_SECONDS:
                return body, time.monotonic() - started
        time.sleep(0.5)


def report(name: str, api: Api, list_id: int, after_request: dict, request_status: int, ms: float) -> dict:
    final, seconds = wait_until_finished(api, list_id)
    done = lines_of(final)
    return {
        "scenario": name,
        "interactive_resolve": {"status": request_status, "ms": round(ms), **after_request},
        "final": done,
        "finished_by_background_worker": done["picked"] - after_request.get("picked", 0),
        "seconds_until_finished": round(seconds, 1),
    }


def run_kroger_fault(name: str, api: Api, fault: dict, *, clear_after: float = 0.0) -> dict:
    list_id = api.call("POST", "/api/lists", {"name": name, "text": "\n".join(LINES)}).json()["id"]
    api.fault(endpoint="products", **fault)
    if clear_after:
        threading.Timer(clear_after, api.clear_faults).start()  # the burst ends on its own
    started = time.perf_counter()
    response = api.call("POST", f"/api/lists/{list_id}/resolve", {})
    ms = (time.perf_counter() - started) * 1000
    after = lines_of(response.json()) if response.status_code == 200 else {}
    if not clear_after:
        api.clear_faults()
    return report(name, api, list_id, after, response.status_code, ms)


@contextmanager
def postgres_stopped(data: Path):
    """PostgreSQL stopped (immediate: as if it died) for the block, then started as it was."""
    # postmaster.opts holds the command line the cluster was started with: start it the same way.
    options = shlex.split((data / "postmaster.opts").read_text())[1:]
    options = [part for n, part in enumerate(options) if part != "-D" and (n == 0 or options[n - 1] != "-D")]
    subprocess.run(
        [*AS_POSTGRES, "pg_ctl", "-D", str(data), "-m", "immediate", "stop"], check=True, capture_output=True
    )
    try:
        yield
    finally:
        subprocess.run(
            [*AS_POSTGRES, "pg_ctl", "-D", str(data), "-l", str(data.parent / "pg.log"), "-w", "-o",
             shlex.join(options), "start"],
            check=True, capture_output=True,
        )  # fmt: skip


OUTAGE = "postgres_stopped_mid_resolve"


def run_postgres_outage(api: Api, data: Path) -> dict:
    name = OUTAGE
    list_id = api.call("POST", "/api/lists", {"name": name, "text": "\n".join(OUTAGE_LINES)}).json()["id"]
    api.fault(endpoint="products", latency_ms=300)
    answer: dict = {}

    def resolve() -> None:
        started = time.perf_counter()
        answer["response"] = api.call("POST", f"/api/lists/{list_id}/resolve", {})
        answer["ms"] = (time.perf_counter() - started) * 1000

    request = threading.Thread(target=resolve)
    request.start()
    # Stop PostgreSQL once the first searches' lines are saved, while the others are still out.
    while not lines_of(api.call("GET", f"/api/lists/{list_id}").json())["picked"]:
        time.sleep(0.05)
    with postgres_stopped(data):
        request.join()
        for _ in range(3):
            api.call("GET", f"/api/lists/{list_id}")  # what a shopper reloading meanwhile gets
        time.sleep(3)
    api.clear_faults()
    while api.call("GET", f"/api/lists/{list_id}").status_code != 200:
        time.sleep(0.5)
    kept = lines_of(api.call("GET", f"/api/lists/{list_id}").json())
    # The dead request still holds the list until its lease runs out: 409 until then.
    queued_after = time.monotonic()
    while api.call("POST", f"/api/lists/{list_id}/resolve", {"background": True}).status_code == 409:
        time.sleep(1)
    result = report(name, api, list_id, kept, answer["response"].status_code, answer["ms"])
    result["lines_kept_through_the_outage"] = kept["picked"]
    result["seconds_until_the_dead_requests_hold_expired"] = round(time.monotonic() - queued_after, 1)
    return result


def main() -> None:
    # A SIGTERM (timeout, Ctrl-C's cousin) still unwinds the ExitStack: everything started is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-faults-")))
        database_url = stack.enter_context(postgres(tmp, database="faults"))
        redis_url = stack.enter_context(redis(tmp))
        env = stack.enter_context(
            site(
                "bench-faults-",
                DATABASE_URL=database_url,
                CACHE_URL=f"{redis_url}/0",
                CELERY_BROKER_URL=f"{redis_url}/1",
                **SETTINGS,
            )
        )
        base = stack.enter_context(server(env, latency_ms=0))
        worker_env = {**env, "SITE_URL": base, "KROGER_API_BASE_URL": f"{base}/sandbox/kroger"}
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "shopper", "worker", "--pool=threads", "--concurrency=2",
             "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
            cwd=ROOT, env=worker_env, stdout=subprocess.DEVNULL, stderr=(tmp / "worker.log").open("w"),
        )  # fmt: skip
        stack.callback(lambda: (worker.terminate(), worker.wait(timeout=30)))
        api = Api(base, create_shopper(env))
        warm_up = api.call("POST", "/api/lists", {"name": "warm-up", "text": "peanut butter"}).json()["id"]
        api.call("POST", f"/api/lists/{warm_up}/resolve", {})  # the app token, the connections
        scenarios = [
            run_kroger_fault("5xx_20pct", api, {"error_rate": 0.2, "status": 500}),
            run_kroger_fault("429_burst", api, {"rate_limited": True}, clear_after=3),
            run_kroger_fault(
                "timeouts_25pct", api, {"timeout": True, "error_rate": 0.25, "latency_ms": 2500}
            ),
            run_postgres_outage(api, tmp / "pg"),
        ]

    print(
        json.dumps(
            {
                "lines_per_list": {"kroger_faults": len(LINES), OUTAGE: len(OUTAGE_LINES)},
                "settings": SETTINGS,
                "scenarios": scenarios,
                "api_statuses": {str(code): count for code, count in sorted(api.statuses.items())},
                "http_500": api.statuses[500],
                "http_5xx_other_than_503": sum(
                    n for code, n in api.statuses.items() if code > 500 and code != 503
                ),
                "lines_lost": sum(s["final"]["lost"] for s in scenarios),
                "lines_without_pick_or_message": sum(
                    s["final"]["lost"] + s["final"]["not_looked_up_yet"] for s in scenarios
                ),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
