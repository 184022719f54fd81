"""The one settings module. Every environment differs only by environment variables.

Every name read here is documented in `.env.example` (a test keeps the two in step).
A local `.env` file is read too; real environment variables win over it.
"""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from environs import Env

BASE_DIR = Path(__file__).resolve().parent.parent

env = Env()
env.read_env(str(BASE_DIR / ".env"), recurse=False, override=False)

# --- Core -------------------------------------------------------------------------------

DEBUG = env.bool("DEBUG", False)
SECRET_KEY = env.str("SECRET_KEY", "")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
# Fernet keys, newest first: the first encrypts, every key decrypts (rotation without downtime).
# Deliberately separate from SECRET_KEY, so rotating one never strands the other.
TOKEN_ENCRYPTION_KEYS = env.list("TOKEN_ENCRYPTION_KEYS", [])

ROOT_URLCONF = "shopper.urls"
WSGI_APPLICATION = "shopper.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

# --- Kroger -----------------------------------------------------------------------------

KROGER_CLIENT_ID = env.str("KROGER_CLIENT_ID", "")
KROGER_CLIENT_SECRET = env.str("KROGER_CLIENT_SECRET", "")
KROGER_REDIRECT_URI = env.str("KROGER_REDIRECT_URI", "")
_has_kroger_credentials = bool(KROGER_CLIENT_ID and KROGER_CLIENT_SECRET and KROGER_REDIRECT_URI)
# With no credentials a developer gets the bundled sandbox; production must opt in explicitly.
KROGER_SANDBOX = env.bool("KROGER_SANDBOX", DEBUG and not _has_kroger_credentials)
SITE_URL = env.str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if KROGER_SANDBOX:
    KROGER_API_BASE_URL = env.str("KROGER_API_BASE_URL", f"{SITE_URL}/sandbox/kroger")
    KROGER_CLIENT_ID = KROGER_CLIENT_ID or "personal-shopper-sandbox"
    KROGER_CLIENT_SECRET = KROGER_CLIENT_SECRET or "sandbox-secret"
    KROGER_REDIRECT_URI = KROGER_REDIRECT_URI or f"{SITE_URL}/auth/callback"
else:
    KROGER_API_BASE_URL = env.str("KROGER_API_BASE_URL", "https://api.kroger.com")
KROGER_API_BASE_URL = KROGER_API_BASE_URL.rstrip("/")
KROGER_TIMEOUT_SECONDS = env.float("KROGER_TIMEOUT_SECONDS", 8.0)
KROGER_MAX_RETRIES = env.int("KROGER_MAX_RETRIES", 2)
KROGER_PRODUCT_CACHE_SECONDS = env.int("KROGER_PRODUCT_CACHE_SECONDS", 15 * 60)
KROGER_LOCATION_CACHE_SECONDS = env.int("KROGER_LOCATION_CACHE_SECONDS", 24 * 60 * 60)
# Kroger calls one shopper may cause per UTC day (searches, stores, cart); 0 turns the budget off.
KROGER_DAILY_BUDGET_PER_USER = env.int("KROGER_DAILY_BUDGET_PER_USER", 500)
# Sandbox only: how long its access tokens live (tests shorten it to force refreshes).
KROGER_SANDBOX_TOKEN_LIFETIME = env.int("KROGER_SANDBOX_TOKEN_LIFETIME", 1800)
# Test and benchmark only: let anyone set sandbox faults (/sandbox/kroger/_faults); otherwise staff only.
KROGER_SANDBOX_OPEN_FAULTS = KROGER_SANDBOX and env.bool("KROGER_SANDBOX_OPEN_FAULTS", False)

# Optional assistant picker: any OpenAI-compatible chat-completions endpoint.
LLM_API_BASE_URL = env.str("LLM_API_BASE_URL", "")
LLM_API_KEY = env.str("LLM_API_KEY", "")
LLM_MODEL = env.str("LLM_MODEL", "")
# Seconds to wait for the assistant before the household rules decide.
LLM_TIMEOUT_SECONDS = env.float("LLM_TIMEOUT_SECONDS", 3.0)
# Kroger searches run at once when resolving a list (one bounded thread pool per process):
# 25 looks up a usual 25-line list in one round of Kroger answers (Kroger's limits are calls
# per day, not calls at once).
LIST_RESOLVE_WORKERS = env.int("LIST_RESOLVE_WORKERS", 25)
# Seconds an interactive resolve (a request) may spend on Kroger, retries included; lines not
# done by then stay pending ("Kroger is slow — still trying") for the background worker.
LIST_RESOLVE_DEADLINE_S = env.float("LIST_RESOLVE_DEADLINE_S", 10.0)
# Seconds a resolve holds its list without saving a line before another may take it over (a
# killed worker's hold expires); renewed with every line saved.
LIST_RESOLVE_LEASE_S = env.int("LIST_RESOLVE_LEASE_S", 120)

if not DEBUG:
    missing = [name for name in ("SECRET_KEY", "TOKEN_ENCRYPTION_KEYS") if not globals()[name]]
    if not KROGER_SANDBOX and not _has_kroger_credentials:
        missing.append("KROGER_CLIENT_ID/KROGER_CLIENT_SECRET/KROGER_REDIRECT_URI")
    if missing:
        raise ImproperlyConfigured(
            f"Missing required settings with DEBUG off: {', '.join(missing)}. "
            "See .env.example (or run `make run` for a development .env)."
        )
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY is not set. Run `make run` once to create a .env.")

# --- Apps and middleware ----------------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "social_django",
    "accounts",
    "shopping",
]
if KROGER_SANDBOX:
    INSTALLED_APPS.append("kroger.sandbox")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files (site and Swagger UI) straight from the app server, compressed and hashed.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy: scripts and styles from our own origin only (shopper/csp.py).
    "shopper.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Kroger calls count against the signed-in shopper's daily budget; failed API auth is throttled.
    "shopping.middleware.KrogerBudgetMiddleware",
    "shopping.middleware.FailedAuthThrottleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.kroger_connection",
            ],
        },
    },
]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# `python manage.py collectstatic --noinput` writes here; WhiteNoise serves it with DEBUG off.
STATIC_ROOT = Path(env.str("STATIC_ROOT", "") or BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names (far-future caching: WhiteNoise marks them immutable) and gzip/brotli copies.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Database and cache -----------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        env.str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # Persistent connections (checked before reuse), so a request does not pay for a connect.
        conn_max_age=env.int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend with timestamps read by C code rather than Python (shopper/postgresql).
    DATABASES["default"]["ENGINE"] = "shopper.postgresql"
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The list page resolves lines concurrently: take SQLite's write lock up front and wait
    # for it, instead of failing with "database is locked" mid-transaction.
    # WAL: readers never wait for the writer, and a commit is not an fsync of a rollback journal
    # (1.3 ms -> 0.03 ms a commit here; a resolve commits several times). NORMAL sync in WAL mode
    # survives a crash of the site; only a power cut can lose the last commits (PostgreSQL is
    # for production).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
# The application token, quota counters and search results live here; every process that
# shares this cache shares them. Use Redis in production (redis://host:6379/0).
_cache_url = env.str("CACHE_URL", "locmem://")
CACHES = {
    "default": (
        # Django's Redis cache, reusing its redis-py client (shopper/redis_cache.py).
        {"BACKEND": "shopper.redis_cache.RedisCache", "LOCATION": _cache_url}
        if _cache_url.startswith(("redis://", "rediss://"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
if KROGER_SANDBOX:
    # The sandbox's codes, tokens, carts and faults (kroger/sandbox/store.py): on Redis they are
    # shared by every worker; in memory they belong to one process, never evicted to make room.
    CACHES["sandbox"] = (
        {**CACHES["default"], "KEY_PREFIX": "kroger-sandbox", "TIMEOUT": None}
        if "LOCATION" in CACHES["default"]
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "kroger-sandbox",
            "TIMEOUT": None,
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    )

# --- Background tasks (Celery) ----------------------------------------------------------

# redis://host:6379/1 in production. Without a broker, tasks run at once in the calling process.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged once it has finished, so a worker that dies mid-task hands it on:
# every task is idempotent and safe to run twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "refresh-remembered-picks": {
        "task": "shopping.tasks.refresh_remembered_picks",
        "schedule": env.int("PICK_REFRESH_INTERVAL_SECONDS", 24 * 60 * 60),
    },
}

# --- Auth and social --------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "accounts.backends.KrogerOAuth2",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

SOCIAL_AUTH_KROGER_KEY = KROGER_CLIENT_ID
SOCIAL_AUTH_KROGER_SECRET = KROGER_CLIENT_SECRET
SOCIAL_AUTH_KROGER_REDIRECT_URI = KROGER_REDIRECT_URI
SOCIAL_AUTH_URL_NAMESPACE = "social"
SOCIAL_AUTH_LOGIN_REDIRECT_URL = "/"
SOCIAL_AUTH_LOGIN_ERROR_URL = "/auth/error"
SOCIAL_AUTH_RAISE_EXCEPTIONS = False
SOCIAL_AUTH_SANITIZE_REDIRECTS = True
SOCIAL_AUTH_REQUESTS_TIMEOUT = KROGER_TIMEOUT_SECONDS
SOCIAL_AUTH_PIPELINE = [
    "social_core.pipeline.social_auth.social_details",
    "social_core.pipeline.social_auth.social_names",
    "social_core.pipeline.social_auth.social_uid",
    "social_core.pipeline.social_auth.auth_allowed",
    "social_core.pipeline.social_auth.social_user",
    # A local user already keyed on this Kroger profile ID is reused, never duplicated.
    "accounts.pipeline.user_by_profile_id",
    "social_core.pipeline.user.get_username",
    "social_core.pipeline.user.create_user",
    "social_core.pipeline.social_auth.associate_user",
    # Every shopper belongs to exactly one household from their first sign-in.
    "accounts.pipeline.ensure_household",
    # Replaces load_extra_data: tokens go to the encrypted KrogerToken, never extra_data.
    "accounts.pipeline.save_kroger_tokens",
    "social_core.pipeline.user.user_details",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# --- REST API ---------------------------------------------------------------------------

REST_FRAMEWORK = {
    # Token first: its `WWW-Authenticate` makes unauthenticated requests 401 rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Like DRF's UserRateThrottle, but atomic across processes and read at request time.
    "DEFAULT_THROTTLE_CLASSES": ["shopping.api.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("API_THROTTLE_RATE", "600/min"),
        "anon": "60/min",
        # Endpoints that spend Kroger's daily quota (search, stores, cart add).
        "kroger": env.str("KROGER_API_THROTTLE_RATE", "120/min"),
    },
    "NUM_PROXIES": env.int("NUM_PROXIES", 0),
    "DEFAULT_PAGINATION_CLASS": "shopping.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "shopping.exceptions.api_exception_handler",
    # The API takes JSON bodies only (anything else is a 415), as the schema says.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # DRF's JSON, encoded by orjson (shopping/api/renderers.py).
    "DEFAULT_RENDERER_CLASSES": ["shopping.api.renderers.FastJSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Personal Shopper API",
    "DESCRIPTION": "Households and their guidance, remembered picks and lists; the Kroger catalogue "
    "and each member's own Kroger cart. "
    "[← Back to Personal Shopper](/)",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # The errors every endpoint shares (401/403/404/429/...) are documented once, by this hook.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "shopping.api.schema.add_error_responses",
    ],
}
MAX_GUIDANCE_LINES_PER_USER = env.int("MAX_GUIDANCE_LINES_PER_USER", 100)
MAX_LIST_LINES = env.int("MAX_LIST_LINES", 200)
RECENT_SEND_HOURS = env.int("RECENT_SEND_HOURS", 72)
# How long a household invitation link works (single use, revocable).
HOUSEHOLD_INVITE_DAYS = env.int("HOUSEHOLD_INVITE_DAYS", 7)
# Benchmarks only: mount a bare DRF view (token auth, nothing else) at /api/_bench/bare, the
# baseline bench/bench_load.py compares real endpoints with. Only with the sandbox, never real Kroger.
BENCH_BARE_VIEW = KROGER_SANDBOX and env.bool("BENCH_BARE_VIEW", False)

# --- Security ---------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"  # the OAuth callback is a cross-site top-level GET
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])
if env.bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Logging ----------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    # requests/urllib3 log full URLs at DEBUG; keep them quiet so nothing sensitive leaks.
    "loggers": {"urllib3": {"level": "WARNING"}, "social": {"level": "WARNING"}},
}
