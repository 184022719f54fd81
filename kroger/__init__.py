"""Kroger Public API: the client, its typed results and errors. No Django in here."""
