"""The shared parsing fixtures in kroger/sandbox/data/payloads/ are the sandbox's real output.

Regenerate after changing the sandbox: SANDBOX_WRITE_PAYLOADS=1 pytest tests/kroger/test_sandbox_payloads.py
"""

import json
import os
from pathlib import Path

import pytest
from django.test import Client

from kroger.sandbox import store

PAYLOADS = Path(__file__).resolve().parents[2] / "kroger" / "sandbox" / "data" / "payloads"
PRODUCT_QUERY = {"filter.term": "milk", "filter.limit": "4"}
# name -> (path, query, drift)
FIXTURES = {
    "product_search.json": ("/v1/products", {**PRODUCT_QUERY, "filter.locationId": "01400376"}, False),
    "product_search_no_location.json": ("/v1/products", PRODUCT_QUERY, False),
    "product_drift.json": ("/v1/products", {**PRODUCT_QUERY, "filter.locationId": "01400376"}, True),
    "product_detail.json": ("/v1/products/0001111041700", {"filter.locationId": "01400943"}, False),
    "location.json": ("/v1/locations/62000005", {}, False),
    "location_drift.json": ("/v1/locations/62000005", {}, True),
    "locations_search.json": ("/v1/locations", {"filter.zipCode.near": "45202", "filter.limit": "3"}, False),
}


def fetch(path: str, query: dict, drift: bool) -> dict:
    token = store.issue_access_token(
        client_id="fixtures", scopes=frozenset({"product.compact"}), profile_id=None, lifetime=1800
    )
    store.set_drift(drift)
    response = Client().get(f"/sandbox/kroger{path}", query, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_shared_payload_matches_what_the_sandbox_serves(name):
    payload = fetch(*FIXTURES[name])
    if os.environ.get("SANDBOX_WRITE_PAYLOADS"):
        (PAYLOADS / name).write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n")
    assert json.loads((PAYLOADS / name).read_text()) == payload


def test_search_fixture_shows_a_sale_no_sale_and_a_missing_stock_level():
    """The fixture exercises the parsing edge cases other engineers rely on."""
    items = [
        product["items"][0] for product in json.loads((PAYLOADS / "product_search.json").read_text())["data"]
    ]
    assert any(0 < item["price"]["promo"] < item["price"]["regular"] for item in items)
    assert any(item["price"]["promo"] == 0 for item in items)
    assert any("inventory" not in item for item in items)
