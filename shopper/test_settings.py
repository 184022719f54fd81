"""Test settings: the real settings plus speed and safety overrides."""

import os
import tempfile

# Fixed, test-only values (never used outside the test suite).
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault(
    "TOKEN_ENCRYPTION_KEYS",
    "dGVzdC1rZXktb25lLXRlc3Qta2V5LW9uZS10ZXN0LWs=,dGVzdC1rZXktdHdvLXRlc3Qta2V5LXR3by10ZXN0LWs=",
)
os.environ.setdefault("DEBUG", "false")
os.environ["KROGER_SANDBOX"] = "true"
os.environ["KROGER_API_BASE_URL"] = "https://kroger.sandbox.test"
os.environ["SITE_URL"] = "http://testserver"

from .settings import *  # noqa: E402,F403

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared in-memory SQLite: the live server's threads then get connections of
    # their own and wait on SQLite's lock, as in production, instead of "table is locked".
    # One file per process, so two test runs on one machine never share a database.
    _test_db = os.path.join(tempfile.gettempdir(), f"shopper-tests-{os.getpid()}.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": _test_db}  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# No collectstatic in tests: WhiteNoise serves straight from the finders (the deploy test runs
# collectstatic itself and checks the hashed, compressed, far-future-cached files).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# Each test's connections close with it (the live server's threads and the PostgreSQL test
# database must not be held open by persistent connections).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Tasks run in the test's own process and transaction, even when CI points CELERY_BROKER_URL
# at a real Redis (tests/test_celery.py checks that broker separately).
CELERY_TASK_ALWAYS_EAGER = True
if CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    # CI's PostgreSQL leg runs on a real Redis. Each pytest-xdist worker gets a database of its
    # own (from 2 up; 1 is Celery's broker), since every test starts with cache.clear() (FLUSHDB).
    import re

    _worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    _db = 2 + (int(_worker[2:]) if _worker[2:].isdigit() else 0)
    _location = re.sub(r"/\d*$", "", CACHES["default"]["LOCATION"].rstrip("/"))  # noqa: F405
    CACHES["default"]["LOCATION"] = f"{_location}/{_db}"  # noqa: F405
    CACHES["sandbox"]["LOCATION"] = CACHES["default"]["LOCATION"]  # noqa: F405
