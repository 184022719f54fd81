"""kroger.gateway.get_client(): built from settings at call time, sharing Django's cache."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import responses

from kroger import KrogerUnavailable
from kroger.gateway import close_shared_session, get_client

from .kroger_fakes import add_token, calls_to, payload

BASE = "https://api.kroger.test"


@pytest.fixture
def kroger_settings(settings):
    settings.KROGER_API_BASE_URL = BASE
    settings.KROGER_CLIENT_ID = "gateway-client"
    settings.KROGER_CLIENT_SECRET = "gateway-secret"
    settings.KROGER_TIMEOUT_SECONDS = 2.5
    settings.KROGER_MAX_RETRIES = 0
    return settings


def test_client_uses_the_configured_base_url_and_timeout(kroger_settings, http):
    add_token(http)
    http.add(responses.GET, f"{BASE}/v1/products", json=payload("product_search.json"))

    page = get_client().search_products(term="milk", location_id="01400943")

    assert page.products
    assert {call.request.req_kwargs["timeout"] for call in http.calls} == {2.5}


def test_settings_changes_apply_without_a_restart(kroger_settings, http):
    http.add(responses.GET, "https://other.kroger.test/v1/identity/profile", json={"data": {"id": "p1"}})
    kroger_settings.KROGER_API_BASE_URL = "https://other.kroger.test"

    assert get_client().get_profile(token="user-token").id == "p1"


def test_max_retries_comes_from_settings(kroger_settings, http):
    http.add(responses.GET, f"{BASE}/v1/identity/profile", status=500)

    with pytest.raises(KrogerUnavailable):
        get_client().get_profile(token="user-token")

    assert len(http.calls) == 1


def test_app_token_and_searches_are_shared_through_djangos_cache(kroger_settings, http):
    add_token(http)
    http.add(responses.GET, f"{BASE}/v1/products", json=payload("product_search.json"))

    get_client().search_products(term="milk", location_id="01400943")
    get_client().search_products(term="milk", location_id="01400943")
    get_client().search_products(term="eggs", location_id="01400943")

    assert len(calls_to(http, "/v1/connect/oauth2/token")) == 1
    assert len(calls_to(http, "/v1/products")) == 2
    assert get_client().usage_today()["products"] == 2


def test_concurrent_searches_from_threads_all_succeed(kroger_settings, http):
    add_token(http)
    http.add(responses.GET, f"{BASE}/v1/products", json=payload("product_search.json"))
    get_client().get_app_token()
    results, errors = [], []

    def work(term):
        try:
            results.append(get_client().search_products(term=term, location_id="01400943"))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"term {n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(results) == 6


def test_closing_the_shared_session_ends_its_kept_alive_connections(kroger_settings):
    closed = threading.Event()
    server = _kroger_on_loopback([], closed=closed)
    kroger_settings.KROGER_API_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        get_client().search_products(term="gateway milk", location_id="01400943")
        assert not closed.is_set()  # kept alive in the shared pool

        close_shared_session()

        assert closed.wait(timeout=5)
        assert get_client().search_products(term="gateway eggs", location_id="01400943").products
    finally:
        close_shared_session()
        server.shutdown()
        server.server_close()


def _kroger_on_loopback(seen: list[str], closed: threading.Event | None = None) -> ThreadingHTTPServer:
    """A loopback HTTP server answering Kroger's way (kept alive, like Kroger); it records each
    request line in `seen` and sets `closed` when a client closes its connection."""

    class KrogerOnLoopback(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def handle(self):
            super().handle()
            if closed is not None:
                closed.set()

        def _answer(self, body):
            seen.append(self.requestline)
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            self._answer({"access_token": "app", "token_type": "bearer", "expires_in": 1800})

        def do_GET(self):
            self._answer(payload("product_search.json"))

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), KrogerOnLoopback)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    return server


@pytest.mark.parametrize("bypassed", [False, True])
def test_kroger_calls_go_through_the_environments_proxy_unless_no_proxy_names_the_host(
    kroger_settings, monkeypatch, bypassed
):
    through_proxy, direct = [], []
    proxy, kroger = _kroger_on_loopback(through_proxy), _kroger_on_loopback(direct)
    kroger_url = f"http://127.0.0.1:{kroger.server_address[1]}"
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy.server_address[1]}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1" if bypassed else "")
    kroger_settings.KROGER_API_BASE_URL = kroger_url
    close_shared_session()  # the environment is read when the session is made
    try:
        get_client().search_products(term="proxied milk", location_id="01400943")
        get_client().search_products(term="proxied eggs", location_id="01400943")
    finally:
        close_shared_session()
        for server in (proxy, kroger):
            server.shutdown()
            server.server_close()

    if bypassed:
        assert through_proxy == [] and len(direct) == 3  # the app token and two searches
    else:
        assert direct == [] and len(through_proxy) == 3
        assert all(line.split()[1].startswith(kroger_url) for line in through_proxy)  # absolute URIs
