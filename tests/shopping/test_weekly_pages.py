"""The review page without JavaScript: add, rewrite, skip, move and remove lines with plain
forms, what happened said in the row, and the recently-sent choice before sending. Also the
favicon, the admin's read-only lists and sends, and the display name."""

import pytest
from django.test import Client

from shopping.models import CartSend, ListItem
from tests.factories import CartSendFactory, ListItemFactory, ShoppingListFactory, UserFactory
from tests.helpers import STORE

pytestmark = pytest.mark.django_db


@pytest.fixture
def shopping_list(shopper):
    shopping_list = ShoppingListFactory(owner=shopper, location_id=STORE, name="Weekly shop")
    for position, text in enumerate(["milk", "eggs", "bread"]):
        ListItemFactory(
            shopping_list=shopping_list, position=position, raw_text=text, term=text, status="resolved",
            product_id=f"000111104170{position}", description=f"Kroger {text.title()}", regular_price="2.00",
        )  # fmt: skip
    return shopping_list


def row_of(page: str, item) -> str:
    start = page.index(f'id="item-{item.pk}"')
    return page[start : page.index("</li>", start)]


def test_adding_a_line_without_js_picks_it_and_says_so_in_its_row(
    browser_client, shopping_list, kroger_sandbox
):
    response = browser_client.post(f"/lists/{shopping_list.pk}/items/add", {"text": "organic bananas"})
    item = shopping_list.items.get(raw_text="organic bananas")
    assert response.status_code == 302 and response.url.endswith(f"#item-{item.pk}")
    assert (item.position, item.status) == (3, "resolved")
    page = browser_client.get(response.url).content.decode()
    assert 'role="status">Added.</p>' in row_of(page, item)
    # Said once, in the row: not again on the next load, and not at the top of the page.
    assert "Added." not in browser_client.get(response.url).content.decode()


def test_adding_nothing_says_why(browser_client, shopping_list):
    response = browser_client.post(f"/lists/{shopping_list.pk}/items/add", {"text": " , - "}, follow=True)
    assert "No item found" in response.content.decode()
    assert shopping_list.items.count() == 3


def test_skip_move_rewrite_and_remove_without_js(browser_client, shopping_list, kroger_sandbox):
    milk, eggs, bread = shopping_list.items.all()
    url = f"/lists/{shopping_list.pk}/items"

    browser_client.post(f"{url}/{milk.pk}", {"skipped": "1"})
    page = browser_client.get(f"/lists/{shopping_list.pk}/").content.decode()
    assert "Skipped: kept on the list, not sent." in row_of(page, milk) and "Include again" in row_of(
        page, milk
    )
    assert "$4.00" in page  # eggs and bread only

    browser_client.post(f"{url}/{bread.pk}", {"position": "0"})
    assert [item.raw_text for item in shopping_list.items.all()] == ["bread", "milk", "eggs"]

    browser_client.post(f"{url}/{eggs.pk}", {"text": "organic bananas"})
    eggs.refresh_from_db()
    assert (eggs.raw_text, eggs.term, eggs.status) == ("organic bananas", "organic bananas", "resolved")

    response = browser_client.post(f"{url}/{bread.pk}/delete", follow=True)
    assert "Removed “bread”." in response.content.decode()
    assert not ListItem.objects.filter(pk=bread.pk).exists()


def test_the_script_gets_the_row_and_the_new_order(browser_client, shopping_list):
    milk, eggs, bread = shopping_list.items.all()
    json = {"accept": "application/json"}
    body = browser_client.post(
        f"/lists/{shopping_list.pk}/items/{bread.pk}", {"position": "0"}, headers=json
    ).json()
    assert body["order"] == [bread.pk, milk.pk, eggs.pk] and 'role="status">Moved.' in body["html"]
    body = browser_client.post(f"/lists/{shopping_list.pk}/items/{milk.pk}/delete", headers=json).json()
    assert (body["deleted"], body["order"], body["total"]) == (True, [bread.pk, eggs.pk], "4.00")


def test_a_product_sent_lately_from_another_list_is_a_choice_per_line(browser_client, shopper, shopping_list):
    milk, eggs, bread = shopping_list.items.all()
    other = ShoppingListFactory(owner=shopper, name="Party")
    CartSendFactory(
        owner=shopper, shopping_list=other, status=CartSend.Status.SUCCEEDED,
        items=[{"upc": milk.product_id, "quantity": 2, "modality": "PICKUP", "added": True}],
    )  # fmt: skip

    page = browser_client.post(f"/lists/{shopping_list.pk}/send").content.decode()

    assert "Already in your Kroger cart?" in page
    assert "You sent 2 × Kroger Milk to your cart today from ‘Party’" in page
    assert f'name="leave-{milk.pk}" value="out"' in page and f'name="leave-{eggs.pk}"' not in page
    # Leaving it out skips the line; the send then goes on (and fails here only at Kroger).
    browser_client.post(f"/lists/{shopping_list.pk}/send", {"confirm": "1", f"leave-{milk.pk}": "out"})
    milk.refresh_from_db()
    assert milk.skipped


def test_a_line_every_match_of_which_is_excluded_offers_skip(browser_client, shopping_list):
    item = ListItemFactory(
        shopping_list=shopping_list, raw_text="peanut butter", term="peanut butter", status="not_found",
        reason="Every match for “peanut butter” goes against your guidance: contains peanuts (“no peanuts”)",
    )  # fmt: skip
    row = row_of(browser_client.get(f"/lists/{shopping_list.pk}/").content.decode(), item)
    assert "Every match for “peanut butter” goes against your guidance" in row
    assert "Skip<span" in row and "Use this" not in row


def test_favicon_ico_is_the_sites_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response.url.endswith("img/favicon.svg")


def test_the_api_docs_link_back_to_the_site(client):
    schema = client.get("/api/schema/?format=json").json()
    assert "[← Back to Personal Shopper](/)" in schema["info"]["description"]


def test_admin_shows_lists_and_sends_read_only_and_users_by_display_name(shopping_list):
    admin = UserFactory(is_staff=True, is_superuser=True, display_name="Ada Admin")
    shopping_list.owner.display_name = "Sam"
    shopping_list.owner.save()
    CartSendFactory(owner=shopping_list.owner, shopping_list=shopping_list)
    client = Client()
    client.force_login(admin)
    lists = client.get("/admin/shopping/shoppinglist/").content.decode()
    assert "Weekly shop" in lists and "Sam" in lists
    assert client.get(f"/admin/shopping/shoppinglist/{shopping_list.pk}/change/").status_code == 200
    assert client.get("/admin/shopping/shoppinglist/add/").status_code == 403
    assert "Sam" in client.get("/admin/shopping/cartsend/").content.decode()
    assert "Sam" in client.get("/admin/accounts/user/").content.decode()


def test_the_display_name_is_asked_once_and_used_on_home(browser_client, shopper):
    page = browser_client.get("/").content.decode()
    assert "What should we call you?" in page
    browser_client.post("/account/name", {"display_name": "  Sam  "})
    shopper.refresh_from_db()
    assert (shopper.display_name, shopper.display_name_asked, str(shopper)) == ("Sam", True, "Sam")
    page = browser_client.get("/").content.decode()
    assert "<h1>Sam's shopping</h1>" in page and "What should we call you?" not in page


def test_not_now_is_not_asked_again(browser_client, shopper):
    browser_client.post("/account/name", {"skip": "1"})
    shopper.refresh_from_db()
    assert (shopper.display_name, shopper.display_name_asked) == ("", True)
    assert "What should we call you?" not in browser_client.get("/").content.decode()


def test_after_choosing_a_store_the_next_step_is_to_paste_a_list(browser_client):
    page = browser_client.get("/stores/").content.decode()
    assert "Next: paste your list" in page
