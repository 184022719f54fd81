"""A real browser on the memory pages (with memory.js): guidance add, move, delete; pick quantity, forget."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from shopping.models import Guidance, Selection
from tests.factories import SelectionFactory, UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def shopper(db):
    return UserFactory()


@pytest.fixture
def signed_in_page(page, live_site, shopper):
    """Sign in by handing the browser a real session cookie (the OAuth flow has its own browser test)."""
    client = Client()
    client.force_login(shopper)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_site.url}]
    )
    return page


def test_add_a_guidance_line_and_forget_a_pick(signed_in_page, shopper):
    page = signed_in_page
    SelectionFactory(owner=shopper, term="bananas", description="Simple Truth Organic Bananas")

    page.goto("/guidance/")
    expect(page.get_by_text("No guidance yet.")).to_be_visible()
    page.get_by_label("New guidance line").fill("Free-range eggs; organic doesn't matter")
    page.get_by_role("button", name="Add", exact=True).click()
    # memory.js saved it through the API and updated the page in place, announcing it.
    expect(page.locator("#memory-status")).to_have_text(
        "Guidance added. Prefers: free-range (eggs). Doesn't mind: organic or not"
    )
    expect(page.locator("#guidance-lines input[name=text]")).to_have_value(
        "Free-range eggs; organic doesn't matter"
    )
    expect(page.locator("#guidance-lines .guidance-understood")).to_have_text(
        "Prefers: free-range (eggs) · Doesn't mind: organic or not"
    )
    expect(page.get_by_text("(1 of 100 lines)")).to_be_visible()
    assert list(Guidance.objects.values_list("text", flat=True)) == [
        "Free-range eggs; organic doesn't matter"
    ]

    page.get_by_label("New guidance line").fill("Store brand for staples")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("(2 of 100 lines)")).to_be_visible()
    page.get_by_role("button", name="Move up").nth(1).click()
    expect(page.locator("#memory-status")).to_have_text("Moved up.")
    page.reload()
    expect(page.locator("#guidance-lines input[name=text]").first).to_have_value("Store brand for staples")

    # Rewording a line re-reads it in place: the picker cannot use this one and says so.
    page.get_by_label("Guidance", exact=True).nth(1).fill("buy whatever looks nice")
    page.get_by_role("button", name="Save").nth(1).click()
    expect(page.locator("#memory-status")).to_have_text(
        "Guidance saved. Not understood as a rule — the picker will ignore this line"
    )
    second = page.locator("#guidance-lines > li").nth(1)
    expect(second.locator(".guidance-understood")).to_be_hidden()
    expect(second.locator(".guidance-not-understood")).to_have_text(
        "Not understood as a rule — the picker will ignore this line"
    )

    page.get_by_role("button", name="Delete").nth(1).click()
    expect(page.locator("#memory-status")).to_have_text("Guidance deleted.")
    expect(page.get_by_text("(1 of 100 lines)")).to_be_visible()
    assert list(Guidance.objects.values_list("text", flat=True)) == ["Store brand for staples"]

    page.get_by_role("link", name="Picks").click()
    expect(page.get_by_text("Simple Truth Organic Bananas")).to_be_visible()
    page.get_by_label("Quantity").fill("3")
    page.get_by_role("button", name="Save quantity for bananas").click()
    expect(page.locator("#memory-status")).to_have_text("Quantity for bananas is now 3.")
    assert Selection.objects.get().quantity == 3
    page.get_by_role("button", name="Forget bananas").click()
    expect(page.locator("#memory-status")).to_have_text("Forgot the pick for bananas.")
    expect(page.get_by_text("Simple Truth Organic Bananas")).to_have_count(0)
    expect(page.get_by_text("No remembered picks yet.")).to_be_visible()
    assert not Selection.objects.exists()
