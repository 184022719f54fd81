"""kroger.gateway.get_client(): built from settings at call time, sharing Django's cache."""

import threading

import pytest
import responses

from kroger import KrogerUnavailable
from kroger.gateway import get_client

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


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


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
