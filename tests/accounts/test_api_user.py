"""GET /api/user, PUT /api/user/location, GET /api/user/kroger."""

import json
import re
from datetime import timedelta

import pytest
import requests
import responses
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import KrogerToken
from tests.factories import KrogerTokenFactory
from tests.helpers import STORE

from .conftest import token_url

pytestmark = pytest.mark.django_db

LOCATION = {
    "locationId": STORE,
    "chain": "KROGER",
    "name": "Kroger - Over-the-Rhine",
    "phone": "5135551234",
    "address": {"addressLine1": "100 E Court St", "city": "Cincinnati", "state": "OH", "zipCode": "45202"},
    "geolocation": {"latitude": 39.1, "longitude": -84.5},
    "hours": {"open24": False},
    "departments": [],
}


@pytest.fixture
def kroger_locations(settings):
    """Kroger's token (client_credentials) and Locations endpoints; 01400943 is the only store."""
    settings.KROGER_MAX_RETRIES = 0  # failures answer at once (no backoff sleeps)
    base = settings.KROGER_API_BASE_URL
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(token_url(), json={"access_token": "APP-token", "token_type": "bearer", "expires_in": 1800})

        def location(request):
            location_id = request.path_url.rsplit("/", 1)[-1]
            if location_id == STORE:
                return 200, {"Content-Type": "application/json"}, json.dumps({"data": LOCATION, "meta": {}})
            return 404, {"Content-Type": "application/json"}, "{}"

        mock.locations_url = re.compile(re.escape(f"{base}/v1/locations/") + r"[^/?]+")
        mock.add_callback(responses.GET, mock.locations_url, callback=location)
        yield mock


def location_calls(mock) -> list:
    return [call for call in mock.calls if "/v1/locations/" in call.request.url]


# --- GET /api/user ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"), [("get", "/api/user"), ("put", "/api/user/location"), ("get", "/api/user/kroger")]
)
def test_anonymous_requests_get_a_json_401_or_403(method, path):
    response = getattr(APIClient(), method)(path, {"location_id": STORE}, format="json")

    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_user_shows_profile_store_and_connection_but_never_a_token(api_client, user):
    user.preferred_location_id = STORE
    user.preferred_location_name = "Kroger - Over-the-Rhine"
    user.preferred_location_address = "100 E Court St, Cincinnati, OH 45202"
    user.save()
    token = KrogerTokenFactory(user=user, access_token="AT-visible?", refresh_token="RT-visible?")

    response = api_client.get("/api/user")

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "id": user.pk,
        "display_name": "",
        "kroger_profile_id": user.kroger_profile_id,
        "preferred_location": {
            "location_id": STORE,
            "name": "Kroger - Over-the-Rhine",
            "address": "100 E Court St, Cincinnati, OH 45202",
        },
        "kroger": {
            "status": "connected",
            "access_token_expires_at": token.access_expires_at.isoformat().replace("+00:00", "Z"),
        },
    }
    assert "AT-visible" not in response.content.decode() and "RT-visible" not in response.content.decode()


def test_user_without_store_or_tokens(api_client, user):
    body = api_client.get("/api/user").json()

    assert body["preferred_location"] is None
    assert body["kroger"] == {"status": "not_connected", "access_token_expires_at": None}


def test_user_whose_refresh_was_rejected_shows_reconnect_needed(api_client, user):
    KrogerTokenFactory(user=user, needs_reconnect=True)

    assert api_client.get("/api/user").json()["kroger"]["status"] == "reconnect_needed"


# --- PUT /api/user/location -------------------------------------------------------------------


def test_choosing_a_store_confirms_it_with_kroger_and_saves_name_and_address(
    api_client, user, kroger_locations
):
    response = api_client.put("/api/user/location", {"location_id": STORE}, format="json")

    assert response.status_code == 200
    assert response.json()["preferred_location"] == {
        "location_id": STORE,
        "name": "Kroger - Over-the-Rhine",
        "address": "100 E Court St, Cincinnati, OH 45202",
    }
    user.refresh_from_db()
    assert (user.preferred_location_id, user.preferred_location_name) == (
        STORE,
        "Kroger - Over-the-Rhine",
    )
    # The store lookup used the application token (client_credentials), sent with Basic auth.
    token_request = next(c.request for c in kroger_locations.calls if c.request.url == token_url())
    assert "grant_type=client_credentials" in token_request.body
    assert token_request.headers["Authorization"].startswith("Basic ")
    assert location_calls(kroger_locations)[0].request.headers["Authorization"] == "Bearer APP-token"


def test_the_application_token_is_reused_between_lookups(api_client, kroger_locations):
    api_client.put("/api/user/location", {"location_id": STORE}, format="json")
    api_client.put("/api/user/location", {"location_id": "01400376"}, format="json")

    token_requests = [c for c in kroger_locations.calls if c.request.url == token_url()]
    assert len(token_requests) == 1


@pytest.mark.parametrize(
    "location_id", ["1400943", "014009431", "0140094A", "", "  ", "01 400943", "../../x"]
)
def test_malformed_location_ids_are_a_field_error_without_asking_kroger(
    api_client, user, kroger_locations, location_id
):
    response = api_client.put("/api/user/location", {"location_id": location_id}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["location_id"]
    assert response.json()["location_id"][0]
    assert len(kroger_locations.calls) == 0
    user.refresh_from_db()
    assert user.preferred_location_id == ""


def test_missing_location_id_is_a_field_error(api_client):
    response = api_client.put("/api/user/location", {}, format="json")

    assert response.status_code == 400
    assert "location_id" in response.json()


def test_an_unknown_store_is_a_404_and_nothing_is_saved(api_client, user, kroger_locations):
    user.preferred_location_id = STORE
    user.save()

    response = api_client.put("/api/user/location", {"location_id": "99999999"}, format="json")

    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "No Kroger store has the location ID 99999999."}
    user.refresh_from_db()
    assert user.preferred_location_id == STORE


@pytest.mark.parametrize(
    "failure",
    [{"body": requests.exceptions.ConnectionError("down")}, {"status": 500, "json": {"errors": {}}}],
    ids=["unreachable", "500"],
)
def test_kroger_down_is_a_503_with_a_clear_message_and_nothing_saved(
    api_client, user, kroger_locations, failure
):
    kroger_locations.replace(responses.GET, kroger_locations.locations_url, **failure)

    response = api_client.put("/api/user/location", {"location_id": STORE}, format="json")

    assert response.status_code == 503
    assert response.json()["code"] == "kroger_unavailable"
    assert "Kroger" in response.json()["detail"]
    user.refresh_from_db()
    assert (user.preferred_location_id, user.preferred_location_name) == ("", "")


def test_kroger_rate_limiting_is_a_429_with_retry_after_and_nothing_saved(api_client, user, kroger_locations):
    kroger_locations.replace(
        responses.GET,
        kroger_locations.locations_url,
        status=429,
        headers={"Retry-After": "42"},
        json={"errors": {"reason": "rate limit exceeded"}},
    )

    response = api_client.put("/api/user/location", {"location_id": STORE}, format="json")

    assert response.status_code == 429
    assert response.json()["code"] == "kroger_rate_limited"
    assert response["Retry-After"] == "42"
    user.refresh_from_db()
    assert user.preferred_location_id == ""


# --- GET /api/user/kroger: the token path through the API ------------------------------------


def test_kroger_check_reports_connected(api_client, user, settings):
    KrogerTokenFactory(user=user, access_token="AT-live")
    with responses.RequestsMock() as mock:
        mock.get(
            f"{settings.KROGER_API_BASE_URL}/v1/identity/profile",
            json={"data": {"id": user.kroger_profile_id}},
        )
        response = api_client.get("/api/user/kroger")
        assert mock.calls[0].request.headers["Authorization"] == "Bearer AT-live"

    assert response.status_code == 200
    assert response.json()["status"] == "connected"


def test_rejected_refresh_makes_the_api_answer_401_reconnect_required(api_client, user, client):
    KrogerTokenFactory(user=user, access_expires_at=timezone.now() - timedelta(minutes=1))
    with responses.RequestsMock() as mock:
        mock.post(token_url(), status=400, json={"error": "invalid_request", "error_description": "invalid"})
        response = api_client.get("/api/user/kroger")

    assert response.status_code == 401
    assert response.json()["code"] == "kroger_reconnect_required"
    assert KrogerToken.objects.get(user=user).needs_reconnect is True
    assert api_client.get("/api/user").json()["kroger"]["status"] == "reconnect_needed"
    client.force_login(user)
    assert "Reconnect Kroger" in client.get("/").content.decode()


def test_kroger_check_without_tokens_is_401_reconnect_required(api_client):
    response = api_client.get("/api/user/kroger")

    assert response.status_code == 401
    assert response.json()["code"] == "kroger_reconnect_required"


def test_no_user_endpoint_exposes_a_token_field_in_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(public=True)
    for name in ("User", "KrogerConnection", "PreferredLocation"):
        properties = json.dumps(schema["components"]["schemas"][name]["properties"])
        assert '"access_token"' not in properties and '"refresh_token"' not in properties


def test_the_display_name_is_set_with_patch(api_client, user):
    response = api_client.patch("/api/user", {"display_name": "  Sam   Sandbox "}, format="json")
    assert response.status_code == 200 and response.json()["display_name"] == "Sam Sandbox"
    user.refresh_from_db()
    assert (user.display_name, user.display_name_asked) == ("Sam Sandbox", True)
    too_long = api_client.patch("/api/user", {"display_name": "x" * 61}, format="json")
    assert too_long.status_code == 400 and "display_name" in too_long.json()
