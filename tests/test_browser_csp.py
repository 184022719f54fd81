"""A real browser under the Content-Security-Policy: the pages and the Swagger UI work, nothing is refused."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PAGES = ["/", "/lists/", "/products/?term=milk", "/guidance/", "/picks/", "/stores/", "/api-access/"]


def test_pages_and_api_docs_run_under_the_policy_without_violations(page):
    violations, script_errors = [], []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: script_errors.append(error))
    page.goto("/")
    page.get_by_role("link", name="Connect with Kroger").click()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    for path in PAGES:
        page.goto(path)
        expect(page.locator("main")).to_be_visible()
    page.goto("/api/docs/")
    expect(page.get_by_text("Personal Shopper API").first).to_be_visible()
    expect(page.locator(".opblock-summary-path").filter(has_text="/api/products").first).to_be_visible()

    assert violations == []
    assert script_errors == []
