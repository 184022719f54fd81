"""Choosing a product for each list line: remembered picks, household rules, an optional assistant."""

from .exclusions import why_excluded
from .pick import LinePick, Remembered, pick_line
from .reading import read_guidance
from .rules import GuidanceRules, Rule
from .scoring import CONFIDENCE_THRESHOLD, Pick, pick_product

__all__ = [
    "CONFIDENCE_THRESHOLD",
    "GuidanceRules",
    "LinePick",
    "Pick",
    "Remembered",
    "Rule",
    "pick_line",
    "pick_product",
    "read_guidance",
    "why_excluded",
]
