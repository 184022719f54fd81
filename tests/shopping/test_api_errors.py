"""Every /api/ failure is JSON in the one error shape; pages keep their HTML error pages.

Failures are made at the database boundary (`connection.execute_wrapper`), where an outage or a
broken driver really strikes: the query on one table raises, everything else runs as it would.
"""

from contextlib import contextmanager

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.test import Client

from accounts.models import ApiToken
from shopping.models import Guidance

SECRET_IN_ERROR = "password=hunter2 host=db.internal"


@contextmanager
def failing_queries(table: str, error: Exception):
    """Every query that touches `table` raises `error` (as a lost or broken database would)."""

    def fail(execute, sql, params, many, context):
        if table in sql:
            raise error
        return execute(sql, params, many, context)

    with connection.execute_wrapper(fail):
        yield


def test_an_unhandled_exception_in_an_api_view_is_a_json_500_without_a_traceback(api_client):
    with failing_queries(Guidance._meta.db_table, RuntimeError(SECRET_IN_ERROR)):
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
    with failing_queries(Guidance._meta.db_table, error(SECRET_IN_ERROR)):
        response = api_client.get("/api/guidance")

    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "service_unavailable" and set(body) == {"code", "detail"}
    assert int(response["Retry-After"]) > 0
    assert "hunter2" not in response.content.decode()


@pytest.mark.django_db
def test_a_database_outage_while_authenticating_a_token_is_a_json_503():
    client = Client(raise_request_exception=False)
    with failing_queries(ApiToken._meta.db_table, OperationalError(SECRET_IN_ERROR)):
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
    with failing_queries("django_session", error(SECRET_IN_ERROR)):
        response = client.get("/api/user")

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == code
    assert "hunter2" not in response.content.decode()


@pytest.mark.django_db
def test_a_page_keeps_the_html_error_page(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    with failing_queries("django_session", RuntimeError(SECRET_IN_ERROR)):
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
