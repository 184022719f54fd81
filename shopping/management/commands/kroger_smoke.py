"""Manual drift check: call the real Kroger API and diff its response keys against our fixtures.

Never run in CI (it needs real credentials and spends a few calls of the daily quota):

    KROGER_CLIENT_ID=... KROGER_CLIENT_SECRET=... KROGER_REDIRECT_URI=... \
        python manage.py kroger_smoke --zip 45202 --term milk

The fixtures are the files the sandbox serves (kroger/sandbox/data/payloads/), so a key
that Kroger added or dropped shows up here before it surprises the parser.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kroger import KrogerError, Location, PayloadError, Product
from kroger.gateway import get_client


def payload_dirs() -> tuple[Path, ...]:
    """The sandbox's payloads first (what it serves), then the client tests' own."""
    base = Path(settings.BASE_DIR)
    return (base / "kroger" / "sandbox" / "data" / "payloads", base / "tests" / "kroger" / "payloads")


def key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key path in a JSON value, list elements merged: {"data[].items[].price.regular", ...}."""
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            paths.add(path)
            paths |= key_paths(child, path)
    elif isinstance(value, list):
        for child in value:
            paths |= key_paths(child, f"{prefix}[]")
    return paths


def load_fixture(name: str) -> dict | None:
    for directory in payload_dirs():
        path = directory / name
        if path.exists():
            return json.loads(path.read_text())
    return None


class Command(BaseCommand):
    help = "Call the real Kroger API (a few calls) and diff response keys against the payload fixtures."

    def add_arguments(self, parser):
        parser.add_argument("--zip", dest="zip_code", default="45202", help="ZIP code for the store search")
        parser.add_argument("--term", default="milk", help="product search term")
        parser.add_argument(
            "--allow-sandbox", action="store_true", help="run even though KROGER_SANDBOX is on (self-test)"
        )

    def handle(self, *args, zip_code, term, allow_sandbox, **options):
        if settings.KROGER_SANDBOX and not allow_sandbox:
            raise CommandError("KROGER_SANDBOX is on: set real Kroger credentials and KROGER_SANDBOX=false.")
        client = get_client()
        self.stdout.write(f"Kroger at {settings.KROGER_API_BASE_URL}")
        try:
            stores = client.fetch_raw(
                "/v1/locations", params={"filter.zipCode.near": zip_code, "filter.limit": 3}
            )
            if not stores.get("data"):
                raise CommandError(f"No stores near {zip_code}; try another --zip.")
            location_id = stores["data"][0]["locationId"]
            checks = [
                ("locations_search.json", stores),
                ("location.json", client.fetch_raw(f"/v1/locations/{location_id}")),
                (
                    "product_search.json",
                    client.fetch_raw(
                        "/v1/products",
                        params={"filter.term": term, "filter.locationId": location_id, "filter.limit": 5},
                    ),
                ),
                (
                    "product_search_no_location.json",
                    client.fetch_raw("/v1/products", params={"filter.term": term, "filter.limit": 5}),
                ),
            ]
        except KrogerError as exc:
            raise CommandError(f"Kroger call failed: {exc.message}") from exc
        drifted = sum(self.compare(name, live) for name, live in checks)
        self.check_parsing(checks)
        usage = client.usage_today()
        self.stdout.write(f"Quota used today: products {usage['products']}, locations {usage['locations']}")
        if drifted:
            self.stdout.write(self.style.WARNING(f"{drifted} fixture(s) differ from Kroger's live keys."))
        else:
            self.stdout.write(self.style.SUCCESS("Live keys match the fixtures."))

    def compare(self, name: str, live: dict) -> bool:
        fixture = load_fixture(name)
        if fixture is None:
            self.stdout.write(f"{name}: no fixture to compare")
            return False
        fixture_keys, live_keys = key_paths(fixture), key_paths(live)
        missing, new = sorted(fixture_keys - live_keys), sorted(live_keys - fixture_keys)
        if not missing and not new:
            self.stdout.write(f"{name}: same keys")
            return False
        self.stdout.write(f"{name}:")
        for path in missing:
            self.stdout.write(f"  - only in fixture: {path}")
        for path in new:
            self.stdout.write(f"  + only in live:    {path}")
        return True

    def check_parsing(self, checks: list[tuple[str, dict]]) -> None:
        for name, live in checks:
            data = live.get("data")
            records = data if isinstance(data, list) else [data]
            parse = Product.from_api if name.startswith("product") else Location.from_api
            failed = 0
            for record in records:
                try:
                    parse(record)
                except PayloadError:
                    failed += 1
            message = f"{name}: parsed {len(records) - failed} of {len(records)} record(s)"
            self.stdout.write(self.style.WARNING(message) if failed else message)
