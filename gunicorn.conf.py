"""Gunicorn settings for `gunicorn shopper.wsgi`. Every value can be overridden from the environment.

Workers are threaded: a request spends most of its time waiting on Kroger, so a few processes with
several threads each serve many shoppers without holding a process per wait.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Two processes per core (plus one) is gunicorn's rule of thumb; capped so a big host stays sane.
workers = _int("GUNICORN_WORKERS", min(multiprocessing.cpu_count() * 2 + 1, 9))
threads = _int("GUNICORN_THREADS", 4)
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
# Connections one worker holds at once (busy or kept alive); gunicorn's default is 1000.
worker_connections = _int("GUNICORN_WORKER_CONNECTIONS", 1000)
# Longer than one list resolve that waits on Kroger (timeouts and retries), shorter than a hung worker.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Recycle workers now and then (with jitter, so they do not all restart at once).
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Load the app once in the master, so workers fork with it ready (less memory, faster start).
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in ("1", "true", "yes")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Client, method and path (never the query string: OAuth's ?code= and state ride there; never a
# body or header), status, bytes, duration (µs), agent.
access_log_format = os.environ.get(
    "GUNICORN_ACCESS_LOG_FORMAT", '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(D)sus "%(a)s"'
)
# Behind a TLS proxy set FORWARDED_ALLOW_IPS to its address (see BEHIND_TLS_PROXY in .env.example).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def when_ready(server) -> None:
    """Warn when several workers would each get a sandbox of their own (state in a per-process cache)."""
    try:
        from django.conf import settings

        sandbox_cache = settings.CACHES.get("sandbox", {}) if settings.KROGER_SANDBOX else {}
    except Exception:  # noqa: BLE001 - the app is not preloaded: nothing to check here
        return
    if server.cfg.workers > 1 and sandbox_cache.get("BACKEND", "").endswith("LocMemCache"):
        server.log.warning(
            "The Kroger sandbox keeps codes, tokens and carts per process without CACHE_URL=redis://: "
            "with %d workers, sign-ins will fail at random. Set CACHE_URL or GUNICORN_WORKERS=1.",
            server.cfg.workers,
        )
