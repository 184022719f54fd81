"""How far each store is from the ZIP code the shopper searched from.

Kroger's location objects carry each store's geolocation but no distance (kroger-api.md §6),
so we measure it from the ZIP's centre. ZIP centres come from the `zipcodes` package, which
ships the US ZIP list inside its wheel: no network and no download at run time.
"""

from collections.abc import Iterable

import zipcodes

from kroger.geo import miles_between
from kroger.schemas import Location


def zip_centre(zip_code: str) -> tuple[float, float] | None:
    """The (latitude, longitude) of a 5-digit US ZIP code; None for one the list does not know."""
    try:
        found = zipcodes.matching(zip_code)
    except (TypeError, ValueError):
        return None
    try:
        return (float(found[0]["lat"]), float(found[0]["long"])) if found else None
    except (KeyError, TypeError, ValueError):
        return None


def stores_nearest_first(
    locations: Iterable[Location], *, zip_code: str
) -> list[tuple[Location, float | None]]:
    """Each store with its distance in miles from the ZIP (one decimal; None when the ZIP or the
    store's geolocation is unknown), nearest first; stores without a distance keep Kroger's order
    after the rest."""
    centre = zip_centre(zip_code)
    measured = []
    for location in locations:
        miles = None
        if centre is not None and location.latitude is not None and location.longitude is not None:
            miles = round(miles_between(centre, (location.latitude, location.longitude)), 1)
        measured.append((location, miles))
    return sorted(measured, key=lambda pair: (pair[1] is None, pair[1] or 0.0))
