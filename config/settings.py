"""Settings, read from the environment (12-factor).

Embedded defaults (no environment at all): SQLite in WAL mode and Celery's
``filesystem://`` broker, both under ``DATA_DIR``. Production: ``DATABASE_URL``
(PostgreSQL) and ``REDIS_URL`` (broker and cache). Every setting read here is listed in
docs/settings.md; a test keeps the two in step.
"""

import contextlib
import os
import secrets
from pathlib import Path

import django_stubs_ext
import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.database import postgres_options

# Lets ``admin.ModelAdmin[Model]`` and friends be subscripted at run time, as mypy wants.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _data_dir_secret_key() -> str:
    """Without SECRET_KEY: a random key made once and kept in DATA_DIR (mode 600), so every
    process sharing the data (web, worker, management commands) signs alike. Never in git."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Written whole under a private name, then linked into place: a process starting at
        # the same moment finds either no file or the complete key, never an empty one.
        draft = DATA_DIR / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        try:
            with contextlib.suppress(FileExistsError):  # another process was first: use its
                os.link(draft, path)
        finally:
            draft.unlink()
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="") or _data_dir_secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "complaints.apps.ServiceAdminConfig",  # django.contrib.admin, with admin_site.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_fsm",
    "csp",
    "notifications",
    "complaints",
    "workflow",
    "public",
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
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "notifications.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "muistutus.sqlite3"
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}"),
}
SILENCED_SYSTEM_CHECKS: list[str] = []
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite has no covering indexes: the sweep's index is built without its carried
    # columns (ADR 0014), which is all SQLite needs.
    SILENCED_SYSTEM_CHECKS.append("models.W040")
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at
        # BEGIN, so a transaction that reads then writes never deadlocks on upgrade.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file (not :memory:) so that threaded tests share one test database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-muistutus.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["OPTIONS"] = postgres_options(
        DATABASES["default"].get("OPTIONS", {}), jit_off=env.bool("DATABASE_JIT_OFF", default=True)
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker ----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "config.redis_cache.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }
    CELERY_BROKER_URL = "filesystem://"
    _queue = DATA_DIR / "broker" / "queue"
    for _folder in (_queue, DATA_DIR / "broker" / "processed", DATA_DIR / "broker" / "control"):
        _folder.mkdir(parents=True, exist_ok=True)  # any process may be the first to send
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(DATA_DIR / "broker" / "processed"),
        "control_folder": str(DATA_DIR / "broker" / "control"),  # not the working directory
        "store_processed": False,
        "polling_interval": 0.1,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery closes a task's database connections after it unless this many tasks have run;
# config/celery.py closes them by Django's own rule instead (ADR 0017).
CELERY_DB_REUSE_MAX = 1_000_000_000
CELERY_TIMEZONE = "Europe/Helsinki"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Auth -------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "staff:register"
LOGOUT_REDIRECT_URL = "staff:login"

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

# --- Static and stored files ------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
# Uploaded attachments and generated letters live outside the web root; they are served
# only through views that check who is asking.
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Email ------------------------------------------------------------------------------
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# A hung SMTP server must not hold a worker (and the batch of emails it is sending) forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="muistutus@localhost")

# --- Abuse protection -------------------------------------------------------------------
# Per client address. NUM_PROXIES: how many reverse proxies append to X-Forwarded-For.
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
RATE_LIMIT_SUBMIT = env.str("RATE_LIMIT_SUBMIT", default="20/h")
RATE_LIMIT_TRACK = env.str("RATE_LIMIT_TRACK", default="60/m")
RATE_LIMIT_TOKEN = env.str("RATE_LIMIT_TOKEN", default="10/m")
RATELIMIT_VIEW = "public.ratelimits.rate_limited"

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "workflow.api.errors.exception_handler",
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_THROTTLE_RATES": {
        "submit": RATE_LIMIT_SUBMIT,
        "track": RATE_LIMIT_TRACK,
        "token": RATE_LIMIT_TOKEN,
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Muistutus API",
    "DESCRIPTION": "Social-welfare complaints (muistutus, Act 812/2000 §23).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Domain -----------------------------------------------------------------------------
# The lower tier of lateness: a case this many months past its due date is very overdue.
VERY_OVERDUE_MONTHS_PAST_DUE = env.int("VERY_OVERDUE_MONTHS_PAST_DUE", default=1)
DEADLINE_SWEEP_MINUTES = env.int("DEADLINE_SWEEP_MINUTES", default=5)
# Reminders to the handler this many days before the due date.
REMINDER_DAYS_BEFORE = env.list("REMINDER_DAYS_BEFORE", cast=int, default=[7, 2])
# Reminders of an unanswered statement request (ours to an employee, or the supervisory
# authority's to us) this many days before its due date; flagged late the day after it.
STATEMENT_REMINDER_DAYS_BEFORE = env.int("STATEMENT_REMINDER_DAYS_BEFORE", default=2)
# The hour (Helsinki) at which beat applies the organisations' retention periods, daily.
RETENTION_HOUR = env.int("RETENTION_HOUR", default=3)
# The site's address for links in messages sent without a request (reminders).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10_000_000)
ATTACHMENT_CASE_MAX_BYTES = env.int("ATTACHMENT_CASE_MAX_BYTES", default=50_000_000)
ATTACHMENT_MAX_FILES = env.int("ATTACHMENT_MAX_FILES", default=20)
# A request body may carry a few attachments at once; larger ones are refused early.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_000_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5_000_000


# --- Security ---------------------------------------------------------------------------
# No inline script or style anywhere in our pages; only this origin. (The API docs page,
# which needs an inline script, is exempted in config/urls.py.)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading is a commitment for the whole domain: each deployment opts in, so the
    # deploy check's reminder about it (W021) is silenced by design.
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SILENCED_SYSTEM_CHECKS.append("security.W021")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "config.log_redaction.RedactTrackingCodes"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint reports every rendering step at INFO.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Notifications ----------------------------------------------------------------------
# Delivery attempts of one email before its outbox row is marked failed (back-off 1, 2, 4, …
# minutes between them, at most 60).
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=8)
# Days a finished email keeps its recipient, subject and error text; then the daily retention
# run blanks them and only the row (status, times, deduplication key) stays.
NOTIFICATION_KEEP_DAYS = env.int("NOTIFICATION_KEEP_DAYS", default=730)
