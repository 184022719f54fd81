"""Every /api/ failure is JSON in the one error shape; pages keep their HTML error pages."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

from shopping.api.memory import GuidanceViewSet

SECRET_IN_ERROR = "password=hunter2 host=db.internal"


def test_an_unhandled_exception_in_an_api_view_is_a_json_500_without_a_traceback(api_client):
    with mock.patch.object(GuidanceViewSet, "list", side_effect=RuntimeError(SECRET_IN_ERROR)):
        response = api_client.get("/api/guidance")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "code": "server_error",
        "detail": "Something went wrong on our side. Please try again later.",
    }
    assert "hunter2" not in response.content.decode() and "Traceback" not in response.content.decode()


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_outage_in_an_api_view_is_a_json_503_with_retry_after(api_client, error):
    with mock.patch.object(GuidanceViewSet, "list", side_effect=error(SECRET_IN_ERROR)):
        response = api_client.get("/api/guidance")

    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "service_unavailable" and set(body) == {"code", "detail"}
    assert int(response["Retry-After"]) > 0
    assert "hunter2" not in response.content.decode()


@pytest.mark.django_db
def test_a_database_outage_while_authenticating_a_token_is_a_json_503():
    client = Client(raise_request_exception=False)
    with mock.patch(
        "accounts.authentication.ApiToken.objects.select_related",
        side_effect=OperationalError(SECRET_IN_ERROR),
    ):
        response = client.get("/api/user", HTTP_AUTHORIZATION="Bearer ps_anything")

    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"
    assert "hunter2" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("error", "status", "code"),
    [(RuntimeError, 500, "server_error"), (OperationalError, 503, "service_unavailable")],
)
def test_a_failure_outside_drf_under_api_is_json_too(user, error, status, code):
    # A failure in middleware (here: the session store) never reaches DRF's handler.
    client = Client(raise_request_exception=False)
    client.force_login(user)
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load", side_effect=error(SECRET_IN_ERROR)
    ):
        response = client.get("/api/user")

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == code
    assert "hunter2" not in response.content.decode()


@pytest.mark.django_db
def test_a_page_keeps_the_html_error_page(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    with mock.patch(
        "django.contrib.sessions.backends.db.SessionStore.load", side_effect=RuntimeError(SECRET_IN_ERROR)
    ):
        response = client.get("/guidance/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "hunter2" not in response.content.decode()


@pytest.mark.django_db
def test_a_bad_host_under_api_is_a_json_400():
    response = Client(raise_request_exception=False).get("/api/user", HTTP_HOST="evil.example.com")

    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_a_list_line_id_too_big_for_the_database_is_404(api_client):
    response = api_client.patch(f"/api/lists/{10**21}/items/1", {"quantity": 2}, format="json")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
