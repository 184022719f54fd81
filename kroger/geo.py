"""Distances on the globe, for store locations (the sandbox's radius search, our store finder)."""

import math

EARTH_RADIUS_MILES = 3958.8


def miles_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in miles between two (latitude, longitude) points (haversine)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return EARTH_RADIUS_MILES * 2 * math.asin(math.sqrt(h))
