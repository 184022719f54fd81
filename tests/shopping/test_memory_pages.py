"""The Household guidance and Remembered picks pages, without JavaScript, plus the admin."""

import pytest
from django.test import Client

from accounts.access import household_of
from shopping.models import Guidance, Selection
from tests.factories import GuidanceFactory, SelectionFactory, UserFactory
from tests.helpers import STORE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/guidance/", "/picks/"])
def test_pages_need_sign_in(url):
    response = Client().get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/?")


def test_guidance_page_lists_own_lines_in_order_with_count(logged_in_client, user, other_user, settings):
    settings.MAX_GUIDANCE_LINES_PER_USER = 7
    GuidanceFactory(owner=user, text="Second line", position=2)
    GuidanceFactory(owner=user, text="First line", position=1)
    GuidanceFactory(owner=other_user, text="Not mine")

    page = logged_in_client.get("/guidance/").content.decode()

    assert page.index("First line") < page.index("Second line")
    assert "Not mine" not in page
    assert "(2 of 7 lines)" in page


def test_each_line_says_what_the_picker_understood_or_that_it_is_ignored(logged_in_client, user):
    GuidanceFactory(owner=user, text="free-range eggs", position=0)
    GuidanceFactory(owner=user, text="buy whatever looks nice", position=1)
    GuidanceFactory(owner=user, text="no peanuts; buy whatever looks nice", position=2)

    page = logged_in_client.get("/guidance/").content.decode()

    lines = page.split('<li data-guidance-id="')[1:]
    assert "Prefers: free-range (eggs)" in lines[0] and "Not understood" not in lines[0]
    assert "Not understood as a rule — the picker will ignore this line" in lines[1]
    assert "Never buys: peanuts (every item)" in lines[2]
    assert "Not understood, so ignored: “buy whatever looks nice”" in lines[2]


def test_guidance_page_query_count_does_not_grow(logged_in_client, user, django_assert_max_num_queries):
    GuidanceFactory.create_batch(2, owner=user, text="organic milk")
    with django_assert_max_num_queries(10) as few:
        logged_in_client.get("/guidance/")
    GuidanceFactory.create_batch(18, owner=user, text="buy whatever looks nice")
    with django_assert_max_num_queries(len(few.captured_queries)):
        logged_in_client.get("/guidance/")


def test_adding_a_line_redirects_with_a_message(logged_in_client, user):
    response = logged_in_client.post("/guidance/", {"text": " Store brand ", "applies_to": ""}, follow=True)

    assert response.redirect_chain == [("/guidance/", 302)]
    assert "Guidance added." in response.content.decode()
    assert Guidance.objects.get(owner=user).text == "Store brand"


def test_an_empty_line_is_refused_with_an_error(logged_in_client, user):
    response = logged_in_client.post("/guidance/", {"text": "  "})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Guidance.objects.exists()


def test_the_line_limit_is_explained(logged_in_client, user, settings):
    settings.MAX_GUIDANCE_LINES_PER_USER = 1
    GuidanceFactory(owner=user)

    response = logged_in_client.post("/guidance/", {"text": "one more"})

    assert response.status_code == 400
    assert "at most 1 guidance lines" in response.content.decode()


def test_editing_moving_and_deleting_lines(logged_in_client, user):
    first = GuidanceFactory(owner=user, text="first", position=0)
    second = GuidanceFactory(owner=user, text="second", position=1)

    logged_in_client.post(f"/guidance/{first.pk}/edit", {"text": "first, edited", "applies_to": "eggs"})
    logged_in_client.post(f"/guidance/{second.pk}/move", {"direction": "up"})
    response = logged_in_client.post(f"/guidance/{first.pk}/delete", follow=True)

    assert list(Guidance.objects.values_list("text", flat=True)) == ["second"]
    assert "Deleted “first, edited”." in response.content.decode()


def test_moving_puts_a_line_above_the_previous_one(logged_in_client, user):
    a, b, c = (GuidanceFactory(owner=user, text=t) for t in "abc")

    logged_in_client.post(f"/guidance/{c.pk}/move", {"direction": "up"})

    assert list(Guidance.objects.for_household(household_of(user)).values_list("text", flat=True)) == [
        "a",
        "c",
        "b",
    ]


@pytest.mark.parametrize("action", ["edit", "move", "delete"])
def test_someone_elses_line_is_404_on_every_action(logged_in_client, other_user, action):
    theirs = GuidanceFactory(owner=other_user, text="theirs")

    response = logged_in_client.post(f"/guidance/{theirs.pk}/{action}", {"text": "mine", "direction": "up"})

    assert response.status_code == 404
    assert Guidance.objects.get(pk=theirs.pk).text == "theirs"


def test_picks_page_shows_each_pick(logged_in_client, user, other_user):
    SelectionFactory(
        owner=user,
        term="milk",
        description="Kroger 2% Milk",
        image_url="https://images.test/milk.jpg",
        location_id=STORE,
        quantity=2,
    )
    SelectionFactory(owner=other_user, term="someone else's caviar")

    page = logged_in_client.get("/picks/").content.decode()

    assert "Kroger 2% Milk" in page and "https://images.test/milk.jpg" in page
    assert "Store 01400943" in page and 'value="2"' in page
    assert "caviar" not in page


def test_a_pick_for_one_store_says_its_aisle_there(logged_in_client, user):
    SelectionFactory(owner=user, term="milk", location_id=STORE, aisle="Aisle 35")
    SelectionFactory(owner=user, term="eggs", location_id=STORE, aisle="")
    # At any store the aisle it was remembered in says nothing about the next store.
    SelectionFactory(owner=user, term="bread", location_id="", aisle="Bakery")
    page = logged_in_client.get("/picks/").content.decode()
    assert "Store 01400943 · Aisle 35" in page
    assert "Bakery" not in page and page.count(" · Aisle") == 1


def test_changing_quantity_and_forgetting_a_pick(logged_in_client, user):
    pick = SelectionFactory(owner=user, term="eggs", quantity=1)

    logged_in_client.post(f"/picks/{pick.pk}/quantity", {"quantity": "3"})
    pick.refresh_from_db()
    assert pick.quantity == 3
    bad = logged_in_client.post(f"/picks/{pick.pk}/quantity", {"quantity": "0"}, follow=True)
    assert "Quantity must be a whole number from 1 to 99." in bad.content.decode()
    response = logged_in_client.post(f"/picks/{pick.pk}/forget", follow=True)

    assert "Forgot the pick for “eggs”." in response.content.decode()
    assert not Selection.objects.exists()


@pytest.mark.parametrize("action", ["quantity", "forget"])
def test_someone_elses_pick_is_404(logged_in_client, other_user, action):
    theirs = SelectionFactory(owner=other_user, quantity=1)

    assert logged_in_client.post(f"/picks/{theirs.pk}/{action}", {"quantity": "5"}).status_code == 404
    assert Selection.objects.get(pk=theirs.pk).quantity == 1


def test_picks_page_query_count_does_not_grow(logged_in_client, user, django_assert_max_num_queries):
    SelectionFactory.create_batch(2, owner=user)
    with django_assert_max_num_queries(10) as few:
        logged_in_client.get("/picks/")
    SelectionFactory.create_batch(18, owner=user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        logged_in_client.get("/picks/")


class TestAdmin:
    @pytest.fixture
    def admin_client(self, db):
        client = Client()
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
        return client

    def test_user_list_counts_guidance_and_picks(self, admin_client, user):
        GuidanceFactory.create_batch(2, owner=user)
        SelectionFactory.create_batch(3, owner=user)

        response = admin_client.get("/admin/accounts/user/")

        row = next(r for r in response.context["cl"].result_list if r.pk == user.pk)
        assert (row.guidance_total, row.selection_total) == (2, 3)

    def test_user_page_shows_memory_inline_and_no_token(self, admin_client, user):
        from tests.factories import ApiTokenFactory

        GuidanceFactory(owner=user, text="Organic doesn't matter")
        SelectionFactory(owner=user, term="bananas")
        token = ApiTokenFactory(user=user, secret="ps_admin-must-not-show")

        page = admin_client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()

        assert "Organic doesn&#x27;t matter" in page and "bananas" in page
        assert "ps_admin-must-not-show" not in page and token.key_hash not in page

    @pytest.mark.parametrize("url", ["/admin/shopping/guidance/", "/admin/shopping/selection/"])
    def test_memory_admin_search_and_filters(self, admin_client, user, url):
        GuidanceFactory(owner=user, text="findable")
        SelectionFactory(owner=user, term="findable")

        response = admin_client.get(url, {"q": "findable"})

        assert response.status_code == 200
        assert response.context["cl"].result_count == 1

    def test_memory_admin_filters_narrow_the_list(self, admin_client, user):
        SelectionFactory(owner=user, term="milk", source="assistant")
        SelectionFactory(owner=user, term="eggs", source="user")
        GuidanceFactory(owner=user, text="kept")

        picks = admin_client.get("/admin/shopping/selection/", {"source__exact": "assistant"})
        lines = admin_client.get("/admin/shopping/guidance/")

        assert [pick.term for pick in picks.context["cl"].result_list] == ["milk"]
        assert {spec.title for spec in picks.context["cl"].filter_specs} >= {"source", "location id"}
        assert lines.context["cl"].filter_specs and lines.context["cl"].result_count == 1
        for page in (picks, lines):
            assert "ps_" not in page.content.decode() and "gAAAAA" not in page.content.decode()
