"""The sandbox's stores (data/locations.json) and a distance search from a ZIP or lat/long."""

import json
from functools import cache

from kroger.geo import miles_between

from .catalogue import DATA_DIR

# ZIP centroids for the stores' ZIPs and their neighbours: enough to search "near" them.
ZIP_CENTROIDS = {
    "45202": (39.1072, -84.5040),
    "45203": (39.1086, -84.5309),
    "45206": (39.1270, -84.4850),
    "45208": (39.1360, -84.4340),
    "45209": (39.1530, -84.4270),
    "45212": (39.1640, -84.4530),
    "45214": (39.1220, -84.5430),
    "45219": (39.1270, -84.5130),
    "45040": (39.3490, -84.3110),
    "41071": (39.0780, -84.4760),
    "80202": (39.7510, -104.9990),
    "80220": (39.7330, -104.9160),
    "80301": (40.0490, -105.2040),
    "80302": (40.0170, -105.2860),
    "90026": (34.0790, -118.2630),
    "90027": (34.1040, -118.2920),
    "97214": (45.5140, -122.6420),
    "84106": (40.7070, -111.8550),
    "85004": (33.4510, -112.0710),
    "30306": (33.7860, -84.3510),
    "30308": (33.7710, -84.3780),
}


# Chain names as people write them -> the codes Kroger puts in `chain`.
CHAIN_ALIASES = {"FREDMEYER": "FRED", "FRYSFOODANDDRUG": "FRYS", "SMITHSFOODANDDRUG": "SMITHS"}


def chain_code(name: str) -> str:
    """ "King Soopers" -> "KINGSOOPERS", "Fred Meyer" -> "FRED" (as in location objects)."""
    code = "".join(ch for ch in name.upper() if ch.isalnum())
    return CHAIN_ALIASES.get(code, code)


@cache
def _data() -> dict:
    return json.loads((DATA_DIR / "locations.json").read_text())


def all_locations() -> list[dict]:
    """Every store as the full Kroger location object (callers must not mutate it)."""
    return _data()["locations"]


def departments() -> dict[str, str]:
    """Every department the stores know: id -> name."""
    return dict(_data()["departments"])


def department_ids() -> set[str]:
    """The known 2-character department IDs."""
    return set(_data()["departments"])


def drifted(value):
    """The spec's `Open24` spelling instead of the real payloads' `open24` (kroger-api.md §6.1)."""
    if isinstance(value, dict):
        return {("Open24" if key == "open24" else key): drifted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [drifted(item) for item in value]
    return value


def get_location(location_id: str) -> dict | None:
    """The store with this ID, or None."""
    return next((loc for loc in all_locations() if loc["locationId"] == location_id), None)


def search_locations(
    *,
    origin: tuple[float, float] | None,
    radius_miles: int,
    chain: str | None = None,
    location_ids: list[str] | None = None,
    departments: list[str] | None = None,
) -> list[dict]:
    """Stores within the radius of `origin` (nearest first) that pass every filter."""
    found = []
    for location in all_locations():
        if chain and location["chain"] != chain_code(chain):
            continue
        if location_ids and location["locationId"] not in location_ids:
            continue
        if departments:
            have = {dep["departmentId"] for dep in location["departments"]}
            if not set(departments) <= have:
                continue
        distance = 0.0
        if origin is not None:
            geo = location["geolocation"]
            distance = miles_between(origin, (geo["latitude"], geo["longitude"]))
            if distance > radius_miles:
                continue
        found.append((distance, location["locationId"], location))
    found.sort(key=lambda row: (row[0], row[1]))
    return [location for _, _, location in found]
