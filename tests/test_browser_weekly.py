"""A real browser on a phone-sized screen through a week: paste, edit, skip, add, send, then a
second list that shares products with the first, leaving one of them out."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from kroger.sandbox import store as sandbox_store
from shopping.models import ShoppingList
from tests.browser_steps import paste, row
from tests.factories import UserFactory
from tests.helpers import STORE

pytestmark = pytest.mark.browser


def test_a_week_on_a_phone(browser, live_site, connect_kroger):
    shopper = UserFactory(preferred_location_id=STORE, preferred_location_name="Kroger - Over-the-Rhine")
    profile_id = connect_kroger(shopper)
    client = Client()
    client.force_login(shopper)
    context = browser.new_context(base_url=live_site.url, viewport={"width": 390, "height": 844})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_site.url}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(error))

    paste(page, "whole milk\norganic bananas\na dozen eggs", "Weekly shop")
    expect(page.locator("#list-progress")).to_have_text("3 of 3 ready")

    # Compact rows, a sticky bar with the total and the send button, nothing wider than the phone.
    box = row(page, "organic bananas").bounding_box()
    assert box["height"] <= 160, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator("#list-sendbar")).to_be_in_viewport()
    expect(page.locator("#list-total-label")).to_have_text("Estimated basket total")

    # Edit a line in place: it is parsed and picked again, and the row says so.
    eggs = row(page, "a dozen eggs")
    eggs.locator("summary").click()
    eggs.get_by_label("Change the line").fill("dozen eggs x2")
    eggs.get_by_role("button", name="Save line").click()
    eggs = row(page, "dozen eggs x2")
    expect(eggs.get_by_role("status")).to_have_text("Changed and picked again.")
    expect(eggs.get_by_label("Qty")).to_have_value("2")

    # Skip one: kept, marked, out of the total.
    total_before = page.locator("#list-total").inner_text()
    row(page, "whole milk").get_by_role("button", name="Skip whole milk").click()
    milk = row(page, "whole milk")
    expect(milk.get_by_role("status")).to_have_text("Skipped: kept on the list, not sent.")
    expect(milk.locator(".badge-skipped")).to_be_visible()
    expect(page.locator("#list-total")).not_to_have_text(total_before)
    expect(page.locator("#list-progress")).to_have_text("2 of 2 ready · 1 skipped")

    # Add one: it appears at the end, picked.
    page.get_by_label("Add a line").fill("2% milk")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(row(page, "2% milk").get_by_role("status")).to_have_text("Added.")
    expect(page.locator("#list-progress")).to_have_text("3 of 3 ready · 1 skipped")
    expect(page.locator("li.list-line").last).to_contain_text("2% milk")

    # Reorder from the keyboard: the moved row keeps the focus, and moves again from there.
    added = row(page, "2% milk")
    added.locator("summary").click()
    added.get_by_role("button", name="Move up 2% milk").focus()
    page.keyboard.press("Enter")
    texts = page.locator("li.list-line .list-line-text")
    expect(texts).to_have_text(["whole milk", "organic bananas", "2% milk", "dozen eggs x2"])
    expect(row(page, "2% milk").get_by_role("button", name="Move up 2% milk")).to_be_focused()
    page.keyboard.press("Enter")
    expect(texts).to_have_text(["whole milk", "2% milk", "organic bananas", "dozen eggs x2"])
    # ... and by dragging a row (by its name) below the next one.
    row(page, "2% milk").locator("summary").click()  # closes its editing again
    bananas = row(page, "organic bananas")
    height = bananas.bounding_box()["height"]
    # The row moves on the page at once; the reload waits for the server's answer to the move.
    with page.expect_response(
        lambda response: response.request.method == "POST" and "/items/" in response.url
    ):
        row(page, "2% milk").locator(".list-line-name").drag_to(
            bananas, target_position={"x": 20, "y": height - 10}
        )
    expect(texts).to_have_text(["whole milk", "organic bananas", "2% milk", "dozen eggs x2"])
    page.reload()
    expect(texts).to_have_text(["whole milk", "organic bananas", "2% milk", "dozen eggs x2"])

    page.get_by_role("button", name="Send to Kroger cart").click()
    expect(
        page.get_by_text(re.compile(r"Added 3 lines to your Kroger cart\. Not sent: whole milk \(skipped\)"))
    ).to_be_visible()

    # A second list sharing two products with the first: the send asks about each of them.
    paste(page, "organic bananas\ndozen eggs x2\nwhole milk", "Party")
    expect(page.locator("#list-progress")).to_have_text("3 of 3 ready")
    page.get_by_role("button", name="Send to Kroger cart").click()
    expect(page.get_by_role("heading", name="Already in your Kroger cart?")).to_be_visible()
    warnings = page.locator("fieldset.recent-send")
    expect(warnings).to_have_count(2)
    expect(warnings.first.locator("legend")).to_contain_text("today from ‘Weekly shop’")
    page.locator("fieldset.recent-send", has_text="This list: dozen eggs x2").get_by_label(
        "Leave out"
    ).check()
    page.get_by_role("button", name="Send to Kroger cart").click()
    expect(
        page.get_by_text(
            re.compile(r"Added 2 lines to your Kroger cart\. Not sent: dozen eggs x2 \(skipped\)")
        )
    ).to_be_visible()

    # The sandbox cart holds exactly what was chosen: both lists' sent lines, added up.
    expected: dict[str, int] = {}
    for shopping_list in ShoppingList.objects.filter(owner=shopper):
        for item in shopping_list.items.filter(skipped=False):
            expected[item.product_id] = expected.get(item.product_id, 0) + item.quantity
    assert {line["upc"]: line["quantity"] for line in sandbox_store.cart_for(profile_id)} == expected
    assert len(expected) == 4  # bananas (twice), eggs (once), 2% milk, whole milk
    assert script_errors == []
    context.close()
