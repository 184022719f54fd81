"""Profile one API request in-process: queries, time per request, and a pyinstrument call tree.

Builds the same shopper as bench/bench_load.py (a personal API token, 50 remembered picks, a
25-line list) in a throwaway SQLite database, then sends the request through Django's full stack
(middleware, authentication, throttles, view, serializer, renderer) with the test client. Prints
the SQL each request runs, the median time per request, and where that time goes. Not a test.

    .venv/bin/pip install pyinstrument        # requirements-dev.txt has it
    .venv/bin/python bench/profile_api.py /api/selections?page_size=50
    .venv/bin/python bench/profile_api.py /api/lists/{list_id} --requests 300
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engines import postgres  # noqa: E402
from harness import ROOT, site  # noqa: E402

BARE = "/api/_bench/bare"


def _configure(env: dict[str, str]) -> None:
    os.environ.update({**env, "DJANGO_SETTINGS_MODULE": "shopper.settings"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("path", help="e.g. /api/selections?page_size=50 or /api/lists/{list_id}")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--all", action="store_true", help="show every frame (Django's too)")
    parser.add_argument("--flat", action="store_true", help="time per function, not a call tree")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL, not SQLite")
    args = parser.parse_args()
    # The bench harness's throwaway sandbox site (migrated), served in this process with DEBUG off.
    overrides = {"DEBUG": "false", "ALLOWED_HOSTS": "testserver", "SECURE_SSL_REDIRECT": "false"}
    with ExitStack() as stack:
        if args.postgres:  # the engine bench_load.py serves from
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="profile-api-")))
            overrides["DATABASE_URL"] = stack.enter_context(postgres(tmp))
        env = stack.enter_context(
            site("profile-api-", BENCH_BARE_VIEW="true", API_THROTTLE_RATE="1000000/min", **overrides)
        )
        _configure(env)
        from bench_load import SETUP
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from pyinstrument import Profiler

        output: list[str] = []
        exec(SETUP.replace("print(", "output.append("), {"output": output})  # noqa: S102
        list_id, token = (str(value) for value in output)
        client = Client(headers={"Authorization": f"Bearer {token}"})
        path = args.path.format(list_id=list_id)
        for _ in range(20):  # warm up: imports, caches, compiled regexes
            assert client.get(path).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        print(f"{len(queries.captured_queries)} queries per request:")
        for query in queries.captured_queries:
            print("  ", query["sql"][:160])
        # Interleaved with the bare view (same token authentication, nothing else), so a busy
        # machine slows both alike and their ratio stays meaningful.
        timings: dict[str, list[float]] = {path: [], BARE: []}
        for _ in range(args.requests):
            for url in (path, BARE):
                started = time.perf_counter()
                client.get(url)
                timings[url].append((time.perf_counter() - started) * 1000)
        ours, bare = statistics.median(timings[path]), statistics.median(timings[BARE])
        print(f"median {ours:.2f} ms per request over {args.requests} (unprofiled); bare view {bare:.2f} ms")
        print(f"in-process ratio bare/this: {bare / ours:.2f}")
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(args.requests):
            client.get(path)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=args.all, flat=args.flat))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    main()
