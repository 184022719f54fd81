"""What every benchmark here shares: a throwaway sandbox site on loopback, a shopper, the figures.

`site(...)` migrates a temporary SQLite database, and `server(...)` runs `manage.py runserver`
(without Nagle's algorithm, see the end of this file) on a free 127.0.0.1 port in sandbox mode,
talking to its own sandbox over real HTTP, with latency injected into the sandbox's Kroger
endpoints (`POST /sandbox/kroger/_faults`). Nothing outside the temporary directory is touched
and nothing leaves loopback. Not part of the tests.
"""

import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(ROOT / "manage.py")]
STORE = "01400943"
# One `manage.py shell` for any number of shoppers: each start-up costs about a second.
CREATE_SHOPPERS = """
from accounts.models import ApiToken, User
for username, store in {shoppers!r}:
    user = User.objects.create_user(username, preferred_location_id=store)
    secret = ApiToken.new_secret()
    key_hash = ApiToken.hash_secret(secret)
    ApiToken.objects.create(user=user, name="bench", key_hash=key_hash, key_prefix=secret[:8])
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


def sandbox_env(**settings: str) -> dict[str, str]:
    """This process's environment for a throwaway sandbox-mode site: fresh secrets, never real
    Kroger (whatever a local .env says), DEBUG on unless `settings` say otherwise."""
    env = {
        **os.environ,
        "DEBUG": "true",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "KROGER_SANDBOX": "true",
        # The sandbox's own app (and URL): blank credentials.
        "KROGER_CLIENT_ID": "",
        "KROGER_CLIENT_SECRET": "",
        "KROGER_REDIRECT_URI": "",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        **settings,
    }
    # A .env in the repository would be read too; real environment variables win over it.
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


@contextmanager
def site(prefix: str, **settings: str) -> Iterator[dict[str, str]]:
    """The environment of a migrated throwaway sandbox site (extra settings as env vars)."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        defaults = {
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "CACHE_URL": "locmem://",
            "API_THROTTLE_RATE": "100000/min",
            "KROGER_API_THROTTLE_RATE": "100000/min",
            "LLM_API_BASE_URL": "",
            # The harness injects latency over HTTP, and one bench shopper makes thousands of calls.
            "KROGER_SANDBOX_OPEN_FAULTS": "true",
            "KROGER_DAILY_BUDGET_PER_USER": "0",
        }
        env = sandbox_env(**{**defaults, **settings})
        subprocess.run([*MANAGE, "migrate", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)
        yield env


def create_shopper(env: dict[str, str], username: str = "bench-shopper", store: str = STORE) -> str:
    """A shopper whose preferred store is `store`; returns their personal API token."""
    return create_shoppers(env, [(username, store)])[0]


def create_shoppers(env: dict[str, str], shoppers: list[tuple[str, str]]) -> list[str]:
    """One shopper per (unique username, preferred store); returns their API tokens in order."""
    if not shoppers:
        return []
    created = subprocess.run(
        [*MANAGE, "shell", "-c", CREATE_SHOPPERS.format(shoppers=[(str(u), str(s)) for u, s in shoppers])],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    tokens = created.stdout.strip().splitlines()[-len(shoppers) :]
    if len(tokens) != len(shoppers):
        raise SystemExit(f"expected {len(shoppers)} API tokens from manage.py shell, got {tokens!r}")
    return tokens


@contextmanager
def server(env: dict[str, str], *, latency_ms: int, **settings: str) -> Iterator[str]:
    """A runserver on a free port talking to its own sandbox, with Kroger latency injected; yields its URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**env, "SITE_URL": base, "KROGER_API_BASE_URL": f"{base}/sandbox/kroger", **settings}
    process = subprocess.Popen(
        [sys.executable, __file__, "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(f"{base}/sandbox/kroger/cart", process)
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


def _wait_until_up(url: str, process: subprocess.Popen, deadline_seconds: float = 30) -> None:
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"runserver exited early with code {process.returncode}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise SystemExit(f"runserver did not start within {deadline_seconds:.0f} s")


def _runserver_without_nagle() -> None:
    """`manage.py runserver` with TCP_NODELAY on accepted connections.

    runserver writes a response's headers and body separately; on a kept-alive connection
    Nagle's algorithm then holds the body until the client's delayed ACK, adding ~40 ms to
    every call our pooled Kroger client makes to the sandbox (and to every reused API
    connection). Real Kroger does not behave like that, so the figures should not either.
    """
    from django.core.management import execute_from_command_line
    from django.core.management.commands import runserver
    from django.core.servers.basehttp import WSGIServer

    class NoDelayWSGIServer(WSGIServer):
        def get_request(self):
            connection, address = super().get_request()
            connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return connection, address

    runserver.Command.server_cls = NoDelayWSGIServer
    execute_from_command_line(["manage.py", *sys.argv[1:]])


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopper.settings")
    _runserver_without_nagle()
