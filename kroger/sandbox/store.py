"""The sandbox's in-memory state (codes, tokens, carts, faults)."""


def reset() -> None:
    """Forget every code, token, cart and fault (tests call this)."""
