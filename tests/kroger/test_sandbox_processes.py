"""The sandbox under several server processes: two gunicorn servers share one sandbox through Redis.

Each server is its own process (no shared memory); a sign-in's code is issued by one and
exchanged at the other, the cart filled through one is read from the other, and a fault set on
one breaks the other. With the per-process memory cache the same round trip fails, which is why
several workers need CACHE_URL=redis://.
"""

import base64
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from urllib.parse import parse_qs, urlsplit

import requests

from tests.helpers import ROOT, SAM, free_port, production_env

CLIENT_ID, CLIENT_SECRET = "personal-shopper-sandbox", "sandbox-secret"
SITE = "http://127.0.0.1:8999"  # only names the registered redirect URI; nothing listens there
REDIRECT_URI = f"{SITE}/auth/callback"
SCOPES = "profile.compact cart.basic:write product.compact"
MILK = "0001111041700"


@contextmanager
def gunicorn(env: dict[str, str]):
    """One `gunicorn shopper.wsgi` (our gunicorn.conf.py, one worker) on a free loopback port."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "gunicorn", "shopper.wsgi", "--workers", "1", "--threads", "2"],
        cwd=ROOT,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/sandbox/kroger"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, "gunicorn exited early"
            try:
                requests.get(f"{base}/cart?format=json", timeout=10)
                break
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or still booting
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def sandbox_env(tmp_path, cache_url: str) -> dict[str, str]:
    return production_env(
        tmp_path,
        # DEBUG on, as a developer runs the sandbox: templates then need no collectstatic.
        DEBUG="true",
        KROGER_SANDBOX="true",
        KROGER_CLIENT_ID="",
        KROGER_CLIENT_SECRET="",
        KROGER_REDIRECT_URI="",
        KROGER_SANDBOX_OPEN_FAULTS="true",
        SITE_URL=SITE,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        CACHE_URL=cache_url,
        LOG_LEVEL="WARNING",
    )


def approve(base: str) -> str:
    """Sign in as Sam on the consent page; the code from the redirect."""
    query = {
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "response_type": "code",
        "scope": SCOPES,
        "state": "s1",
    }
    browser = requests.Session()
    page = browser.get(f"{base}/v1/connect/oauth2/authorize", params=query, timeout=10)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    approved = browser.post(
        f"{base}/v1/connect/oauth2/authorize",
        params=query,
        data={"csrfmiddlewaretoken": csrf, "decision": "approve", "shopper": SAM},
        allow_redirects=False,
        timeout=10,
    )
    assert approved.status_code == 302, approved.text
    return parse_qs(urlsplit(approved.headers["Location"]).query)["code"][0]


def token(base: str, **form: str) -> requests.Response:
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    return requests.post(
        f"{base}/v1/connect/oauth2/token", data=form, headers={"Authorization": f"Basic {basic}"}, timeout=10
    )


def exchange(base: str, code: str) -> requests.Response:
    return token(base, grant_type="authorization_code", code=code, redirect_uri=REDIRECT_URI)


@contextmanager
def two_servers(tmp_path, cache_url: str):
    env = sandbox_env(tmp_path, cache_url)
    with ExitStack() as stack:
        yield stack.enter_context(gunicorn(env)), stack.enter_context(gunicorn(env))


def test_two_gunicorn_processes_share_one_sandbox_through_redis(tmp_path, redis_url):
    with two_servers(tmp_path, redis_url) as (first, second):
        code = approve(first)
        exchanged = exchange(second, code)
        replayed = exchange(first, code)
        tokens = exchanged.json()
        bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
        added = requests.put(
            f"{first}/v1/cart/add", json={"items": [{"upc": MILK, "quantity": 2}]}, headers=bearer, timeout=10
        )
        requests.put(
            f"{second}/v1/cart/add",
            json={"items": [{"upc": MILK, "quantity": 1}]},
            headers=bearer,
            timeout=10,
        )
        carts = requests.get(f"{second}/cart?format=json", timeout=10).json()["shoppers"]
        refreshed = token(first, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
        refreshed_again = token(second, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
        requests.post(f"{first}/_faults", json={"endpoint": "profile", "error_rate": 1.0}, timeout=10)
        profile = requests.get(f"{second}/v1/identity/profile", headers=bearer, timeout=10)
        # Five codes, each exchanged at both servers at once: exactly one exchange wins each.
        codes = [approve(first) for _ in range(5)]
        with ThreadPoolExecutor(max_workers=4) as pool:
            raced = list(
                pool.map(
                    lambda job: exchange(*job).status_code, [(s, c) for c in codes for s in (first, second)]
                )
            )

    assert exchanged.status_code == 200, exchanged.text
    assert replayed.status_code == 400 and replayed.json()["error_description"] == "invalid code"
    assert added.status_code == 204
    sam = next(cart for cart in carts if cart["id"] == SAM)
    assert [(line["upc"], line["quantity"]) for line in sam["items"]] == [(MILK, 3)]
    assert refreshed.status_code == 200 and refreshed_again.status_code == 400
    assert profile.status_code == 500
    assert sorted(raced) == [200] * 5 + [400] * 5


def test_with_the_per_process_memory_cache_a_code_is_unknown_to_the_other_process(tmp_path):
    with two_servers(tmp_path, "locmem://") as (first, second):
        code = approve(first)
        elsewhere = exchange(second, code)
        here = exchange(first, code)

    assert elsewhere.status_code == 400
    assert here.status_code == 200
