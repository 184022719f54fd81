"""Shared fixtures: personas, API clients, and the Kroger sandbox behind real HTTP code paths."""

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
import responses
from django.test import Client
from rest_framework.test import APIClient

from kroger.sandbox import store as sandbox_store

from .factories import UserFactory
from .helpers import SAM, free_port

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there are still synchronous, so tell Django not to refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _isolated_cache_and_sandbox():
    """Every test starts with an empty cache (app token, quotas, searches) and a fresh sandbox."""
    from django.core.cache import cache

    cache.clear()
    sandbox_store.reset()
    yield
    cache.clear()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def other_user(db):
    return UserFactory()


@pytest.fixture
def logged_in_client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def api_client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def kroger_sandbox(settings):
    """Route every request aimed at KROGER_API_BASE_URL into the sandbox views.

    Both our KrogerClient and social-core's token exchange use `requests`, so one
    `responses` callback serves them all, through Django's test client (which keeps the
    test transaction usable, unlike a WSGI transport; see style.md §3.5).
    """
    client = Client()
    base = settings.KROGER_API_BASE_URL
    prefix = "/sandbox/kroger"

    def forward(request):
        path = request.path_url[len(re.sub(r"^https?://[^/]+", "", base)) :]
        headers = {k: v for k, v in request.headers.items() if k.lower() in ("authorization", "accept")}
        response = client.generic(
            request.method,
            prefix + path,
            data=request.body or b"",
            content_type=request.headers.get("Content-Type", ""),
            headers=headers,
        )
        return response.status_code, dict(response.headers), response.content

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        pattern = re.compile(re.escape(base) + r"(/.*)?$")
        for method in ("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"):
            mock.add_callback(method, pattern, callback=forward)
        yield sandbox_store


SANDBOX_SHOPPER_ID = SAM  # "Sam Sandbox" in shoppers.json


@pytest.fixture
def connect_kroger(settings):
    """Give a user Kroger tokens the sandbox accepts, as a sandbox sign-in would; returns the profile id.

    `access_expired=True` stores a dead access token next to a live refresh token, so the
    first Kroger call has to refresh.
    """
    from datetime import timedelta

    from django.utils import timezone

    from .factories import KrogerTokenFactory

    def connect(user, *, profile_id=SANDBOX_SHOPPER_ID, access_expired=False):
        scopes = frozenset({"profile.compact", "cart.basic:write", "product.compact"})
        grant = {"client_id": settings.KROGER_CLIENT_ID, "scopes": scopes, "profile_id": profile_id}
        access = sandbox_store.issue_access_token(**grant, lifetime=1800)
        lifetime = timedelta(minutes=-5 if access_expired else 30)
        KrogerTokenFactory(
            user=user,
            access_token="expired-" + access if access_expired else access,
            refresh_token=sandbox_store.issue_refresh_token(**grant),
            access_expires_at=timezone.now() + lifetime,
        )
        return profile_id

    return connect


# --- Real engines on loopback -------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_url():
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: run make test-deps (apt-get install redis-server)")
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        process = subprocess.Popen(  # noqa: S603 - the system's redis-server, loopback only
            [
                binary,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                folder,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)


# --- Real-browser tests -------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (`playwright install` cannot download here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def live_site(live_server, settings):
    """The live server in sandbox mode: the site talks to its own sandbox over real HTTP."""
    settings.KROGER_API_BASE_URL = f"{live_server.url}/sandbox/kroger"
    settings.KROGER_REDIRECT_URI = f"{live_server.url}/auth/callback"
    settings.SITE_URL = live_server.url
    yield live_server
    # Our Kroger client keeps connections to the live server's sandbox alive; close them while
    # the server can still end those request threads cleanly (else they fail at shutdown).
    from kroger.gateway import close_shared_session

    close_shared_session()


@pytest.fixture
def page(browser, live_site):
    context = browser.new_context(base_url=live_site.url)
    browser_page = context.new_page()
    browser_page.set_default_timeout(10_000)
    yield browser_page
    context.close()


# --- Background work: a real Celery worker where a broker is configured ---------------------


@pytest.fixture(scope="module")
def background_worker(django_db_setup, live_server):
    """Where tasks run: with CELERY_BROKER_URL set (CI's PostgreSQL + Redis leg), a real
    `celery -A shopper worker` subprocess on a queue of this test process's own, against the same
    test database and cache, calling the live server's sandbox; otherwise eagerly, in the test.

    Another process only sees committed rows, so tests using it need `transaction=True` (and
    `live_site`, so eager runs reach the same sandbox over HTTP). Yields "celery" or "eager".
    """
    import subprocess
    import sys
    from pathlib import Path

    from django.conf import settings
    from django.db import connection

    from shopper.celery import app as celery_app

    if not settings.CELERY_BROKER_URL:
        yield "eager"
        return
    database = connection.settings_dict
    if connection.vendor != "postgresql":
        pytest.fail(
            "A Celery worker needs a database another process can open: run with DATABASE_URL=postgres://…"
        )
    queue = f"tests-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shopper.settings",
        "DEBUG": "false",
        "DATABASE_URL": f"postgres://{credentials}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "DATABASE_CONN_MAX_AGE": "0",
        "CACHE_URL": settings.CACHES["default"]["LOCATION"],
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "KROGER_SANDBOX": "true",
        "KROGER_API_BASE_URL": f"{live_server.url}/sandbox/kroger",
        "SITE_URL": live_server.url,
        "KROGER_CLIENT_ID": settings.KROGER_CLIENT_ID,
        "KROGER_CLIENT_SECRET": settings.KROGER_CLIENT_SECRET,
        "KROGER_REDIRECT_URI": settings.KROGER_REDIRECT_URI,
        "LLM_API_BASE_URL": "",
        "LOG_LEVEL": "WARNING",
    }
    worker = subprocess.Popen(  # noqa: S603 - our own Celery app, loopback broker and database only
        [sys.executable, "-m", "celery", "-A", "shopper", "worker", "--pool=solo", "-Q", queue,
         "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        cwd=Path(__file__).resolve().parent.parent, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    saved = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = False, queue
    try:
        yield "celery"
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = saved
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)
