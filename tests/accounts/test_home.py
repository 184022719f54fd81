"""The home page, its store form, and the reconnect prompt."""

import re

import pytest
import requests
import responses
from django.test import RequestFactory
from django.utils import timezone

from accounts.context_processors import kroger_connection
from shopping.models import ShoppingList
from tests.factories import KrogerTokenFactory, ListItemFactory, ShoppingListFactory, UserFactory
from tests.helpers import STORE

from .conftest import token_url

pytestmark = pytest.mark.django_db

LOCATION = {
    "locationId": STORE,
    "name": "Kroger - Over-the-Rhine",
    "address": {"addressLine1": "100 E Court St", "city": "Cincinnati", "state": "OH", "zipCode": "45202"},
}


@pytest.fixture
def kroger_store(settings):
    settings.KROGER_MAX_RETRIES = 0
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.post(token_url(), json={"access_token": "APP", "token_type": "bearer", "expires_in": 1800})
        mock.locations_url = re.compile(re.escape(f"{settings.KROGER_API_BASE_URL}/v1/locations/") + r"\d+")
        mock.get(mock.locations_url, json={"data": LOCATION, "meta": {}})
        yield mock


@pytest.fixture
def connected_client(client, user):
    KrogerTokenFactory(user=user)
    client.force_login(user)
    return client


def test_signed_out_home_explains_the_site_and_offers_kroger_sign_in(client):
    page = client.get("/").content.decode()

    assert "Kroger cart" in page
    assert re.search(r'<a class="button[^"]*" href="/auth/login">Connect with Kroger</a>', page)
    assert "Sign out" not in page
    assert "Reconnect Kroger" not in page


def test_signed_in_home_shows_who_you_are_and_what_to_do_next(connected_client, user):
    page = connected_client.get("/").content.decode()

    assert user.kroger_profile_id[:10] in page
    assert "Kroger connected" in page
    assert 'action="/auth/logout"' in page and "Sign out" in page
    assert '<label for="id_text">Your list</label>' in page and "Create list" in page
    assert "Choose your store first" in page
    assert 'href="/stores/"' in page
    assert 'action="/account/location"' in page and "Choose store" in page
    assert "No lists yet" in page
    assert "Reconnect Kroger" not in page


def test_with_a_store_home_shows_it_and_a_change_link_instead_of_the_id_form(connected_client, user):
    user.preferred_location_id = STORE
    user.preferred_location_name = "Kroger - Over-the-Rhine"
    user.preferred_location_address = "1400 Vine St, Cincinnati, OH 45202"
    user.save()

    page = connected_client.get("/").content.decode()

    assert '<strong id="store-name">Kroger - Over-the-Rhine</strong>' in page
    assert "1400 Vine St, Cincinnati, OH 45202" in page
    assert '<a href="/stores/">Change store</a>' in page
    assert 'action="/account/location"' not in page
    assert "Choose your store first" not in page


def test_the_paste_form_on_home_creates_a_list_and_opens_it(connected_client, user):
    user.preferred_location_id = STORE
    user.save()
    page = connected_client.get("/").content.decode()
    form = page[: page.index('<label for="id_text">Your list</label>')]
    action = re.search(r'<form method="post" action="([^"]+)"', form[form.rindex("<form") :])

    response = connected_client.post(action.group(1), {"text": "milk, 2 lb ground beef, bananas", "name": ""})

    shopping_list = ShoppingList.objects.get(owner=user)
    assert response.status_code == 302 and response["Location"] == f"/lists/{shopping_list.pk}/"
    assert [item.term for item in shopping_list.items.order_by("position")] == [
        "milk",
        "ground beef",
        "bananas",
    ]


def test_home_lists_my_five_latest_lists_with_their_status(connected_client, user, other_user):
    oldest = ShoppingListFactory(owner=user, name="Oldest list")
    for name in ("Party", "Picnic", "Weekly"):
        ShoppingListFactory(owner=user, name=name)
    ready = ShoppingListFactory(owner=user, name="All picked")
    ListItemFactory.create_batch(2, shopping_list=ready, status="resolved", product_id="0001111041700")
    half = ShoppingListFactory(owner=user, name="Half picked", last_sent_at=None)
    ListItemFactory(shopping_list=half, status="resolved", product_id="0001111041700")
    ListItemFactory(shopping_list=half, status="needs_choice", product_id="0004300020540")
    sent = ShoppingListFactory(owner=user, name="Sent list", last_sent_at=timezone.now())
    ShoppingListFactory(owner=other_user, name="Not mine")

    page = connected_client.get("/").content.decode()

    recent = page[page.index('id="recent-title"') :]
    assert f'href="/lists/{sent.pk}/">Sent list</a>' in recent
    assert re.search(r"Sent list</a>\s*<span class=\"badge\">Sent just now</span>", recent)
    assert re.search(r"All picked</a>\s*<span class=\"badge\">Ready to send</span>", recent)
    half_badge = '<span class="badge badge-warn">1 of 2 ready · 1 needs your choice</span>'
    assert re.search(r"Half picked</a>\s*" + re.escape(half_badge), recent)
    assert "Oldest list" not in page and f"/lists/{oldest.pk}/" not in page  # only the latest five
    assert "Not mine" not in page
    assert '<a href="/lists/">All lists</a>' in recent


@pytest.mark.parametrize("lists", [1, 8])
def test_the_signed_in_home_takes_a_constant_number_of_queries(
    connected_client, user, django_assert_max_num_queries, lists
):
    for _ in range(lists):
        ListItemFactory.create_batch(3, shopping_list=ShoppingListFactory(owner=user))

    with django_assert_max_num_queries(7):  # with the household and who else is in it
        assert connected_client.get("/").status_code == 200


def test_choosing_a_store_on_the_home_page(connected_client, user, kroger_store):
    response = connected_client.post("/account/location", {"location_id": STORE}, follow=True)

    page = response.content.decode()
    assert response.redirect_chain == [("/", 302)]
    assert "Kroger - Over-the-Rhine" in page
    assert "100 E Court St, Cincinnati, OH 45202" in page
    user.refresh_from_db()
    assert user.preferred_location_id == STORE


def test_a_malformed_store_id_is_shown_next_to_the_field(connected_client, user, kroger_store):
    response = connected_client.post("/account/location", {"location_id": "12ab"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "8-digit Kroger location ID" in page
    assert 'aria-invalid="true"' in page
    assert 'value="12ab"' in page
    assert len(kroger_store.calls) == 0


def test_an_unknown_store_is_shown_as_an_error(connected_client, user, kroger_store):
    kroger_store.replace(responses.GET, kroger_store.locations_url, status=404, json={})

    response = connected_client.post("/account/location", {"location_id": "99999999"})

    assert response.status_code == 400
    assert "No Kroger store has the location ID 99999999." in response.content.decode()
    user.refresh_from_db()
    assert user.preferred_location_id == ""


def test_kroger_down_while_choosing_a_store_says_so(connected_client, user, kroger_store):
    kroger_store.replace(
        responses.GET, kroger_store.locations_url, body=requests.exceptions.ConnectionError()
    )

    response = connected_client.post("/account/location", {"location_id": STORE})

    assert response.status_code == 503
    assert "Kroger is not responding" in response.content.decode()
    user.refresh_from_db()
    assert user.preferred_location_id == ""


def test_store_form_needs_a_signed_in_shopper(client):
    response = client.post("/account/location", {"location_id": STORE})

    assert response.status_code == 302
    assert response["Location"].startswith("/?next=")


def test_reconnect_prompt_when_kroger_rejected_the_refresh(client, user):
    KrogerTokenFactory(user=user, needs_reconnect=True)
    client.force_login(user)

    page = client.get("/").content.decode()

    assert "Reconnect Kroger" in page
    assert "Kroger connection expired" in page


def test_context_processor_flags_reconnect_in_one_query(django_assert_num_queries, user):
    request = RequestFactory().get("/")
    request.user = user

    with django_assert_num_queries(1):
        assert kroger_connection(request)["kroger_reconnect_needed"] is True  # no tokens at all

    KrogerTokenFactory(user=user)
    with django_assert_num_queries(1):
        assert kroger_connection(request)["kroger_reconnect_needed"] is False


def test_context_processor_for_anonymous_visitors_needs_no_query(django_assert_num_queries, settings):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    with django_assert_num_queries(0):
        context = kroger_connection(request)

    assert context == {"kroger_reconnect_needed": False, "kroger_sandbox": settings.KROGER_SANDBOX}


def test_home_never_renders_token_values(client):
    user = UserFactory()
    KrogerTokenFactory(user=user, access_token="AT-home-secret", refresh_token="RT-home-secret")
    client.force_login(user)

    page = client.get("/").content.decode()

    assert "Kroger connected" in page
    assert "AT-home-secret" not in page and "RT-home-secret" not in page
