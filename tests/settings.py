"""Settings for the test run: the real settings with a throwaway key and fast hashing."""

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "tests-only-not-a-secret-" + "k" * 40)
os.environ.setdefault("DATA_DIR", str(Path(__file__).resolve().parent.parent / "var" / "test"))

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Unit tests call task functions directly; nothing is sent to a broker from them.
CELERY_BROKER_URL = "memory://"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # One file per run, so that parallel runs on one machine never share a test database.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")  # noqa: F405
    }

# The test client speaks plain HTTP, and static files are not collected for tests.
SECURE_SSL_REDIRECT = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# Each test run (and each test, see conftest) starts with empty rate-limit counters.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
