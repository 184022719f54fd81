"""The project's own security checks (Django's --deploy checks don't cover these)."""

import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks

from accounts import checks


def ids(messages) -> set[str]:
    return {message.id for message in messages}


def test_the_test_settings_pass_every_account_check():
    assert not ids(run_checks(include_deployment_checks=True)) & {
        "accounts.E001",
        "accounts.E002",
        "accounts.E003",
        "accounts.W001",
        "accounts.E004",
        "accounts.E005",
    }


def test_missing_token_keys(settings):
    settings.TOKEN_ENCRYPTION_KEYS = []

    assert ids(checks.check_token_encryption_keys()) == {"accounts.E001"}


def test_invalid_token_key(settings):
    settings.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), "not-a-fernet-key"]

    assert ids(checks.check_token_encryption_keys()) == {"accounts.E002"}


def test_token_key_equal_to_secret_key(settings):
    key = Fernet.generate_key().decode()
    settings.SECRET_KEY = key
    settings.TOKEN_ENCRYPTION_KEYS = [key]

    assert ids(checks.check_token_encryption_keys()) == {"accounts.E003"}


@pytest.mark.parametrize("samesite", ["Strict", "None", None])
def test_session_cookie_must_be_samesite_lax(settings, samesite):
    settings.SESSION_COOKIE_SAMESITE = samesite

    assert ids(checks.check_session_cookie_samesite()) == {"accounts.W001"}


def test_http_redirect_uri_is_an_error_in_production(settings):
    settings.DEBUG, settings.KROGER_SANDBOX = False, False
    settings.KROGER_REDIRECT_URI = "http://shop.example.com/auth/callback"

    assert ids(checks.check_redirect_uri_https()) == {"accounts.E004"}
    settings.KROGER_REDIRECT_URI = "https://shop.example.com/auth/callback"
    assert checks.check_redirect_uri_https() == []


def test_http_redirect_uri_is_fine_in_the_sandbox(settings):
    settings.DEBUG, settings.KROGER_SANDBOX = False, True
    settings.KROGER_REDIRECT_URI = "http://127.0.0.1:8000/auth/callback"

    assert checks.check_redirect_uri_https() == []


@pytest.mark.parametrize("classes", [["rest_framework.permissions.AllowAny"], []])
def test_api_must_not_allow_anyone_by_default(settings, classes):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_PERMISSION_CLASSES": classes}

    assert ids(checks.check_api_default_permission()) == {"accounts.E005"}
