"""Household exclusions (allergens, ingredients, diets): hard filters on every product shown."""

from kroger.schemas import Product

from .rules import GuidanceRules


def why_excluded(product: Product, guidance: GuidanceRules) -> str:
    """Why the household's guidance rules this product out ("Contains peanuts — your guidance:
    'no peanuts, allergy'"), or "" when nothing does."""
    from .scoring import excluded_by

    rule = excluded_by(product, [r for r in guidance.rules if r.kind == "exclude"])
    return f"Against your guidance: “{rule.text}”" if rule else ""
