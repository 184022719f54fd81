"""The whole sign-in, store choice and token refresh against the Kroger sandbox (over `requests`)."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import KrogerToken, User
from tests.helpers import SAM, STORE, sign_in_at_sandbox

pytestmark = pytest.mark.django_db


def test_sign_in_through_the_sandbox(client, settings, kroger_sandbox):
    response = sign_in_at_sandbox(client, settings)

    assert response.status_code == 302 and response["Location"] == "/"
    user = User.objects.get(kroger_profile_id=SAM)
    assert client.session["_auth_user_id"] == str(user.pk)
    token = KrogerToken.objects.get(user=user)
    assert token.access_token and token.refresh_token and not token.needs_reconnect


def test_deny_at_the_sandbox_is_a_friendly_page(client, settings, kroger_sandbox):
    response = sign_in_at_sandbox(client, settings, decision="deny")

    assert response.status_code == 400
    assert "Try again" in response.content.decode()
    assert not User.objects.exists()


def test_choose_store_then_refresh_then_reconnect_after_a_reused_refresh_token(
    client, settings, kroger_sandbox
):
    sign_in_at_sandbox(client, settings)
    user = User.objects.get(kroger_profile_id=SAM)

    response = client.put("/api/user/location", {"location_id": STORE}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["preferred_location"]["location_id"] == STORE
    assert response.json()["preferred_location"]["name"]

    first = KrogerToken.objects.get(user=user)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert client.get("/api/user/kroger").status_code == 200
        rotated = KrogerToken.objects.get(user=user)
        assert rotated.access_token != first.access_token
        assert rotated.refresh_token != first.refresh_token

        # Put back the refresh token Kroger already consumed: the next refresh is refused.
        rotated.refresh_token = first.refresh_token
        rotated.access_expires_at = timezone.now() - timedelta(seconds=1)
        rotated.save()
        response = client.get("/api/user/kroger")

    assert response.status_code == 401
    assert response.json()["code"] == "kroger_reconnect_required"
    assert KrogerToken.objects.get(user=user).needs_reconnect is True
    assert "Reconnect Kroger" in client.get("/").content.decode()
