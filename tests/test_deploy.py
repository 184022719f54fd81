"""Production configuration: `check --deploy` passes, and the site refuses to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.checks import run_checks

ROOT = Path(__file__).resolve().parent.parent


def production_env(tmp_path, **overrides) -> dict[str, str]:
    """Production-like values. Every relevant name is set, so a developer's .env cannot mask one."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "shopper.settings",
        "DEBUG": "false",
        "SECRET_KEY": "k3Jd9!qPz-prod-like-secret-Xw7tV2mN8bR4yL6hC1fG5sA0eU3iO9pZ_+",
        "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "shop.example.com",
        "KROGER_CLIENT_ID": "personal-shopper-prod-4c1b",
        "KROGER_CLIENT_SECRET": "Zx8-real-looking-client-secret-Qp2",
        "KROGER_REDIRECT_URI": "https://shop.example.com/auth/callback",
        "KROGER_SANDBOX": "false",
        "KROGER_API_BASE_URL": "https://api.kroger.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "SITE_URL": "https://shop.example.com",
    }
    env.update(overrides)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


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
