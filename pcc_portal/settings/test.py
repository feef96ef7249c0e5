"""The test suite: the same settings as a real run, with fast password hashing."""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-use-anywhere-else")

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "private": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# Each test sees its own records, not a page cached by an earlier test; the public cache's tests
# turn it on, with a cache of their own.
PUBLIC_CACHE = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Tasks queued by a test go nowhere unless the test runs them: an in-memory broker when no
# Redis is configured (the Redis pass uses a database of its own), so a laptop's worker never
# picks up a test's leftovers. Tests that need a task run call it or use the celery_eager fixture.
if not REDIS_URL:  # noqa: F405
    CELERY_BROKER_URL = "memory://"
    CELERY_BROKER_TRANSPORT = None  # the URL's own transport, not the laptop's file broker
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
