"""Production configuration: `check --deploy` passes, and the site refuses to start half-configured."""

import pytest
from django.core.checks import run_checks

from tests.helpers import production_env, run


def test_check_deploy_passes_with_production_values(tmp_path):
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_on_an_http_redirect_uri(tmp_path):
    env = production_env(tmp_path, KROGER_REDIRECT_URI="http://shop.example.com/auth/callback")

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)

    assert result.returncode != 0
    assert "accounts.E004" in result.stderr


@pytest.mark.parametrize(
    ("overrides", "missing"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"TOKEN_ENCRYPTION_KEYS": ""}, "TOKEN_ENCRYPTION_KEYS"),
        ({"KROGER_CLIENT_ID": "", "KROGER_CLIENT_SECRET": ""}, "KROGER_CLIENT_ID"),
        ({"KROGER_REDIRECT_URI": ""}, "KROGER_REDIRECT_URI"),
    ],
    ids=["secret-key", "token-keys", "credentials", "redirect-uri"],
)
def test_site_refuses_to_start_half_configured_with_debug_off(tmp_path, overrides, missing):
    result = run(["-c", "import shopper.settings"], production_env(tmp_path, **overrides))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert missing in result.stderr


def test_a_deliberate_sandbox_starts_without_real_credentials(tmp_path):
    env = production_env(
        tmp_path, KROGER_SANDBOX="true", KROGER_CLIENT_ID="", KROGER_CLIENT_SECRET="", KROGER_REDIRECT_URI=""
    )

    result = run(
        ["-c", "import shopper.settings as s; print(s.KROGER_SANDBOX, s.KROGER_CLIENT_ID != '')"], env
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True"


def test_sandbox_check_stops_an_accidental_sandbox_with_debug_off(settings):
    # The sandbox app is installed in tests; pretend nobody asked for it.
    settings.DEBUG, settings.KROGER_SANDBOX = False, False

    assert "sandbox.E001" in {message.id for message in run_checks()}


def test_sandbox_check_accepts_a_deliberate_sandbox(settings):
    settings.DEBUG, settings.KROGER_SANDBOX = False, True

    assert "sandbox.E001" not in {message.id for message in run_checks()}


@pytest.mark.parametrize(("debug", "secure"), [("false", "True"), ("true", "False")])
def test_session_cookie_is_httponly_lax_and_secure_outside_debug(tmp_path, debug, secure):
    code = (
        "import shopper.settings as s; "
        "print(s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE)"
    )

    result = run(["-c", code], production_env(tmp_path, DEBUG=debug))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "Lax", secure, secure]
