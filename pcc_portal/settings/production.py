"""Production: DEBUG off, HTTPS only; PostgreSQL, Redis and a mail server required.

What only works on one machine (SQLite, the file broker, email written to files) is refused at
start-up with a message naming the variable to set.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, DEBUG, EMAIL_HOST, REDIS_URL, env

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production settings.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Production needs PostgreSQL, for example "
        "DATABASE_URL=postgres://portal:password@db.example.org:5432/portal"
    )
if not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_URL is not set. Production needs Redis as the Celery broker and the cache (the "
        "file broker and the in-process cache only work on one machine), for example "
        "REDIS_URL=redis://redis.example.org:6379/0"
    )
if not EMAIL_HOST and not env.str("EMAIL_BACKEND", default=""):
    raise ImproperlyConfigured(
        "EMAIL_HOST is not set. Production sends email through an SMTP server, for example "
        "EMAIL_HOST=smtp.example.org (with EMAIL_PORT, EMAIL_HOST_USER and "
        "EMAIL_HOST_PASSWORD); to use another Django email backend on purpose, set "
        "EMAIL_BACKEND to it instead."
    )

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Behind a load balancer that ends TLS, set SECURE_PROXY_SSL_HEADER=1.
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
