"""The manual `kroger_smoke` drift check, run here against faked responses (never the real API)."""

import copy
import re
from io import StringIO

import pytest
import responses
from django.core.management import CommandError, call_command

from shopping.management.commands.kroger_smoke import key_paths, load_fixture

from .kroger_fakes import BASE, add_token


@pytest.fixture
def live_kroger(settings):
    settings.KROGER_API_BASE_URL = BASE
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        add_token(mock)
        yield mock


def serve(mock, *, products):
    stores = load_fixture("locations_search.json")
    location_id = stores["data"][0]["locationId"]
    mock.add(responses.GET, f"{BASE}/v1/locations", json=stores)
    mock.add(responses.GET, f"{BASE}/v1/locations/{location_id}", json=load_fixture("location.json"))
    no_store = load_fixture("product_search_no_location.json")
    mock.add(
        responses.GET,
        re.compile(re.escape(f"{BASE}/v1/products") + r"\?(?!.*locationId).*"),
        json=no_store,
    )
    mock.add(responses.GET, f"{BASE}/v1/products", json=products)


def run(**options) -> str:
    out = StringIO()
    call_command("kroger_smoke", stdout=out, **options)
    return out.getvalue()


def test_key_paths_merge_list_elements():
    assert key_paths({"data": [{"a": 1}, {"b": {"c": 2}}]}) == {"data", "data[].a", "data[].b", "data[].b.c"}


def test_smoke_refuses_to_run_against_the_sandbox_by_accident(settings):
    settings.KROGER_SANDBOX = True

    with pytest.raises(CommandError, match="KROGER_SANDBOX is on"):
        run()


def test_smoke_reports_matching_keys(live_kroger):
    serve(live_kroger, products=load_fixture("product_search.json"))

    output = run(allow_sandbox=True)

    assert "Live keys match the fixtures." in output
    assert re.search(r"product_search.json: parsed (\d+) of \1 record", output)


def test_smoke_reports_keys_kroger_added_or_dropped(live_kroger):
    live = copy.deepcopy(load_fixture("product_search.json"))
    for product in live["data"]:
        product["newKrogerField"] = True
        product.pop("temperature", None)
    serve(live_kroger, products=live)

    output = run(allow_sandbox=True)

    assert "+ only in live:    data[].newKrogerField" in output
    assert "- only in fixture: data[].temperature" in output
    assert "differ from Kroger's live keys" in output
