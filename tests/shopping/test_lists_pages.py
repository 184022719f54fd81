"""The list pages without JavaScript: paste, find products, swap, remember, send (and resend)."""

import re

import pytest
from django.test import Client

from shopping.models import Guidance, ListItem, ListProgress, Selection, ShoppingList
from tests.factories import (
    GuidanceFactory,
    ListItemFactory,
    SelectionFactory,
    ShoppingListFactory,
    UserFactory,
)
from tests.helpers import STORE

pytestmark = pytest.mark.django_db


# Lines any shopper would pick the same product for at the sandbox store ("milk" alone needs a
# choice: whole or 2%?).
def paste(client, text="whole milk\norganic bananas\na dozen eggs"):
    response = client.post("/lists/", {"text": text, "name": "Weekly"})
    assert response.status_code == 302
    return ShoppingList.objects.get(pk=response.url.split("/")[2]), response


def test_pasting_a_list_creates_it_and_opens_it(browser_client):
    shopping_list, response = paste(browser_client)
    assert response.url == f"/lists/{shopping_list.pk}/"
    page = browser_client.get(response.url).content.decode()
    assert "0 of 3 ready · 3 to look up" in page and 'aria-live="polite"' in page
    assert "Find products" in page
    assert "Looking for “organic bananas”" in page


def test_the_lists_page_shows_my_lists_and_the_new_list_form(browser_client, shopper):
    ShoppingListFactory(owner=shopper, name="Party")
    ShoppingListFactory(owner=UserFactory(), name="Not mine")
    page = browser_client.get("/lists/").content.decode()
    assert "Party" in page and "Not mine" not in page
    assert '<label for="id_text">Your list</label>' in page


@pytest.mark.parametrize("lines", [2, 20])
def test_the_list_pages_take_a_constant_number_of_queries(
    browser_client, shopper, django_assert_max_num_queries, lines
):
    for _ in range(3):
        shopping_list = ShoppingListFactory(owner=shopper, location_id=STORE)
        ListItemFactory.create_batch(
            lines, shopping_list=shopping_list, status="resolved", regular_price="1.00"
        )
    with django_assert_max_num_queries(8):
        assert browser_client.get("/lists/").status_code == 200
    with django_assert_max_num_queries(8):
        page = browser_client.get(f"/lists/{shopping_list.pk}/").content.decode()
    assert page.count('class="list-line"') == lines


def test_without_a_store_the_page_says_to_choose_one(browser_client, shopper):
    shopper.preferred_location_id = ""
    shopper.save()
    response = browser_client.post("/lists/", {"text": "milk"})
    assert response.status_code == 400
    assert "Choose your store first" in response.content.decode()
    assert 'href="/stores/"' in response.content.decode()


def test_an_empty_paste_is_a_field_error(browser_client):
    response = browser_client.post("/lists/", {"text": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_find_products_resolves_every_line_and_shows_the_picks(browser_client, kroger_sandbox):
    shopping_list, _ = paste(browser_client)
    response = browser_client.post(f"/lists/{shopping_list.pk}/resolve")
    assert response.status_code == 302
    page = browser_client.get(f"/lists/{shopping_list.pk}/").content.decode()
    assert "3 of 3 ready" in page
    milk = shopping_list.items.get(term="whole milk")
    assert milk.description in page.replace("&reg;", "®") and milk.reason.replace('"', "&quot;") in page
    # The bananas are sold by weight, so the total is an estimate.
    assert "Estimated basket total</span>" in page and "at today's prices" in page
    assert f"${shopping_list.basket_total:.2f}" in page
    assert "Swap or search again" in page and 'Remember<span class="list-line-long"> this choice' in page


def test_one_line_resolves_for_the_script_and_returns_its_row(browser_client, kroger_sandbox):
    shopping_list, _ = paste(browser_client)
    item = shopping_list.items.get(term="organic bananas")
    response = browser_client.post(
        f"/lists/{shopping_list.pk}/items/{item.pk}/resolve", headers={"accept": "application/json"}
    )
    body = response.json()
    assert (body["id"], body["status"], body["ready"], body["count"]) == (item.pk, "resolved", 1, 3)
    assert body["progress"] == "1 of 3 ready · 2 to look up"
    assert f'id="item-{item.pk}"' in body["html"] and "Bananas" in body["html"]


def test_each_answer_for_the_script_is_further_along_than_the_one_before(browser_client, kroger_sandbox):
    # lists.js resolves lines concurrently and keeps the progress of the furthest answer,
    # so a slow answer computed earlier cannot put back an older count.
    shopping_list, _ = paste(browser_client)
    stages = []
    for item in shopping_list.items.all():
        response = browser_client.post(
            f"/lists/{shopping_list.pk}/items/{item.pk}/resolve", headers={"accept": "application/json"}
        )
        stages.append(response.json()["stage"])
    assert stages == sorted(set(stages))


def test_a_line_that_failed_and_then_resolves_moves_progress_on():
    # Two lines: one looked up and failed, then retried and picked.
    failed = ListProgress(total=2, ready=0, failed=1)
    retried = ListProgress(total=2, ready=1)
    assert ListProgress(total=2, ready=0).stage < failed.stage < retried.stage


def test_guidance_that_is_not_understood_is_shown(browser_client, shopper):
    GuidanceFactory(owner=shopper, text="buy whatever looks nice; organic milk")
    shopping_list, _ = paste(browser_client, "milk")
    page = browser_client.get(f"/lists/{shopping_list.pk}/").content.decode()
    assert "not understood: “buy whatever looks nice”" in page
    assert "organic milk" not in page.split("Guidance not understood")[1].split("</div>")[0]


def test_every_page_counts_ready_lines_as_the_lines_a_send_would_add(
    browser_client, shopper, kroger_sandbox, connect_kroger
):
    """Ready means "will be sent": a line that needs a choice is neither counted nor sent."""
    profile_id = connect_kroger(shopper)
    shopping_list = ShoppingListFactory(owner=shopper, location_id=STORE, name="Weekly")
    milk = dict(product_id="0001111041700", description="Kroger® 2% Milk", regular_price="2.39")
    ListItemFactory.create_batch(8, shopping_list=shopping_list, status="resolved", **milk)
    ListItemFactory.create_batch(2, shopping_list=shopping_list, status="needs_choice", **milk)
    summary = "8 of 10 ready · 2 need your choice"

    detail = browser_client.get(f"/lists/{shopping_list.pk}/").content.decode()
    assert f'data-count="10">{summary}</p>' in detail
    assert summary in browser_client.get("/lists/").content.decode()
    assert f'<span class="badge badge-warn">{summary}</span>' in browser_client.get("/").content.decode()

    page = browser_client.post(f"/lists/{shopping_list.pk}/send", follow=True).content.decode()
    assert "Added 8 lines to your Kroger cart." in page
    assert kroger_sandbox.cart_for(profile_id) == [
        {"upc": "0001111041700", "quantity": 8, "modality": "PICKUP"}
    ]


def test_the_list_says_which_store_it_is_for_and_how_to_change_it(browser_client, shopper):
    shopper.preferred_location_address = "1400 Vine St, Cincinnati, OH 45202"
    shopper.save()
    shopping_list = ShoppingListFactory(owner=shopper, location_id=STORE)
    page = browser_client.get(f"/lists/{shopping_list.pk}/").content.decode()
    assert "At <strong>Kroger On the Rhine</strong> · 1400 Vine St, Cincinnati, OH 45202" in page
    assert '<a href="/stores/">Change store</a>' in page
    assert "Store Kroger" not in page

    other = ShoppingListFactory(owner=shopper, location_id="01400376")
    page = browser_client.get(f"/lists/{other.pk}/").content.decode()
    assert "At Kroger store <strong>01400376</strong> (your new lists use Kroger On the Rhine)" in page


def test_an_out_of_stock_alternative_is_marked_and_not_offered_first(browser_client, shopper):
    shopping_list = ShoppingListFactory(owner=shopper, location_id=STORE)
    gone = {"product_id": "0001111040060", "description": "Whole Milk"}
    gone["stock_level"] = "TEMPORARILY_OUT_OF_STOCK"
    there = {"product_id": "0001111040101", "description": "Skim Milk", "stock_level": "HIGH"}
    ListItemFactory(
        shopping_list=shopping_list, status="resolved", product_id="0001111041700",
        description="2% Milk", alternatives=[gone, there],
    )  # fmt: skip
    page = browser_client.get(f"/lists/{shopping_list.pk}/").content.decode()
    radios = {m[1]: m[0] for m in re.findall(r'(<input type="radio"[^>]*value="(\d+)"[^>]*>)', page)}
    assert "checked" not in radios[gone["product_id"]]
    assert "checked" in radios[there["product_id"]]
    whole = page[page.index("Whole Milk") :].split("</label>")[0]
    skim = page[page.index("Skim Milk") :].split("</label>")[0]
    assert "Out of stock at this store" in whole and "Out of stock" not in skim


def test_a_line_whose_product_is_remembered_says_so(browser_client, shopper):
    shopping_list = ShoppingListFactory(owner=shopper, location_id=STORE)
    picked = dict(status="resolved", product_id="0001111041700", description="Kroger® 2% Milk")
    ListItemFactory(shopping_list=shopping_list, term="milk", source="memory", regular_price="2.39", **picked)
    other = ListItemFactory(shopping_list=shopping_list, term="2% milk", regular_price="3.49", **picked)
    SelectionFactory(owner=shopper, term="milk", location_id=STORE, product_id="0001111041700")
    page = browser_client.get(f"/lists/{shopping_list.pk}/").content.decode()
    assert page.count("✓ Remembered") == 1
    assert page.index("✓ Remembered") < page.index(f'id="item-{other.pk}"')
    assert page.count("this choice</span>") == 1  # only on the line not remembered yet


def test_a_picked_line_says_which_aisle_its_product_is_in(browser_client, shopper):
    shopping_list = ShoppingListFactory(owner=shopper, location_id=STORE)
    picked = dict(shopping_list=shopping_list, status="resolved", brand="Kroger", size="1 gal")
    milk = ListItemFactory(product_id="0001111041700", aisle="Aisle 35", **picked)
    eggs = ListItemFactory(product_id="0001111060933", aisle="", **picked)
    page = browser_client.get(f"/lists/{shopping_list.pk}/").content.decode()
    milk_row = page[page.index(f'id="item-{milk.pk}"') : page.index(f'id="item-{eggs.pk}"')]
    assert 'Kroger · 1 gal · <span class="list-line-aisle">Aisle 35</span>' in milk_row
    assert page.count("list-line-aisle") == 1  # a blank aisle shows nothing


def test_a_line_picked_at_the_sandbox_store_shows_its_aisle(browser_client, kroger_sandbox):
    shopping_list, _ = paste(browser_client, "organic bananas")
    browser_client.post(f"/lists/{shopping_list.pk}/resolve")
    line = shopping_list.items.get()
    assert line.aisle
    page = browser_client.get(f"/lists/{shopping_list.pk}/").content.decode()
    assert f'<span class="list-line-aisle">{line.aisle}</span>' in page


def test_a_line_that_needs_a_choice_says_so(browser_client, shopper):
    shopping_list = ShoppingListFactory(owner=shopper, location_id=STORE)
    ListItemFactory(
        shopping_list=shopping_list,
        status="needs_choice",
        product_id="0004300020540",
        description="Jell-O Banana Cream Pudding",
        reason='Not sure this is the "banana" you want: please choose',
    )
    page = browser_client.get(f"/lists/{shopping_list.pk}/").content.decode()
    assert "Needs your choice" in page and "Use this" in page
    assert "Remember it, with guidance for next time" in page


def test_swapping_changing_quantity_and_remembering(browser_client, shopper, kroger_sandbox):
    shopping_list, _ = paste(browser_client, "milk")
    browser_client.post(f"/lists/{shopping_list.pk}/resolve")
    item = shopping_list.items.get()
    alternative = item.alternatives[0]["product_id"]
    url = f"/lists/{shopping_list.pk}/items/{item.pk}"

    assert browser_client.post(url, {"product_id": alternative}).status_code == 302
    assert browser_client.post(url, {"quantity": "2"}).status_code == 302
    item.refresh_from_db()
    assert (item.product_id, item.quantity, item.reason) == (alternative, 2, "Your choice")

    response = browser_client.post(url + "/remember", {"guidance_text": "whole milk"}, follow=True)
    assert "Remembered" in response.content.decode()
    assert Selection.objects.get(owner=shopper).product_id == alternative
    assert Guidance.objects.get(owner=shopper).text == "whole milk"


def test_a_made_up_product_cannot_be_swapped_in(browser_client, kroger_sandbox):
    shopping_list, _ = paste(browser_client, "milk")
    browser_client.post(f"/lists/{shopping_list.pk}/resolve")
    item = shopping_list.items.get()
    response = browser_client.post(
        f"/lists/{shopping_list.pk}/items/{item.pk}", {"product_id": "9999999999999"}, follow=True
    )
    assert "Kroger does not sell that product at your store." in response.content.decode()
    assert ListItem.objects.get().product_id == item.product_id


def test_send_then_resend_only_the_changes_after_a_confirmation_step(
    browser_client, shopper, kroger_sandbox, connect_kroger
):
    profile_id = connect_kroger(shopper)
    shopping_list, _ = paste(browser_client, "whole milk\norganic bananas")
    browser_client.post(f"/lists/{shopping_list.pk}/resolve")

    page = browser_client.post(f"/lists/{shopping_list.pk}/send", follow=True).content.decode()
    assert "Added 2 lines to your Kroger cart." in page
    assert page.count(">In cart<") == 2
    assert len(kroger_sandbox.cart_for(profile_id)) == 2

    milk = shopping_list.items.get(term="whole milk")
    browser_client.post(f"/lists/{shopping_list.pk}/items/{milk.pk}", {"quantity": "3"})
    confirm = browser_client.post(f"/lists/{shopping_list.pk}/send").content.decode()
    assert "Send the changes to your Kroger cart?" in confirm
    assert "2 × " in confirm and "more of it" in confirm and "Bananas" not in confirm
    assert len(kroger_sandbox.cart_for(profile_id)) == 2

    page = browser_client.post(
        f"/lists/{shopping_list.pk}/send", {"confirm": "1"}, follow=True
    ).content.decode()
    assert "Added 1 line to your Kroger cart." in page
    quantities = {row["upc"]: row["quantity"] for row in kroger_sandbox.cart_for(profile_id)}
    assert quantities[milk.product_id] == 3


def test_sending_without_a_kroger_connection_says_what_to_do(browser_client, kroger_sandbox):
    shopping_list, _ = paste(browser_client, "whole milk")
    browser_client.post(f"/lists/{shopping_list.pk}/resolve")
    response = browser_client.post(f"/lists/{shopping_list.pk}/send", follow=True)
    assert response.status_code == 200
    assert (
        "Your Kroger connection has expired. Reconnect Kroger, then send again." in response.content.decode()
    )


def test_deleting_a_list(browser_client, shopper):
    shopping_list = ShoppingListFactory(owner=shopper)
    assert browser_client.post(f"/lists/{shopping_list.pk}/delete").url == "/lists/"
    assert not ShoppingList.objects.exists()


@pytest.mark.parametrize(
    ("method", "route"),
    [
        ("get", "/lists/{list}/"),
        ("post", "/lists/{list}/resolve"),
        ("post", "/lists/{list}/send"),
        ("post", "/lists/{list}/delete"),
        ("post", "/lists/{list}/items/{item}"),
        ("post", "/lists/{list}/items/{item}/resolve"),
        ("post", "/lists/{list}/items/{item}/remember"),
    ],
)
def test_a_strangers_list_pages_are_404(browser_client, method, route):
    theirs = ShoppingListFactory(owner=UserFactory(), location_id=STORE)
    item = ListItemFactory(shopping_list=theirs, product_id="0001111041700", status="resolved")
    response = getattr(browser_client, method)(route.format(list=theirs.pk, item=item.pk), {"quantity": "5"})
    assert response.status_code == 404
    assert ShoppingList.objects.filter(pk=theirs.pk).exists()
    item.refresh_from_db()
    assert item.quantity == 1


def test_signed_out_visitors_are_sent_to_sign_in(db):
    response = Client().get("/lists/")
    assert response.status_code == 302 and response.url.startswith("/?next=")


def test_a_bad_quantity_gets_a_plain_message(browser_client, shopper):
    shopping_list = ShoppingListFactory(owner=shopper, location_id=STORE)
    item = ListItemFactory(shopping_list=shopping_list, status="resolved", product_id="0001111041700")
    response = browser_client.post(
        f"/lists/{shopping_list.pk}/items/{item.pk}", {"quantity": "0"}, follow=True
    )
    assert "Quantity must be a whole number from 1 to 99." in response.content.decode()
    item.refresh_from_db()
    assert item.quantity == 1


def test_a_pick_found_by_searching_again_comes_back_for_the_same_line_next_time(
    browser_client, shopper, kroger_sandbox
):
    shopping_list, _ = paste(browser_client, "milk")
    browser_client.post(f"/lists/{shopping_list.pk}/resolve")
    item = shopping_list.items.get()
    url = f"/lists/{shopping_list.pk}/items/{item.pk}"

    page = browser_client.post(url, {"term": "organic whole milk"}, follow=True).content.decode()
    assert "Searched for “organic whole milk”" in page
    assert 'name="term" type="search" maxlength="200" required value="organic whole milk"' in page
    item.refresh_from_db()
    choice = item.alternatives[0]["product_id"]
    browser_client.post(url, {"product_id": choice})
    page = browser_client.post(url + "/remember", follow=True).content.decode()
    assert "for “milk”." in page

    again, _ = paste(browser_client, "milk")
    browser_client.post(f"/lists/{again.pk}/resolve")
    page = browser_client.get(f"/lists/{again.pk}/").content.decode()
    assert "Remembered pick for &quot;milk&quot; at this store" in page
    assert "Searched for" not in page
    line = again.items.get()
    assert (line.status, line.source, line.product_id) == ("resolved", "memory", choice)


CHEERIOS = "0001600027528"


@pytest.fixture
def flagged(shopper):
    """A line the picker was unsure of, as resolving leaves it: a suggestion awaiting the shopper."""
    shopping_list = ShoppingListFactory(owner=shopper, location_id=STORE)
    return ListItemFactory(
        shopping_list=shopping_list, raw_text="cereal", term="cereal", status="needs_choice",
        source="rules", product_id=CHEERIOS, brand="General Mills", regular_price="4.29",
        description="General Mills Cheerios Toasted Whole Grain Oat Cereal",
        reason='Not sure this is the "cereal" you want: please choose',
    )  # fmt: skip


OFFER = "Remember “cereal” → General Mills Cheerios Toasted Whole Grain Oat Cereal for next time"
SUGGESTED = (
    'name="guidance_text" type="text" maxlength="500" required value="Prefer General Mills for cereal"'
)


def test_settling_a_flagged_line_offers_to_remember_it_and_to_save_guidance(browser_client, shopper, flagged):
    base = f"/lists/{flagged.shopping_list_id}/"
    assert OFFER not in browser_client.get(base).content.decode()

    page = browser_client.post(f"{base}items/{flagged.pk}", {"product_id": CHEERIOS}, follow=True)
    html = page.content.decode()
    assert OFFER in html and SUGGESTED in html and "Save guidance" in html
    assert html.count("this choice</span>") == 0  # one offer per line, not two

    page = browser_client.post(
        f"{base}items/{flagged.pk}/remember",
        {"guidance_text": "Prefer General Mills for cereal"},
        follow=True,
    ).content.decode()
    assert "Remembered “General Mills Cheerios Toasted Whole Grain Oat Cereal” for “cereal”" in page
    assert "and saved your guidance" in page
    assert OFFER not in page  # asked once: answered, so not asked again
    assert Selection.objects.get(owner=shopper).term == "cereal"
    assert Guidance.objects.get(owner=shopper).applies_to == "cereal"


def test_a_line_the_picker_was_sure_of_is_not_offered_after_a_swap(browser_client, shopper, flagged):
    flagged.status = "resolved"
    flagged.save()
    url = f"/lists/{flagged.shopping_list_id}/items/{flagged.pk}"
    html = browser_client.post(url, {"product_id": CHEERIOS}, follow=True).content.decode()
    assert "Remember “cereal”" not in html and "this choice</span>" in html


def test_for_the_script_a_settled_flagged_line_answers_its_row_with_the_offer(
    browser_client, shopper, flagged
):
    base = f"/lists/{flagged.shopping_list_id}/"
    json = {"accept": "application/json"}
    body = browser_client.post(f"{base}items/{flagged.pk}", {"product_id": CHEERIOS}, headers=json).json()
    assert (body["id"], body["status"], body["progress"], body["can_send"]) == (
        flagged.pk, "resolved", "1 of 1 ready", True
    )  # fmt: skip
    assert OFFER in body["html"] and SUGGESTED in body["html"]

    body = browser_client.post(f"{base}items/{flagged.pk}/remember", headers=json).json()
    remembered = "Remembered “General Mills Cheerios Toasted Whole Grain Oat Cereal” for “cereal”."
    assert f'role="status">{remembered}' in body["html"]
    assert OFFER not in body["html"]
    # Said in the row, so it is not said again on the next page load.
    assert f'role="status">{remembered}' not in browser_client.get(base).content.decode()


def test_for_the_script_a_bad_change_is_explained_in_the_row(browser_client, shopper, flagged):
    url = f"/lists/{flagged.shopping_list_id}/items/{flagged.pk}"
    body = browser_client.post(url, {"quantity": "0"}, headers={"accept": "application/json"}).json()
    assert 'role="alert">Quantity must be a whole number from 1 to 99.' in body["html"]
    flagged.refresh_from_db()
    assert (flagged.quantity, flagged.status) == (1, "needs_choice")


def test_a_remembered_pick_against_the_households_guidance_is_marked_with_the_reason(
    browser_client, shopper, django_assert_max_num_queries
):
    """Memory never passes through the picker's filter, so the review page must say it."""
    GuidanceFactory(owner=shopper, text="no peanuts - allergy")
    shopping_list = ShoppingListFactory(owner=shopper, location_id=STORE)
    jif = ListItemFactory(
        shopping_list=shopping_list, term="spread", status="resolved", source="memory",
        product_id="0008093540003", brand="Jif", description="Jif Creamy Peanut Butter",
        alternatives=[{"product_id": "0001111040378", "description": "Kroger® Creamy Peanut Butter"},
                      {"product_id": "0001111040101", "description": "Kroger® Strawberry Preserves"}],
    )  # fmt: skip
    ListItemFactory(
        shopping_list=shopping_list, term="milk", status="resolved", product_id="0001111041700",
        description="Kroger® 2% Reduced Fat Milk",
    )  # fmt: skip

    with django_assert_max_num_queries(8):
        html = browser_client.get(f"/lists/{shopping_list.pk}/").content.decode()

    rows = {
        m[0]: m[1] for m in re.findall(r'<li class="list-line" id="item-(\d+)".*?>(.*?)</li>', html, re.S)
    }
    spread = " ".join(re.sub(r"<[^>]+>", " ", rows[str(jif.pk)]).split())
    assert "⚠ Excluded" in spread and "no peanuts - allergy" in spread
    assert "Kroger® Creamy Peanut Butter ⚠ Excluded:" in spread.replace("&reg;", "®")
    assert "Strawberry Preserves ⚠" not in spread.replace("&reg;", "®")
    assert html.count("badge-excluded") == 2  # the pick and one alternative, not the milk


def test_without_such_guidance_no_line_is_marked(browser_client, shopper):
    shopping_list = ShoppingListFactory(owner=shopper, location_id=STORE)
    ListItemFactory(
        shopping_list=shopping_list, status="resolved", product_id="0008093540003",
        description="Jif Creamy Peanut Butter",
    )  # fmt: skip
    assert "Excluded" not in browser_client.get(f"/lists/{shopping_list.pk}/").content.decode()
