"""Serving for real: WhiteNoise's hashed, compressed, far-future-cached static files; gunicorn's config."""

import json
import runpy
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT, production_env, run

# Run with production settings after collectstatic: fetch a site file and a Swagger UI file.
FETCH_STATIC = """
import json, django
django.setup()
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client
client = Client(HTTP_HOST="shop.example.com")
out = {}
for name in ("css/site.css", "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"):
    url = staticfiles_storage.url(name)
    response = client.get(url, secure=True, HTTP_ACCEPT_ENCODING="gzip")
    out[name] = {
        "url": url,
        "status": response.status_code,
        "cache_control": response.get("Cache-Control", ""),
        "encoding": response.get("Content-Encoding", ""),
    }
plain = client.get("/static/css/site.css", secure=True)
out["unhashed"] = {"status": plain.status_code, "cache_control": plain.get("Cache-Control", "")}
print(json.dumps(out))
"""


def test_with_debug_off_collectstatic_output_is_served_hashed_compressed_and_cached_for_a_year(tmp_path):
    env = production_env(tmp_path, STATIC_ROOT=str(tmp_path / "static"))

    collected = run(["manage.py", "collectstatic", "--noinput", "-v", "0"], env)
    fetched = run(["-c", FETCH_STATIC], env)

    assert collected.returncode == 0, collected.stderr
    assert fetched.returncode == 0, fetched.stderr
    files = json.loads(fetched.stdout.strip().splitlines()[-1])
    for name in ("css/site.css", "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"):
        served = files[name]
        stem = Path(name).stem
        assert served["url"] != f"/static/{name}" and f"/{stem}." in served["url"], served  # hashed name
        assert served["status"] == 200, served
        assert "immutable" in served["cache_control"], served
        max_age = int(served["cache_control"].split("max-age=")[1].split(",")[0])
        assert max_age >= 365 * 24 * 60 * 60, served
        assert served["encoding"] == "gzip", served
    # The unhashed name still works (old pages), but is only briefly cacheable.
    assert files["unhashed"]["status"] == 200
    assert "immutable" not in files["unhashed"]["cache_control"]


def test_whitenoise_comes_right_after_the_security_middleware(settings):
    security = settings.MIDDLEWARE.index("django.middleware.security.SecurityMiddleware")

    assert settings.MIDDLEWARE[security + 1] == "whitenoise.middleware.WhiteNoiseMiddleware"


def test_database_connections_persist_and_are_health_checked_by_default(tmp_path):
    code = (
        "import shopper.settings as s; d = s.DATABASES['default']; "
        "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )

    result = run(["-c", code], production_env(tmp_path))

    assert result.returncode == 0, result.stderr
    max_age, health_checks = result.stdout.split()
    assert int(max_age) > 0 and health_checks == "True"


def test_a_sqlite_database_file_runs_in_wal_mode_so_readers_never_wait_for_a_writer(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection; "
        "cursor = connection.cursor(); cursor.execute('PRAGMA journal_mode'); print(cursor.fetchone()[0])"
    )

    result = run(["-c", code], production_env(tmp_path))

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal"]


def test_gunicorn_config_has_sane_defaults_and_reads_the_environment(monkeypatch):
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "45")
    overridden = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    assert 1 <= config["workers"] <= 9 and config["timeout"] >= 30
    assert config["accesslog"] == "-" and "%(s)s" in config["access_log_format"]
    assert (overridden["workers"], overridden["timeout"]) == (3, 45)


def test_gunicorn_accepts_the_config_and_the_wsgi_app(tmp_path):
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-m", "gunicorn", "--check-config", "shopper.wsgi"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_the_benchmark_baseline_view_is_never_mounted_without_the_sandbox(tmp_path):
    code = "import shopper.settings as s; print(s.BENCH_BARE_VIEW)"

    production = run(["-c", code], production_env(tmp_path, BENCH_BARE_VIEW="true"))

    assert production.stdout.strip() == "False", production.stderr


def test_the_benchmark_baseline_view_is_off_by_default(client, db):
    response = client.get("/api/_bench/bare")

    assert response.status_code == 404 and response.json()["code"] == "not_found"
