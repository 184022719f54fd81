"""Steps the real-browser tests share on the list pages."""

import re

from playwright.sync_api import expect


def row(page, line):
    """The row for a pasted line, by its own text (other rows' alternatives may mention it)."""
    pasted = page.locator(".list-line-main > div.muted").get_by_text(line, exact=True)
    return page.locator("li.list-line").filter(has=pasted)


def paste(page, text, name=""):
    page.goto("/lists/")
    page.get_by_role("textbox", name="Your list").fill(text)
    if name:
        page.get_by_label("Name (optional)").fill(name)
    page.get_by_role("button", name="Create list").click()
    expect(page).to_have_url(re.compile(r"/lists/\d+/$"))


def swap_to_second_alternative(page, line) -> str:
    """Swap the line's product for its second alternative; returns that product's name."""
    current = row(page, line)
    current.get_by_text("Swap or search again").click()
    alternative = current.get_by_role("radio").nth(1)
    chosen = alternative.locator("xpath=..").inner_text().split(" · ")[0].strip()
    alternative.check()
    current.get_by_role("button", name="Swap").click()
    expect(row(page, line).locator(".list-line-name")).to_have_text(chosen)
    return chosen
