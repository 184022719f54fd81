"""Template context about the signed-in shopper's Kroger connection."""


def kroger_connection(request) -> dict:
    return {}
