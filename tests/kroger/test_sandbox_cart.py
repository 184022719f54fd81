"""Sandbox cart add, the carts page, daily limits, fault injection, drift, reset, system check."""

import json
from datetime import UTC, datetime

import pytest
import requests
import time_machine
from django.core.checks import run_checks
from django.test import Client

from kroger.sandbox import store
from tests.factories import UserFactory
from tests.helpers import ALEX, SAM

BASE = "/sandbox/kroger/v1"
MILK = "0001111041700"
EGGS = "0000000004011"


def user_token(profile_id=SAM, scopes=("cart.basic:write", "profile.compact", "product.compact")) -> str:
    return store.issue_access_token(
        client_id="tests", scopes=frozenset(scopes), profile_id=profile_id, lifetime=1800
    )


def add(items, token=None, content_type="application/json"):
    body = items if isinstance(items, (str, bytes)) else json.dumps({"items": items})
    return Client().put(
        f"{BASE}/cart/add",
        body,
        content_type=content_type,
        headers={"Authorization": f"Bearer {token or user_token()}"},
    )


def products(token=None):
    token = token or user_token()
    return Client().get(
        f"{BASE}/products", {"filter.term": "milk"}, headers={"Authorization": f"Bearer {token}"}
    )


# --- Cart -----------------------------------------------------------------------------------


def test_cart_add_answers_204_with_an_empty_body_and_keeps_the_items():
    response = add([{"upc": MILK, "quantity": 2, "modality": "PICKUP"}, {"upc": EGGS, "quantity": 1}])

    assert response.status_code == 204
    assert response.content == b""
    assert store.cart_for(SAM) == [
        {"upc": MILK, "quantity": 2, "modality": "PICKUP"},
        {"upc": EGGS, "quantity": 1, "modality": "PICKUP"},
    ]
    assert store.cart_for(ALEX) == []


def test_quantities_accumulate_per_upc_and_modality():
    add([{"upc": MILK, "quantity": 1}])
    add(
        [
            {"upc": MILK, "quantity": 2, "modality": "PICKUP"},
            {"upc": MILK, "quantity": 1, "modality": "DELIVERY"},
        ]
    )

    assert store.cart_for(SAM) == [
        {"upc": MILK, "quantity": 3, "modality": "PICKUP"},
        {"upc": MILK, "quantity": 1, "modality": "DELIVERY"},
    ]


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"upc": "001111041700", "quantity": 1}], "UPC must have a length of 13 characters"),
        ([{"quantity": 1}], "UPC must have a length of 13 characters"),
        ([{"upc": MILK, "quantity": 0}], "Field 'quantity' must be a whole number of at least 1"),
        ([{"upc": MILK, "quantity": 1.5}], "Field 'quantity' must be a whole number of at least 1"),
        ([{"upc": MILK, "quantity": "2"}], "Field 'quantity' must be a whole number of at least 1"),
        ([{"upc": MILK, "quantity": True}], "Field 'quantity' must be a whole number of at least 1"),
        (
            [{"upc": MILK, "quantity": 1, "modality": "SHIP"}],
            "Modality must be omitted or equal to one of the following codes: DELIVERY, PICKUP",
        ),
        ([], "Cannot parse parameters"),
        ("not json", "Cannot parse parameters"),
        ('{"upc": "0001111041700"}', "Cannot parse parameters"),
    ],
)
def test_invalid_cart_adds_get_a_400_and_add_nothing(items, message):
    response = add(items)

    assert response.status_code == 400
    assert response.json()["errors"]["reason"] == message
    assert response.json()["errors"]["code"] == "CART-2011-400"
    assert store.cart_for(SAM) == []


def test_one_bad_item_rejects_the_whole_request():
    response = add([{"upc": MILK, "quantity": 1}, {"upc": "123", "quantity": 1}])

    assert response.status_code == 400
    assert store.cart_for(SAM) == []


def test_cart_add_needs_the_cart_scope():
    response = add([{"upc": MILK, "quantity": 1}], token=user_token(scopes=("product.compact",)))

    assert response.status_code == 403
    assert response.json()["errors"]["reason"] == "missing required scopes"


def test_partner_cart_endpoints_refuse_public_tokens():
    response = Client().get(f"{BASE}/carts", headers={"Authorization": f"Bearer {user_token()}"})

    assert response.status_code == 403
    assert response.json()["errors"]["code"] == "CART-2216"


def test_cart_add_only_accepts_put():
    response = Client().post(f"{BASE}/cart/add", {}, headers={"Authorization": f"Bearer {user_token()}"})

    assert response.status_code == 405


def test_carts_page_shows_each_shoppers_items():
    add([{"upc": MILK, "quantity": 2}])
    add([{"upc": EGGS, "quantity": 1, "modality": "DELIVERY"}], token=user_token(ALEX))

    page = Client().get("/sandbox/kroger/cart")
    data = Client().get("/sandbox/kroger/cart", {"format": "json"}).json()

    assert page.status_code == 200
    html = page.content.decode()
    assert "SANDBOX" in html and "Kroger® 2% Reduced Fat Milk" in html and "Bananas" in html
    carts = {shopper["id"]: shopper["items"] for shopper in data["shoppers"]}
    assert carts[SAM] == [
        {
            "upc": MILK,
            "quantity": 2,
            "modality": "PICKUP",
            "description": "Kroger® 2% Reduced Fat Milk",
            "size": "1 gal",
        }
    ]
    assert carts[ALEX][0]["modality"] == "DELIVERY"


# --- Through real HTTP code (the kroger_sandbox fixture) ------------------------------------


def test_the_sandbox_answers_requests_through_the_shared_fixture(kroger_sandbox, settings):
    base = settings.KROGER_API_BASE_URL
    auth = (settings.KROGER_CLIENT_ID, settings.KROGER_CLIENT_SECRET)

    app = requests.post(
        f"{base}/v1/connect/oauth2/token", data={"grant_type": "client_credentials"}, auth=auth
    )
    headers = {"Authorization": f"Bearer {app.json()['access_token']}"}
    head = requests.head(f"{base}/v1/locations/01400943", headers=headers, timeout=5)
    cart = requests.put(
        f"{base}/v1/cart/add",
        json={"items": [{"upc": MILK, "quantity": 1}]},
        headers={"Authorization": f"Bearer {user_token()}"},
        timeout=5,
    )

    assert app.status_code == 200
    assert head.status_code == 204
    assert cart.status_code == 204 and cart.content == b""
    assert kroger_sandbox.cart_for(SAM) == [{"upc": MILK, "quantity": 1, "modality": "PICKUP"}]


# --- Daily limits ---------------------------------------------------------------------------


def test_daily_limit_answers_429_with_retry_after_until_the_day_is_over():
    store.set_daily_limit("products", 2)
    with time_machine.travel(datetime(2026, 5, 1, 12, 0, tzinfo=UTC), tick=False) as traveller:
        token = user_token()
        assert products(token).status_code == 200
        assert products(token).status_code == 200

        limited = products(token)

        assert limited.status_code == 429
        assert limited.json()["errors"]["code"] == "Too Many Requests"
        assert limited.json()["errors"]["reason"] == "rate limit exceeded"
        assert int(limited["Retry-After"]) == 24 * 60 * 60
        traveller.shift(24 * 60 * 60)
        assert products(user_token()).status_code == 200


def test_daily_limits_are_counted_per_endpoint():
    store.set_daily_limit("products", 1)
    products()

    assert products().status_code == 429
    assert (
        Client()
        .get(f"{BASE}/identity/profile", headers={"Authorization": f"Bearer {user_token()}"})
        .status_code
        == 200
    )


@pytest.mark.parametrize(
    ("endpoint", "limit"),
    [
        ("products", 10_000),
        ("locations", 1_600),
        ("chains", 1_600),
        ("departments", 1_600),
        ("cart", 5_000),
        ("profile", 5_000),
    ],
)
def test_the_documented_limits_are_the_defaults(endpoint, limit):
    assert all(store.count_call(endpoint) for _ in range(limit))
    assert store.count_call(endpoint) is False


# --- Faults ---------------------------------------------------------------------------------


def test_latency_fault_waits_through_the_injectable_sleep():
    slept = []
    store.set_sleep(slept.append)
    store.set_fault("products", latency_ms=150)

    assert products().status_code == 200
    assert slept == [0.15]


def test_error_rate_fails_a_predictable_share_of_calls():
    store.set_fault("products", error_rate=0.5)

    responses = [products() for _ in range(6)]

    assert [response.status_code for response in responses] == [200, 500, 200, 500, 200, 500]
    body = responses[1].json()
    assert body["errors"]["reason"] == "Internal server error"
    assert body["errors"]["code"].startswith("PRODUCT-")


def test_setting_a_fault_again_restarts_its_sequence_for_every_process():
    store.set_fault("products", error_rate=0.5)
    before = [products().status_code for _ in range(3)]

    store.set_fault("products", error_rate=0.5)  # the count is in the shared cache, under the new setting

    assert before == [200, 500, 200]
    assert [products().status_code for _ in range(2)] == [200, 500]  # call 1 again, not call 4


def test_error_status_is_configurable_and_clear_faults_restores_service():
    store.set_fault("locations", error_rate=1.0, status=503)
    auth = {"Authorization": f"Bearer {user_token()}"}

    assert Client().get(f"{BASE}/locations/01400943", headers=auth).status_code == 503
    store.clear_faults()
    assert Client().get(f"{BASE}/locations/01400943", headers=auth).status_code == 200


def test_rate_limited_fault_answers_429():
    store.set_fault("cart", rate_limited=True)

    response = add([{"upc": MILK, "quantity": 1}])

    assert response.status_code == 429 and response["Retry-After"]
    assert store.cart_for(SAM) == []


def test_timeout_fault_does_the_work_then_hangs_and_answers_504():
    slept = []
    store.set_sleep(slept.append)
    store.set_fault("cart", timeout=True, latency_ms=9000)

    response = add([{"upc": MILK, "quantity": 1}])

    assert slept == [9.0]
    assert response.status_code == 504
    assert store.cart_for(SAM) == [
        {"upc": MILK, "quantity": 1, "modality": "PICKUP"}
    ]  # outcome unknown to caller


def test_a_timeout_fault_with_a_rate_hangs_only_that_share_of_calls():
    slept = []
    store.set_sleep(slept.append)
    store.set_fault("products", timeout=True, latency_ms=9000, error_rate=0.25)

    statuses = [products().status_code for _ in range(8)]

    assert statuses == [200, 200, 200, 504, 200, 200, 200, 504]  # every 4th call, never a 5xx of its own
    assert slept == [9.0, 9.0]


def test_token_endpoint_faults(settings):
    store.set_fault("token", error_rate=1.0)

    response = Client().post(
        f"{BASE}/connect/oauth2/token",
        "grant_type=client_credentials",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 500
    assert response.json()["errors"]["code"].startswith("Auth-")


def test_unknown_fault_endpoint_is_refused():
    with pytest.raises(ValueError):
        store.set_fault("checkout", error_rate=1.0)


def test_faults_can_be_set_and_cleared_over_http(settings):
    settings.KROGER_SANDBOX_OPEN_FAULTS = True
    slept = []
    store.set_sleep(slept.append)

    created = Client().post(
        "/sandbox/kroger/_faults",
        {"endpoint": "products", "latency_ms": 150},
        content_type="application/json",
    )
    products()
    cleared = Client().delete("/sandbox/kroger/_faults")
    products()

    assert created.status_code == 201
    assert cleared.status_code == 204
    assert Client().get("/sandbox/kroger/_faults").json() == {"faults": {}}
    assert slept == [0.15]
    bad = Client().post("/sandbox/kroger/_faults", {"endpoint": "nope"}, content_type="application/json")
    assert bad.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "shopper"])
def test_fault_injection_is_refused_to_anyone_but_staff(who):
    client = Client()
    if who == "shopper":
        client.force_login(UserFactory())

    responses = [
        client.post("/sandbox/kroger/_faults", {"endpoint": "products", "status": 500}, "application/json"),
        client.delete("/sandbox/kroger/_faults"),
        client.get("/sandbox/kroger/_faults"),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403]
    assert store.list_faults() == {}


@pytest.mark.django_db
def test_a_signed_in_staff_user_may_inject_faults():
    client = Client()
    client.force_login(UserFactory(is_staff=True))

    response = client.post(
        "/sandbox/kroger/_faults", {"endpoint": "products", "latency_ms": 5}, "application/json"
    )

    assert response.status_code == 201
    assert "products" in store.list_faults()


# --- Drift and reset ------------------------------------------------------------------------


def test_drift_mode_emits_the_real_world_variants():
    store.set_drift(True)
    auth = {"Authorization": f"Bearer {user_token()}"}

    product = (
        Client()
        .get(f"{BASE}/products", {"filter.term": "milk", "filter.locationId": "01400943"}, headers=auth)
        .json()["data"][0]
    )
    invalid = Client().get(f"{BASE}/products", {"filter.term": "mi"}, headers=auth).json()
    location = Client().get(f"{BASE}/locations/01400943", headers=auth).json()["data"]
    expired = Client().get(f"{BASE}/products", headers={"Authorization": "Bearer nope"}).json()

    assert set(product["items"][0]["fulfillment"]) == {"curbside", "delivery", "instore", "shiptohome"}
    assert product["items"][0]["soldBy"] == "unit"
    assert any(image.get("default") for image in product["images"])
    assert not any("featured" in image for image in product["images"])
    assert set(invalid) == {"timestamp", "code", "reason"}  # unwrapped 400
    assert "Open24" in location["hours"]["monday"]
    assert expired["errors"]["error"] == "invalid_token"


def test_reset_forgets_tokens_carts_counters_faults_and_drift():
    token = user_token()
    add([{"upc": MILK, "quantity": 1}], token=token)
    store.set_fault("products", error_rate=1.0)
    store.set_daily_limit("products", 0)
    store.set_drift(True)

    store.reset()

    assert store.cart_for(SAM) == []
    assert store.get_fault("products") is None
    assert not store.drift()
    assert products(token).status_code == 401
    assert products().status_code == 200


# --- System check ---------------------------------------------------------------------------


def test_system_check_stops_the_sandbox_in_production_unless_enabled_on_purpose(settings):
    settings.DEBUG = False
    settings.KROGER_SANDBOX = False

    errors = [message.id for message in run_checks()]

    assert "sandbox.E001" in errors


@pytest.mark.parametrize(("debug", "sandbox"), [(False, True), (True, False)])
def test_system_check_passes_in_debug_or_when_enabled(settings, debug, sandbox):
    settings.DEBUG = debug
    settings.KROGER_SANDBOX = sandbox

    assert "sandbox.E001" not in [message.id for message in run_checks()]
