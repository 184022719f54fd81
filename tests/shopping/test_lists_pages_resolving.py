"""The list page's line picks beside a whole-list resolve: one resolve at a time, and a row never
shows a pick that was not saved over another change to the line."""

import json

import pytest
import responses
from django.test import Client

from shopping.models import ListItem
from shopping.services import resolving
from tests.factories import ListItemFactory, ShoppingListFactory
from tests.helpers import STORE
from tests.kroger.kroger_fakes import payload

pytestmark = pytest.mark.django_db

BASE = "https://kroger.sandbox.test"
BEING_LOOKED_UP = "This list is being looked up right now — try again in a moment."
AS_SCRIPT = {"accept": "application/json"}


@pytest.fixture
def failed_line(shopper):
    """A line Kroger failed on: the page offers to search again for it, lists.js retries it."""
    shopping_list = ShoppingListFactory(owner=shopper, location_id=STORE)
    return ListItemFactory(shopping_list=shopping_list, raw_text="milk", status="error", reason="Kroger down")


@pytest.fixture
def searches(kroger_http):
    """Kroger's product search, answering milk; the steps in `searches.during` run inside the
    next search, once each."""
    seen = []

    def search(request):
        seen.append(request.url)
        while searches.during:
            searches.during.pop(0)()
        return 200, {}, json.dumps(payload("product_search.json"))

    searches = type("Searches", (), {"seen": seen, "during": []})
    kroger_http.add_callback(responses.GET, f"{BASE}/v1/products", callback=search)
    return searches


def line_url(item: ListItem, action: str = "") -> str:
    return f"/lists/{item.shopping_list_id}/items/{item.pk}" + (f"/{action}" if action else "")


@pytest.mark.parametrize("change", [{"term": "skim milk"}, {"text": "2 skim milk"}])
def test_while_the_list_is_looked_up_a_line_is_not_picked_again_and_the_page_says_so(
    browser_client, failed_line, searches, change
):
    resolving.take_lease(failed_line.shopping_list)  # "Find products" is running for this list
    form = {**change, "version": failed_line.version}

    page = browser_client.post(line_url(failed_line), form, follow=True).content.decode()
    row = browser_client.post(line_url(failed_line), form, headers=AS_SCRIPT).json()

    assert BEING_LOOKED_UP in page and BEING_LOOKED_UP in row["html"]
    line = ListItem.objects.get(pk=failed_line.pk)
    assert (line.raw_text, line.search_text, line.status, line.version) == ("milk", "", "error", 1)
    assert searches.seen == []


def test_once_the_list_resolve_is_done_searching_again_picks_the_line(browser_client, failed_line, searches):
    resolving.take_lease(failed_line.shopping_list).release()

    row = browser_client.post(
        line_url(failed_line), {"term": "skim milk", "version": 1}, headers=AS_SCRIPT
    ).json()

    assert BEING_LOOKED_UP not in row["html"] and row["status"] != "error"
    assert ListItem.objects.get(pk=failed_line.pk).search_text == "skim milk"


def test_a_line_searched_again_holds_the_list_so_find_products_waits_for_it(
    browser_client, api, failed_line, searches
):
    pending = ListItemFactory(shopping_list=failed_line.shopping_list, raw_text="eggs")
    list_resolves = []
    resolve_url = f"/api/lists/{failed_line.shopping_list_id}/resolve"
    searches.during.append(lambda: list_resolves.append(api.post(resolve_url, {}, format="json")))

    browser_client.post(line_url(failed_line), {"term": "skim milk", "version": 1})
    after = api.post(resolve_url, {}, format="json")

    assert [response.status_code for response in list_resolves] == [409]
    assert list_resolves[0].json()["code"] == "resolve_in_progress"
    assert after.status_code == 200  # the hold went with the line's pick
    assert ListItem.objects.get(pk=pending.pk).status != "pending"


def test_a_pick_made_while_the_line_was_changed_elsewhere_is_not_shown_in_its_row(
    browser_client, shopper, failed_line, searches
):
    other_tab = Client()
    other_tab.force_login(shopper)
    skip = {"skipped": "1", "version": failed_line.version}
    # lists.js retries the failed line; meanwhile the shopper skips it from another tab.
    searches.during.append(lambda: other_tab.post(line_url(failed_line), skip))

    row = browser_client.post(line_url(failed_line, "resolve"), headers=AS_SCRIPT).json()

    line = ListItem.objects.get(pk=failed_line.pk)
    assert (line.skipped, line.status, line.product_id) == (True, "error", "")  # their change won
    assert row["status"] == "error" and "Include again" in row["html"]
    assert f'name="version" value="{line.version}"' in row["html"]
