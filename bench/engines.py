"""Throwaway engines for the benches: a PostgreSQL cluster and a redis-server on free loopback
ports, in a temporary directory, stopped at the end even on failure (like `.ci/run` does)."""

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from harness import free_port

AS_POSTGRES = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def wait_for_port(port: int, process: subprocess.Popen | None = None, seconds: float = 30) -> None:
    """Return once something listens on 127.0.0.1:`port`; exit if `process` died first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise SystemExit(f"process exited early with code {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listening on 127.0.0.1:{port} after {seconds:.0f} s")


def _pg_tools_on_path() -> None:
    if shutil.which("initdb"):
        return
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        os.environ["PATH"] = f"{candidate}:{os.environ['PATH']}"
        return
    raise SystemExit("PostgreSQL's initdb is not installed")


@contextmanager
def postgres(tmp: Path, database: str = "shopper") -> Iterator[str]:
    """A PostgreSQL cluster in `tmp/pg` with an empty `database`; yields its URL."""
    _pg_tools_on_path()
    data, port = tmp / "pg", free_port()
    tmp.chmod(0o777)
    subprocess.run(
        [*AS_POSTGRES, "initdb", "-D", str(data), "-A", "trust", "-U", "postgres"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    subprocess.run(
        [*AS_POSTGRES, "pg_ctl", "-D", str(data), "-l", str(tmp / "pg.log"), "-w", "-o", options, "start"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        server = f"postgres://postgres@127.0.0.1:{port}"
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import psycopg, sys; psycopg.connect(sys.argv[1], autocommit=True)"
                ".execute(f'CREATE DATABASE {sys.argv[2]}')",
                f"{server}/postgres",
                database,
            ],
            check=True,
        )
        yield f"{server}/{database}"
    finally:
        subprocess.run(
            [*AS_POSTGRES, "pg_ctl", "-D", str(data), "-m", "immediate", "stop"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


@contextmanager
def redis(tmp: Path) -> Iterator[str]:
    """A redis-server without persistence; yields its URL (no database number)."""
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen([*command, "--dir", str(tmp)], stdout=subprocess.DEVNULL)
    try:
        wait_for_port(port, process)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)
