"""Production: DEBUG off, HTTPS only; PostgreSQL, Redis, a mail server and the portal's
address (SITE_URL) required.

What only works on one machine (SQLite, the file broker, email written to files) is refused at
start-up with a message naming the variable to set.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, DEBUG, EMAIL_HOST, REDIS_URL, SITE_URL, env

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

if not env.str("SITE_URL", default=""):
    raise ImproperlyConfigured(
        "SITE_URL is not set. Emails link back to the portal at this address, for example "
        "SITE_URL=https://engage.example.org"
    )
if urlsplit(SITE_URL).scheme not in ("http", "https") or not urlsplit(SITE_URL).netloc:
    raise ImproperlyConfigured(
        f"SITE_URL must be the portal's full address, for example "
        f"SITE_URL=https://engage.example.org (it is {SITE_URL!r})."
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
# __Host- cookies: the browser only accepts them Secure, for path / and with no Domain, so no
# other site under the same domain (nor plain HTTP) can set or overwrite them.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SESSION_COOKIE_PATH = CSRF_COOKIE_PATH = "/"
SESSION_COOKIE_DOMAIN = CSRF_COOKIE_DOMAIN = None
# Two-factor's "remember this browser" cookie is off (TWO_FACTOR_REMEMBER_COOKIE_AGE); if it is
# ever turned on, it follows the same rule.
TWO_FACTOR_REMEMBER_COOKIE_PREFIX = "__Host-remember-cookie_"
TWO_FACTOR_REMEMBER_COOKIE_SECURE = True
TWO_FACTOR_REMEMBER_COOKIE_PATH = "/"
TWO_FACTOR_REMEMBER_COOKIE_DOMAIN = None
