"""The admin lists shoppers with their Kroger status, never their tokens."""

import pytest
from django.utils import timezone
from social_django.models import UserSocialAuth

from accounts.models import KrogerToken
from tests.factories import KrogerTokenFactory, UserFactory
from tests.helpers import STORE

pytestmark = pytest.mark.django_db

SECRETS = ("AT-admin-secret", "RT-admin-secret", "AT-stale-secret", "RT-stale-secret")


@pytest.fixture
def shoppers():
    connected = UserFactory(
        kroger_profile_id="aaaaaaaa-0000-4000-8000-000000000001",
        preferred_location_id=STORE,
        preferred_location_name="Kroger - Over-the-Rhine",
        last_login=timezone.now(),
    )
    KrogerTokenFactory(user=connected, access_token=SECRETS[0], refresh_token=SECRETS[1])
    stale = UserFactory(kroger_profile_id="bbbbbbbb-0000-4000-8000-000000000002")
    KrogerTokenFactory(user=stale, access_token=SECRETS[2], refresh_token=SECRETS[3], needs_reconnect=True)
    UserSocialAuth.objects.create(
        user=connected, provider="kroger", uid=connected.kroger_profile_id, extra_data={"expires_in": 1800}
    )
    never = UserFactory(kroger_profile_id="cccccccc-0000-4000-8000-000000000003")
    return connected, stale, never


def assert_no_secrets(page: str) -> None:
    assert not [secret for secret in SECRETS if secret in page]
    assert "gAAAAA" not in page  # no ciphertext either


def test_user_list_shows_profile_store_status_and_expiry_without_tokens(admin_client, shoppers):
    connected, stale, never = shoppers

    page = admin_client.get("/admin/accounts/user/").content.decode()

    for shopper in shoppers:
        assert shopper.kroger_profile_id in page
    assert "Kroger - Over-the-Rhine (01400943)" in page
    assert "reconnect needed" in page and "not connected" in page and ">connected<" in page
    assert "Access token expires" in page and "Last login" in page
    assert_no_secrets(page)


def test_user_list_is_searchable_by_profile_id(admin_client, shoppers):
    connected, stale, never = shoppers

    page = admin_client.get("/admin/accounts/user/", {"q": "bbbbbbbb-0000"}).content.decode()

    assert stale.kroger_profile_id in page
    assert connected.kroger_profile_id not in page


def test_user_change_form_has_no_token_fields(admin_client, shoppers):
    connected, *_ = shoppers

    response = admin_client.get(f"/admin/accounts/user/{connected.pk}/change/")

    assert response.status_code == 200
    page = response.content.decode()
    assert connected.kroger_profile_id in page
    assert 'name="access_token"' not in page and 'name="refresh_token"' not in page
    assert_no_secrets(page)


def test_kroger_tokens_have_no_admin_page(admin_client, shoppers):
    assert admin_client.get("/admin/accounts/krogertoken/").status_code == 404


def test_social_auth_links_are_read_only_and_hide_extra_data(admin_client, shoppers):
    social = UserSocialAuth.objects.get()

    page = admin_client.get(f"/admin/social_django/usersocialauth/{social.pk}/change/").content.decode()

    assert social.uid in page
    assert "extra_data" not in page and "expires_in" not in page
    assert 'name="uid"' not in page  # shown, not editable
    assert_no_secrets(page)


def test_disconnect_action_deletes_only_the_selected_shoppers_tokens(admin_client, shoppers):
    connected, stale, never = shoppers

    response = admin_client.post(
        "/admin/accounts/user/",
        {"action": "disconnect_from_kroger", "_selected_action": [connected.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "Disconnected 1 shopper(s) from Kroger." in response.content.decode()
    assert not KrogerToken.objects.filter(user=connected).exists()
    assert KrogerToken.objects.filter(user=stale).exists()


def test_households_are_listed_with_owner_and_size_searchable_by_member_and_show_roles(admin_client):
    from accounts.models import Membership
    from tests.factories import HouseholdInviteFactory

    owner = UserFactory(display_name="Alex")
    household = Membership.objects.get(user=owner).household
    household.name = "The Parks"
    household.save()
    UserFactory(display_name="Bo", household=household)
    UserFactory(display_name="Cy")
    HouseholdInviteFactory(household=household, created_by=owner, token="admin-page-invite-token")

    found = admin_client.get("/admin/accounts/household/", {"q": "Bo"}).content.decode()
    missed = admin_client.get("/admin/accounts/household/", {"q": "Zed"}).content.decode()
    detail = admin_client.get(f"/admin/accounts/household/{household.pk}/change/").content.decode()

    assert "The Parks" in found and "Alex" in found and '<td class="field-member_count">2</td>' in found
    assert "The Parks" not in missed
    assert 'value="owner" selected' in detail and 'value="member" selected' in detail
    assert "admin-page-invite-token" not in detail
    assert HouseholdInviteFactory._meta.model.hash_token("admin-page-invite-token") not in detail
