"""GET /api/locations and /api/locations/{id}: validation, sandbox results, caching, failures."""

import pytest
import requests

from kroger.geo import miles_between
from tests.helpers import STORE

pytestmark = pytest.mark.django_db

BASE = "https://kroger.sandbox.test"
CINCINNATI = STORE


def kroger_calls(mock, path):
    return [call for call in mock.calls if call.request.path_url.split("?")[0] == path]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "zip_code"),
        ({"zip_code": "4520"}, "zip_code"),
        ({"zip_code": "45202-1234"}, "zip_code"),
        ({"zip_code": "abcde"}, "zip_code"),
        ({"zip_code": "45202", "radius": "0"}, "radius"),
        ({"zip_code": "45202", "radius": "101"}, "radius"),
        ({"zip_code": "45202", "limit": "0"}, "limit"),
        ({"zip_code": "45202", "limit": "51"}, "limit"),
        ({"zip_code": "45202", "limit": "ten"}, "limit"),
        ({"zip_code": "45202", "chain": "K" * 41}, "chain"),
    ],
)
def test_bad_search_input_is_a_400_naming_the_field(api_client, kroger_http, params, field):
    response = api_client.get("/api/locations", params)

    assert response.status_code == 400
    assert field in response.json()
    assert kroger_calls(kroger_http, "/v1/locations") == []


def test_search_by_zip_lists_nearby_stores_with_address_and_hours(api_client, kroger_sandbox):
    response = api_client.get("/api/locations", {"zip_code": "45202"})

    assert response.status_code == 200
    stores = response.json()["results"]
    assert CINCINNATI in [store["location_id"] for store in stores]
    store = next(store for store in stores if store["location_id"] == CINCINNATI)
    assert "Cincinnati" in store["address"]
    assert store["zip_code"] == "45202"
    assert set(store["hours"]) <= {
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    }
    assert isinstance(store["latitude"], float)


def test_each_store_says_how_far_it_is_from_the_zip_nearest_first(api_client, kroger_sandbox):
    stores = api_client.get("/api/locations", {"zip_code": "45202", "radius": "50"}).json()["results"]

    distances = [store["distance_miles"] for store in stores]
    assert len(stores) > 1 and distances == sorted(distances)
    downtown = (39.1072, -84.502)  # ZIP 45202's centre, as the US ZIP list gives it
    for store in stores:
        expected = miles_between(downtown, (store["latitude"], store["longitude"]))
        assert store["distance_miles"] == pytest.approx(expected, abs=0.051)


def store_payload(location_id, name, geolocation):
    return {"locationId": location_id, "name": name, "chain": "KROGER", "geolocation": geolocation}


def test_stores_are_sorted_by_distance_and_one_without_coordinates_comes_last(api_client, kroger_http):
    far = store_payload("01400001", "Far", {"latitude": 39.35, "longitude": -84.31})
    unknown = store_payload("01400002", "Unknown", {})
    near = store_payload("01400003", "Near", {"latitude": 39.11, "longitude": -84.51})
    kroger_http.get(f"{BASE}/v1/locations", json={"data": [unknown, far, near], "meta": {}})

    stores = api_client.get("/api/locations", {"zip_code": "45202"}).json()["results"]

    assert [(s["name"], s["distance_miles"] is None) for s in stores] == [
        ("Near", False), ("Far", False), ("Unknown", True),
    ]  # fmt: skip
    assert stores[0]["distance_miles"] < 1 < stores[1]["distance_miles"]


def test_a_zip_the_us_list_does_not_know_keeps_krogers_order_without_distances(api_client, kroger_http):
    far = store_payload("01400001", "Far", {"latitude": 39.35, "longitude": -84.31})
    near = store_payload("01400003", "Near", {"latitude": 39.11, "longitude": -84.51})
    kroger_http.get(f"{BASE}/v1/locations", json={"data": [far, near], "meta": {}})

    stores = api_client.get("/api/locations", {"zip_code": "00000"}).json()["results"]

    assert [(s["name"], s["distance_miles"]) for s in stores] == [("Far", None), ("Near", None)]


def test_limit_caps_the_number_of_stores(api_client, kroger_sandbox):
    response = api_client.get("/api/locations", {"zip_code": "45202", "radius": "100", "limit": "1"})

    assert response.status_code == 200
    assert len(response.json()["results"]) == 1


def test_a_store_is_found_by_id(api_client, kroger_sandbox):
    response = api_client.get(f"/api/locations/{CINCINNATI}")

    assert response.status_code == 200
    assert response.json()["location_id"] == CINCINNATI
    assert response.json()["departments"]


def test_an_unknown_store_is_a_404_json(api_client, kroger_sandbox):
    response = api_client.get("/api/locations/99999999")

    assert response.status_code == 404
    assert response.json()["code"] == "kroger_not_found"


def test_a_malformed_store_id_is_a_400_without_calling_kroger(api_client, kroger_http):
    response = api_client.get("/api/locations/123")

    assert response.status_code == 400
    assert "location_id" in response.json()
    assert len(kroger_http.calls) == 0


def test_a_repeated_search_is_answered_from_the_cache(api_client, kroger_http):
    kroger_http.get(f"{BASE}/v1/locations", json={"data": [], "meta": {}})

    api_client.get("/api/locations", {"zip_code": "45202"})
    api_client.get("/api/locations", {"zip_code": "45202"})

    assert len(kroger_calls(kroger_http, "/v1/locations")) == 1


def test_kroger_down_is_a_503_with_retry_after(api_client, kroger_http):
    kroger_http.get(
        f"{BASE}/v1/locations",
        status=500,
        json={"errors": {"reason": "Internal server error", "code": "LOCATION-4000-500", "timestamp": 1}},
    )

    response = api_client.get("/api/locations", {"zip_code": "45202"})

    assert response.status_code == 503
    assert response.json()["code"] == "kroger_unavailable"
    assert int(response["Retry-After"]) > 0


def test_kroger_timing_out_is_a_503(api_client, kroger_http):
    kroger_http.get(f"{BASE}/v1/locations", body=requests.exceptions.ReadTimeout("slow"))

    response = api_client.get("/api/locations", {"zip_code": "45202"})

    assert response.status_code == 503
    assert response.json()["code"] == "kroger_unavailable"


def test_kroger_rate_limiting_is_a_429_passing_on_retry_after(api_client, kroger_http):
    kroger_http.get(
        f"{BASE}/v1/locations",
        status=429,
        headers={"Retry-After": "120"},
        json={"errors": {"code": "Too Many Requests", "reason": "rate limit exceeded", "timestamp": 1}},
    )

    response = api_client.get("/api/locations", {"zip_code": "45202"})

    assert response.status_code == 429
    assert response.json()["code"] == "kroger_rate_limited"
    assert response["Retry-After"] == "120"


def test_signed_out_callers_are_refused(db, kroger_http):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/locations", {"zip_code": "45202"})

    assert response.status_code in (401, 403)
    assert len(kroger_http.calls) == 0
