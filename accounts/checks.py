"""System checks for the account settings."""
