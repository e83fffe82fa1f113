"""Settings, read from environment variables.

Every setting has a default that runs the product on an embedded SQLite file
under ``var/``. Production sets ``DEBUG=false`` and ``DATABASE_URL``; secrets
may come from files (``SECRET_KEY_FILE``) so they stay out of the environment.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("CLUSTERPACT_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("CLUSTERPACT_VAR", BASE_DIR / "var"))


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value in (None, ""):
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envsecret(name: str, default: str | None = None) -> str | None:
    """Read ``NAME`` or, failing that, the file named by ``NAME_FILE``."""
    if os.environ.get(name):
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return default


DEBUG = envbool("DEBUG", False)
TESTING = envbool("CLUSTERPACT_TESTING", False)

_secret = envsecret("SECRET_KEY")
if _secret is None:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("Set SECRET_KEY (or SECRET_KEY_FILE) when DEBUG is off.")
    _secret = "insecure-development-key-" + "x" * 40
SECRET_KEY = _secret

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "clusterpact.accounts",
    "clusterpact.registry",
    "clusterpact.demo",
    "django_tasks",
    "django_tasks_db",
    "clusterpact.evaluation",
    "clusterpact.pacts",
    "clusterpact.funding",
    "clusterpact.calls",
    "clusterpact.landscape",
    "clusterpact.scenarios",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "clusterpact.accounts.audit.AuditActorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clusterpact.urls"
WSGI_APPLICATION = "clusterpact.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "clusterpact.accounts.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'clusterpact.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# Login throttling: lock the username-and-address pair after repeated failures.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("LOGIN_COOLOFF_MINUTES", 15) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# The stylesheet and htmx live in the package, not in an app: the finders must be told.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Transport security: on by default outside DEBUG; a proxy terminating TLS sets
# SECURE_PROXY_SSL_HEADER through USE_X_FORWARDED_PROTO.
SECURE_COOKIES = envbool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# Joining the browsers' HSTS preload list is a decision for the domain's owner, not a default.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if envbool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# No inline script or style anywhere: every script and stylesheet is a file we serve.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "clusterpact API",
    "DESCRIPTION": "Registry of clusters, organisations and memberships, under the same permissions as the pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the installed sidecar package: no CDN on government intranets.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

# Background work (evaluations) through a queue in the database: works on SQLite and
# PostgreSQL alike; `clusterpact manage db_worker` runs the tasks.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "clusterpact@localhost")

# Import limits: a member file larger than this is refused before parsing.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES

# Reporting: a pact's report is due this many months after the end of its period.
PACTS_REPORT_DUE_MONTHS = envint("PACTS_REPORT_DUE_MONTHS", 3)
# Reminder mails name reports due within this many days (and every overdue one).
PACTS_REMINDER_DAYS = envint("PACTS_REMINDER_DAYS", 14)
# The largest evidence file attached to a reported value.
PACTS_EVIDENCE_MAX_BYTES = envint("PACTS_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# Scorecard status: achievement (1 = target met) from which a KPI is on track, at risk; the
# cap clips one KPI's achievement when averaging across KPIs and clusters (docs/methods/scorecard.md).
PACTS_SCORECARD_ON_TRACK = float(os.environ.get("PACTS_SCORECARD_ON_TRACK", "0.9"))
PACTS_SCORECARD_AT_RISK = float(os.environ.get("PACTS_SCORECARD_AT_RISK", "0.6"))
PACTS_SCORECARD_CAP = float(os.environ.get("PACTS_SCORECARD_CAP", "1.5"))
# Clusters listed one by one in the programme PDF (the furthest behind first); Excel holds all.
PACTS_PROGRAMME_PDF_CLUSTERS = envint("PACTS_PROGRAMME_PDF_CLUSTERS", 100)
# The site's address, for links in mails (e.g. https://clusters.example.eu); empty: relative links.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

# Computed figures (programme summary, network frames) are cached. Per-process memory is
# right for one process; several app processes share one cache in the database
# ("database", after `clusterpact manage createcachetable`), so each figure is computed once.
CACHE_BACKEND = os.environ.get("CACHE_BACKEND", "memory")
if CACHE_BACKEND not in {"memory", "database"}:
    raise ImproperlyConfigured("CACHE_BACKEND must be 'memory' or 'database'.")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "clusterpact_cache",
    }
    if CACHE_BACKEND == "database"
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

# Network and specialisation (clusterpact.landscape).
LANDSCAPE_CACHE_SECONDS = envint("LANDSCAPE_CACHE_SECONDS", 3600)
LANDSCAPE_GRAPH_MAX_NODES = envint("LANDSCAPE_GRAPH_MAX_NODES", 2000)
LANDSCAPE_GRAPH_MAX_EDGES = envint("LANDSCAPE_GRAPH_MAX_EDGES", 6000)
# European Cluster Observatory stars: top share of regions by size, minimum location
# quotient, top share by focus (DOMAIN.md marks the LQ threshold "verify").
LANDSCAPE_STAR_SIZE_TOP_SHARE = float(os.environ.get("LANDSCAPE_STAR_SIZE_TOP_SHARE", "0.10"))
LANDSCAPE_STAR_LQ_MIN = float(os.environ.get("LANDSCAPE_STAR_LQ_MIN", "2.0"))
LANDSCAPE_STAR_FOCUS_TOP_SHARE = float(os.environ.get("LANDSCAPE_STAR_FOCUS_TOP_SHARE", "0.10"))

# Calls: the largest file an applicant may attach to a proposal.
CALLS_ATTACHMENT_MAX_BYTES = envint("CALLS_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)

# Future scenarios: random draws behind "ranks first under perturbation".
SCENARIOS_SENSITIVITY_DRAWS = envint("SCENARIOS_SENSITIVITY_DRAWS", 10_000)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
