"""One real browser through the whole sign-in: Chromium, a live server, and its own Kroger sandbox."""

import re

import pytest
from playwright.sync_api import expect

from tests.helpers import STORE

pytestmark = pytest.mark.browser


def test_connect_choose_store_and_sign_out(page):
    page.goto("/")
    page.get_by_role("link", name="Connect with Kroger").click()

    # Kroger's consent page, clearly marked as the sandbox.
    expect(page).to_have_url(re.compile(r"/sandbox/kroger/v1/connect/oauth2/authorize\?"))
    expect(page.get_by_text("SANDBOX", exact=True)).to_be_visible()
    page.get_by_role("button", name="Approve").click()

    # Back home, signed in.
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_text("Kroger connected")).to_be_visible()

    page.get_by_label("Store location ID").fill(STORE)
    page.get_by_role("button", name="Choose store").click()
    expect(page.locator("#store-name")).to_have_text("Kroger - Over-the-Rhine")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Connect with Kroger")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
