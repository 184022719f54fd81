"""Sandbox views, one module per Kroger API area."""
