"""A real browser through the whole list journey: paste → resolve → swap → remember → send → paste again."""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from playwright.sync_api import expect

from kroger.sandbox import store as sandbox_store
from shopping.models import Guidance, Selection, ShoppingList
from tests.browser_steps import paste, row, swap_to_second_alternative
from tests.factories import ListItemFactory, ShoppingListFactory, UserFactory
from tests.helpers import SAM, STORE

pytestmark = pytest.mark.browser

# Lines with one obvious pick at the sandbox store ("milk" alone needs a choice: whole or 2%?).
LIST = "whole milk\norganic bananas\na dozen eggs"


def test_paste_resolve_swap_remember_send_and_paste_again(page):
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(error))
    page.goto("/")
    page.get_by_role("link", name="Connect with Kroger").click()
    page.get_by_role("button", name="Approve").click()
    page.get_by_label("Store location ID").fill(STORE)
    page.get_by_role("button", name="Choose store").click()
    expect(page.locator("#store-name")).to_have_text("Kroger - Over-the-Rhine")

    # Paste: the lines appear at once, then resolve one by one (lists.js), with progress announced.
    paste(page, LIST)
    progress = page.locator("#list-progress")
    expect(progress).to_have_attribute("aria-live", "polite")
    expect(progress).to_have_text("3 of 3 ready")
    expect(page.locator('li.list-line[data-status="pending"]')).to_have_count(0)
    expect(row(page, "organic bananas").locator(".list-line-reason")).to_have_text(
        re.compile(r"Best match for")
    )

    # Swap milk for its second alternative, then remember that choice.
    chosen_name = swap_to_second_alternative(page, "whole milk")
    milk = row(page, "whole milk")
    expect(milk.locator(".list-line-reason")).to_have_text("Your choice")
    milk.get_by_role("button", name="Remember this choice for whole milk").click()
    expect(page.get_by_text(f"Remembered “{chosen_name}” for “whole milk”.")).to_be_visible()

    # Send: the sandbox cart holds exactly the list's picks, and each line is marked.
    page.get_by_role("button", name="Send to Kroger cart").click()
    expect(page.get_by_text("Added 3 lines to your Kroger cart.")).to_be_visible()
    expect(page.locator("li.list-line .badge").filter(has_text="In cart")).to_have_count(3)
    first_list = ShoppingList.objects.get()
    picked = {item.product_id: item.quantity for item in first_list.items.all()}
    assert {line["upc"]: line["quantity"] for line in sandbox_store.cart_for(SAM)} == picked

    # Paste again with Kroger's product search failing and nothing cached: only a line that
    # needs no search at all can still resolve, and milk does.
    cache.clear()
    sandbox_store.set_fault("products", error_rate=1.0, status=500)
    paste(page, LIST)
    expect(page.locator("#list-progress")).to_have_text("1 of 3 ready · 2 to try again")
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    milk = row(page, "whole milk")
    expect(milk.locator(".list-line-reason")).to_have_text('Remembered pick for "whole milk" at this store')
    expect(milk.locator(".list-line-name")).to_have_text(chosen_name)
    expect(row(page, "organic bananas").locator(".list-line-reason")).to_contain_text(
        "Kroger is not responding"
    )
    assert script_errors == []


def test_settling_a_flagged_line_offers_to_remember_it_in_place(page, live_site):
    shopper = UserFactory(preferred_location_id=STORE)
    client = Client()
    client.force_login(shopper)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_site.url}]
    )
    shopping_list = ShoppingListFactory(owner=shopper, location_id=STORE)
    ListItemFactory(
        shopping_list=shopping_list, raw_text="cereal", term="cereal", status="needs_choice",
        source="rules", product_id="0001600027528", brand="General Mills", regular_price="4.29",
        description="General Mills Cheerios", reason='Not sure this is the "cereal" you want',
    )  # fmt: skip
    page.goto(f"/lists/{shopping_list.pk}/")
    page.evaluate("window.notReloaded = true")

    row(page, "cereal").get_by_role("button", name="Use this for cereal").click()
    offer = row(page, "cereal").get_by_role(
        "button", name="Remember “cereal” → General Mills Cheerios for next time"
    )
    expect(offer).to_be_focused()
    expect(page.locator("#list-progress")).to_have_text("1 of 1 ready")
    guidance = row(page, "cereal").get_by_label("Guidance for next time")
    expect(guidance).to_have_value("Prefer General Mills for cereal")
    guidance.fill("Prefer General Mills for cereal, the kids like it")
    row(page, "cereal").get_by_role("button", name="Save guidance for cereal").click()

    expect(row(page, "cereal").get_by_role("status")).to_have_text(
        "Remembered “General Mills Cheerios” for “cereal” and saved your guidance."
    )
    expect(offer).to_have_count(0)
    assert page.evaluate("window.notReloaded") is True
    assert Selection.objects.get(owner=shopper).term == "cereal"
    assert Guidance.objects.get(owner=shopper).text == "Prefer General Mills for cereal, the kids like it"
