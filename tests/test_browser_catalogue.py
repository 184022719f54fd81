"""A real browser: sign in through the sandbox, choose a store, search, add to the cart."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_find_a_store_search_and_add_to_the_cart(page):
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(error))
    page.goto("/")
    page.get_by_role("link", name="Connect with Kroger").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto("/stores/")
    page.get_by_label("ZIP code").fill("45202")
    page.get_by_role("button", name="Find stores").click()
    page.get_by_role("button", name="Choose Kroger - Over-the-Rhine as your store").click()
    expect(page.get_by_text("Kroger - Over-the-Rhine is now your store.")).to_be_visible()

    page.get_by_role("link", name="Search").click()
    page.get_by_label("What are you looking for?").fill("milk")
    page.get_by_role("button", name="Search", exact=True).click()
    card = page.locator("li.card").filter(has_text="Kroger® 2% Reduced Fat Milk").filter(has_text="1/2 gal")
    expect(card.locator(".price")).to_have_text("$2.39")
    card.get_by_label("Quantity").fill("2")
    card.get_by_role("button", name=re.compile(r"^Add .+ to cart$")).click()
    # Added through the JSON API without a reload, announced in the live region.
    expect(page.get_by_role("status").filter(has_text="Added")).to_have_text(
        "Added 2 × Kroger® 2% Reduced Fat Milk to your Kroger cart."
    )

    page.goto("/sandbox/kroger/cart")
    row = page.get_by_role("row").filter(has_text="Kroger® 2% Reduced Fat Milk")
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").nth(3)).to_have_text(re.compile(r"^\s*2\s*$"))
    assert script_errors == []
