"""Shopping models, one module per area, re-exported here."""

from .cart import CartSend
from .lists import ListItem, ListProgress, ShoppingList
from .memory import Guidance, Selection, is_product_id, normalize_term

__all__ = [
    "CartSend",
    "Guidance",
    "ListItem",
    "ListProgress",
    "Selection",
    "ShoppingList",
    "is_product_id",
    "normalize_term",
]
