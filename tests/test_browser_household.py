"""Two real browsers, two sandbox shoppers, one household: Sam signs in, writes guidance, teaches
a pick and invites; Alex opens the link, signs in as another shopper, joins, finds Sam's guidance
and picks, pastes a list that Sam's pick answers, and sends it to Alex's own Kroger cart; Sam sees
Alex's list."""

import re

import pytest
from playwright.sync_api import expect

from kroger.sandbox import store as sandbox_store
from tests.browser_steps import paste, row, swap_to_second_alternative
from tests.helpers import ALEX, SAM, STORE

pytestmark = pytest.mark.browser


def name_and_store(page, name):
    page.get_by_role("textbox", name="What should we call you?").fill(name)
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_label("Store location ID").fill(STORE)
    page.get_by_role("button", name="Choose store").click()
    expect(page.locator("#store-name")).to_have_text("Kroger - Over-the-Rhine")


def test_two_shoppers_share_a_household_and_fill_their_own_carts(browser, live_site, request):
    contexts = [browser.new_context(base_url=live_site.url) for _ in range(2)]
    for context in contexts:  # their cookies and pages must not reach later browser tests
        request.addfinalizer(context.close)
    sam, alex = (context.new_page() for context in contexts)
    script_errors = []
    for page in (sam, alex):
        page.set_default_timeout(10_000)
        page.on("pageerror", lambda error: script_errors.append(error))

    # Sam signs in, writes guidance and teaches the site a pick for "whole milk".
    sam.goto("/")
    sam.get_by_role("link", name="Connect with Kroger").click()
    sam.get_by_role("button", name="Approve").click()
    name_and_store(sam, "Sam")
    sam.goto("/guidance/")
    sam.get_by_label("New guidance line").fill("Free-range eggs")
    sam.get_by_role("button", name="Add", exact=True).click()
    expect(sam.locator("#guidance-lines input[name=text]")).to_have_value("Free-range eggs")
    paste(sam, "whole milk", "Sam's shop")
    chosen = swap_to_second_alternative(sam, "whole milk")
    row(sam, "whole milk").get_by_role("button", name="Remember this choice for whole milk").click()
    expect(sam.get_by_text(f"Remembered “{chosen}” for “whole milk”.")).to_be_visible()

    # Sam invites: the link is shown once.
    sam.get_by_role("link", name="Household").click()
    sam.get_by_role("button", name="Create invitation link").click()
    link = sam.get_by_role("textbox", name="Invitation link").input_value()
    assert "/household/join/" in link

    # Alex opens it signed out, signs in as another sandbox shopper and comes back to confirm.
    alex.goto(link)
    expect(alex.get_by_text("Sam invited you to shop together")).to_be_visible()
    alex.get_by_role("link", name="Sign in with Kroger to join").click()
    alex.get_by_label(re.compile("Alex Tester")).check()
    alex.get_by_role("button", name="Approve").click()
    expect(alex).to_have_url(re.compile(r"/household/join/"))
    expect(alex.get_by_text("Coming with you: 0 lists")).to_be_visible()
    alex.get_by_role("button", name=re.compile("^Join")).click()
    expect(alex.get_by_text("Welcome to “Our household”.")).to_be_visible()
    expect(alex.locator("#members")).to_contain_text("Sam")

    alex.goto("/")
    name_and_store(alex, "Alex")
    alex.goto("/guidance/")
    expect(alex.locator("#guidance-lines input[name=text]")).to_have_value("Free-range eggs")
    expect(alex.get_by_text("Added by Sam")).to_be_visible()
    alex.goto("/picks/")
    expect(alex.get_by_text(chosen)).to_be_visible()
    expect(alex.get_by_text(re.compile("remembered by Sam"))).to_be_visible()

    # Alex's own list comes back with Sam's pick, and goes to Alex's own cart.
    paste(alex, "whole milk\norganic bananas", "Alex's shop")
    expect(alex.locator("#list-progress")).to_have_text("2 of 2 ready")
    expect(row(alex, "whole milk").locator(".list-line-reason")).to_have_text(
        'Remembered pick for "whole milk" at this store'
    )
    expect(row(alex, "whole milk").locator(".list-line-name")).to_have_text(chosen)
    alex.get_by_role("button", name="Send to Kroger cart").click()
    expect(alex.get_by_text("Added 2 lines to your Kroger cart.")).to_be_visible()
    assert len(sandbox_store.cart_for(ALEX)) == 2
    assert sandbox_store.cart_for(SAM) == []

    # Sam sees Alex's list, and who made it.
    sam.goto("/lists/")
    alexs = sam.locator("tr").filter(has_text="Alex's shop")
    expect(alexs).to_contain_text("by Alex")
    assert script_errors == []
