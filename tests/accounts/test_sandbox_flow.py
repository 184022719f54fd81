"""The whole sign-in, store choice and token refresh against the Kroger sandbox (over `requests`)."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.utils import timezone

from accounts.models import KrogerToken, User

pytestmark = pytest.mark.django_db

SAM = "53990804-cfd1-43f3-8256-bdc9817a4fd0"  # a sandbox test shopper


def sandbox_path(url: str, settings) -> str:
    """The sandbox URL Kroger would serve, as a path on our own test server."""
    assert url.startswith(settings.KROGER_API_BASE_URL)
    return "/sandbox/kroger" + url[len(settings.KROGER_API_BASE_URL) :]


def sign_in_at_sandbox(client, settings, *, decision="approve", shopper=SAM):
    authorize_url = client.get("/auth/login")["Location"]
    consent = client.get(sandbox_path(authorize_url, settings))
    assert consent.status_code == 200 and "Approve" in consent.content.decode()
    back = client.post(sandbox_path(authorize_url, settings), {"shopper": shopper, "decision": decision})
    assert back.status_code == 302 and back["Location"].startswith(settings.KROGER_REDIRECT_URI + "?")
    return client.get(urlsplit(back["Location"]).path + "?" + urlsplit(back["Location"]).query)


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

    response = client.put("/api/user/location", {"location_id": "01400943"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["preferred_location"]["location_id"] == "01400943"
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
