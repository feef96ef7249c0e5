"""Production: DEBUG off, HTTPS only, a real database required."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, DEBUG, env

if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production settings.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Production needs PostgreSQL, for example "
        "DATABASE_URL=postgres://portal:password@db.example.org:5432/portal"
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
