"""Shopping models, one module per area, re-exported here."""

from .cart import CartSend
from .lists import ListItem, ListProgress, ShoppingList
from .memory import Guidance, Selection, normalize_term

__all__ = ["CartSend", "Guidance", "ListItem", "ListProgress", "Selection", "ShoppingList", "normalize_term"]
