"""Values and helpers shared by several test modules (fixtures live in the conftest.py files)."""

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from celery import Task
from cryptography.fernet import Fernet
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

ROOT = Path(__file__).resolve().parent.parent

# The sandbox's Cincinnati store (Kroger - Over-the-Rhine), where the list tests shop, and another.
STORE = "01400943"
OTHER_STORE = "01400376"
# The sandbox's test shoppers (kroger/sandbox/data/shoppers.json), each with a cart of their own.
SAM = "53990804-cfd1-43f3-8256-bdc9817a4fd0"  # "Sam Sandbox", the consent page's first shopper
ALEX = "8d3c5e0a-2f4b-4c1e-9a7d-61b0c2e4f9a1"  # "Alex Tester"


def signed_in(user, client_class=APIClient):
    """A client (the API's by default) with a session for `user`: each request loads the user
    (and their household) afresh, as a browser's would."""
    client = client_class()
    client.force_login(user)
    return client


def assert_list_queries_do_not_grow(client, url: str, make_rows, assert_max_num_queries) -> None:
    """Two rows, then twenty (`make_rows(n)` adds n): listing twenty takes no more queries than
    listing two, and two take at most three (`assert_max_num_queries` is pytest-django's fixture)."""
    make_rows(2)
    with assert_max_num_queries(3) as few:
        assert len(client.get(url).json()["results"]) == 2
    make_rows(18)
    with assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url).json()["results"]) == 20


def household_of(user):
    """The user's household as the database has it now."""
    from accounts.models import Membership

    return Membership.objects.get(user=user).household


# --- The Kroger sandbox's sign-in -------------------------------------------------------------


def sandbox_path(url: str, settings) -> str:
    """The sandbox URL Kroger would serve, as a path on our own test server."""
    assert url.startswith(settings.KROGER_API_BASE_URL)
    return "/sandbox/kroger" + url[len(settings.KROGER_API_BASE_URL) :]


def sign_in_at_sandbox(client, settings, *, decision="approve", shopper=SAM):
    authorize_url = client.get("/auth/login")["Location"]
    consent = client.get(sandbox_path(authorize_url, settings))
    assert consent.status_code == 200 and "Approve" in consent.content.decode()
    back = client.post(sandbox_path(authorize_url, settings), {"shopper": shopper, "decision": decision})
    assert back.status_code == 302 and back["Location"].startswith(settings.KROGER_REDIRECT_URI + "?")
    return client.get(urlsplit(back["Location"]).path + "?" + urlsplit(back["Location"]).query)


# --- Celery ---------------------------------------------------------------------------------


@contextmanager
def on_a_worker(task: Task, *args) -> Iterator[None]:
    """Run `task.run(*args)` inside as a worker runs a message (not eagerly), so its retries go
    through Celery's own `retry`. The tests have no broker: the retry it publishes runs at once,
    eagerly (as the worker would run it once the countdown is up), and `retry` then raises
    `celery.exceptions.Retry` with the countdown (`when`) and the next try's signature (`sig`)."""
    task.push_request(
        id=f"test-{task.name}", args=list(args), kwargs={}, retries=0, is_eager=False, called_directly=False
    )
    try:
        yield
    finally:
        task.pop_request()


# --- Migrations -----------------------------------------------------------------------------


def migrate_to(targets: list[tuple[str, str]]):
    """Migrate the test database to `targets`; the app registry as it stands there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrate_to_latest() -> None:
    migrate_to(MigrationExecutor(connection).loader.graph.leaf_nodes())


# --- Processes: the site as deployed, servers on loopback ----------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(tmp_path, **overrides) -> dict[str, str]:
    """Production-like values. Every relevant name is set, so a developer's .env cannot mask one."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "shopper.settings",
        "DEBUG": "false",
        "SECRET_KEY": "k3Jd9!qPz-prod-like-secret-Xw7tV2mN8bR4yL6hC1fG5sA0eU3iO9pZ_+",
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "shop.example.com",
        "KROGER_CLIENT_ID": "personal-shopper-prod-4c1b",
        "KROGER_CLIENT_SECRET": "Zx8-real-looking-client-secret-Qp2",
        "KROGER_REDIRECT_URI": "https://shop.example.com/auth/callback",
        "KROGER_SANDBOX": "false",
        "KROGER_API_BASE_URL": "https://api.kroger.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "SITE_URL": "https://shop.example.com",
    }
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """Our own interpreter with `args` (e.g. manage.py ...) in the project folder."""
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
