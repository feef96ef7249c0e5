"""Settings shared by every environment, read from the environment in one place.

Each variable is documented in `.env.example`. `local.py`, `production.py` and `test.py` override
what differs; nothing else reads `os.environ`.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
# A `.env` file beside manage.py is read if present; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            'string (for example the output of `python -c "import secrets; '
            'print(secrets.token_urlsafe(50))"`), or set DEBUG=1 on a development machine.'
        )
    SECRET_KEY = "insecure-development-key-only-for-debug-runs"  # noqa: S105

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "crispy_forms",
    "crispy_forms_gds",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "csp",
    "simple_history",
    "django_celery_beat",
    "pcc_portal",
    "engagement",
    "grants",
    "consultations",
    "delivery_plan",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks every signed-in, token-carrying or API response no-store, unless the view chose.
    "pcc_portal.cache_headers.PrivateResponsesMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pcc_portal.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "pcc_portal.errors.AdminRefusalMiddleware",
]

ROOT_URLCONF = "pcc_portal.urls"
WSGI_APPLICATION = "pcc_portal.wsgi.application"
ASGI_APPLICATION = "pcc_portal.asgi.application"

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
                "pcc_portal.context_processors.office",
                "pcc_portal.context_processors.menus",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite under var/ when DATABASE_URL is unset, so a laptop needs nothing installed. WAL and a
# busy timeout let the web server, the worker and beat share the file without "database is locked".
# Importing the settings creates no folder: `make run` makes var/ before the first migrate.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Services own their transactions (select_for_update inside transaction.atomic), so requests
# are not wrapped in one.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ----------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Room for a long report's rows (pcc_portal/fragments.py) beside the public pages: the
    # default of 300 entries would evict them as fast as they are drawn.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
# Public pages are cached for anonymous visitors and invalidated when their records change
# (pcc_portal/public_cache.py); a page that depends on the clock ("upcoming") lags at most this.
PUBLIC_CACHE = True
PUBLIC_CACHE_SECONDS = 60

# The longest task may run this long before it is killed; the broker must not hand a task to a
# second worker while the first may still be running it, so the visibility timeout is longer.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=540)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=600)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 6}
else:
    # Kombu's filesystem transport: a broker with no server, for a laptop run (production
    # refuses to start without REDIS_URL). Everything it keeps, its control folder (the
    # exchange tables) included, lives under var/broker/; the transport makes the folders when
    # it first connects (pcc_portal/file_broker.py), not when the settings are read.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT = "pcc_portal.file_broker:Transport"
    _broker_dir = VAR_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# Bulk mail (newsletters) has a queue of its own, so that its batches never stand in front of
# mail to one person; every worker should take both queues ("-Q celery,bulk"), or a worker of
# its own takes "bulk".
CELERY_TASK_ROUTES = {"pcc_portal.tasks.send_mailing_batch": {"queue": "bulk"}}

# --- Email ----------------------------------------------------------------------------------
# EMAIL_BACKEND set on purpose (a console or in-memory backend, say) is honoured as it is.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="")
if EMAIL_HOST:
    EMAIL_BACKEND = EMAIL_BACKEND or "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
    EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
elif not EMAIL_BACKEND:
    # On a laptop each email is written as a file under var/mail/ to be read there (the
    # backend makes the folder when it first writes). Production refuses to start this way.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="portal@localhost")
# The portal's address as people reach it, for the links in emails (which a worker writes,
# without a request to take the host from). Production refuses to start without it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_RATE_PER_MINUTE = env.int("EMAIL_RATE_PER_MINUTE", default=120)
# Batches of one bulk mailing sent side by side, each over its own SMTP connection.
BULK_EMAIL_SENDERS = env.int("BULK_EMAIL_SENDERS", default=2)
# A mail provider's tracking webhooks (django-anymail): with ANYMAIL_ESP set (for example
# "amazon_ses", "mailgun", "postmark", "sendgrid") its bounce and complaint reports, posted to
# /anymail/<esp>/tracking/ with the shared secret, put the address on the suppression list.
ANYMAIL_ESP = env.str("ANYMAIL_ESP", default="")
if ANYMAIL_ESP:
    INSTALLED_APPS.append("anymail")
    ANYMAIL = {"WEBHOOK_SECRET": env.str("ANYMAIL_WEBHOOK_SECRET")}

# --- Users, sign-in and sessions ------------------------------------------------------------
AUTH_USER_MODEL = "pcc_portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Answers the apps' named rules (<app>/rules.py), with or without a record.
    "rules.permissions.ObjectPermissionBackend",
    # Last: asked only when the password was tried and found wrong (account_limits.py).
    "pcc_portal.account_limits.WrongPasswordCounter",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "pcc_portal.passwords.VariedCharactersValidator",
        "OPTIONS": {"min_different": 5},
    },
]
LOGIN_URL = "two_factor:login"
# A landing view sends each person to their work (the registry says where).
LOGIN_REDIRECT_URL = "pcc_portal:landing"
LOGOUT_REDIRECT_URL = "pcc_portal:home"

# Two-factor sign-in is required for staff and ambassadors wherever DEBUG is off.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=not DEBUG)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Engagement Portal")
TWO_FACTOR_REMEMBER_COOKIE_AGE = None

# Staff sessions end after this many idle minutes; the page warns two minutes before.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_WARNING_SECONDS = env.int("SESSION_WARNING_SECONDS", default=120)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
# The session-timeout script reads the token from the page, not the cookie.
CSRF_COOKIE_HTTPONLY = True

# Phone and app tokens: issued after two-factor sign-in, expiring.
DEVICE_TOKEN_DAYS = env.int("DEVICE_TOKEN_DAYS", default=90)

# django-axes: lock a username from one address only, so a shared office network is not
# locked out and nobody can lock a colleague out from elsewhere.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "pcc_portal.axes_keys.client_ip_for_axes"
AXES_USERNAME_CALLABLE = "pcc_portal.axes_keys.username_for_axes"
# Across addresses (pcc_portal/account_limits.py): after this many wrong passwords for one
# account within the window, each further try waits, from the first delay doubling to the most,
# and the owner is emailed a link to reset the password. The right password works after the wait.
SIGN_IN_ACCOUNT_FAILURE_LIMIT = env.int("SIGN_IN_ACCOUNT_FAILURE_LIMIT", default=10)
SIGN_IN_ACCOUNT_WINDOW = timedelta(minutes=env.int("SIGN_IN_ACCOUNT_WINDOW_MINUTES", default=60))
SIGN_IN_ACCOUNT_FIRST_DELAY_SECONDS = env.int("SIGN_IN_ACCOUNT_FIRST_DELAY_SECONDS", default=30)
SIGN_IN_ACCOUNT_MAX_DELAY_SECONDS = env.int("SIGN_IN_ACCOUNT_MAX_DELAY_SECONDS", default=900)
# Set to the number of proxies in front of the portal (load balancer = 1); only then is
# X-Forwarded-For believed.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Public forms (decision 20): more submissions than this from one client in a minute get a 429;
# a consultation answered faster than this after its form was drawn is flagged, never refused.
CONSULTATION_FLOOD_PER_MINUTE = env.int("CONSULTATION_FLOOD_PER_MINUTE", default=30)
CONSULTATION_MIN_SECONDS = env.int("CONSULTATION_MIN_SECONDS", default=5)
# Responses to one consultation from one source in one day from which each is flagged suspect.
CONSULTATION_MANY_FROM_ONE_SOURCE = env.int("CONSULTATION_MANY_FROM_ONE_SOURCE", default=20)

# --- Security headers -----------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Files only some people may see (what applicants send with a grant application): kept outside
# MEDIA_ROOT, so /media/ never serves them; a page that asks the access rule does.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=VAR_DIR / "private")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
# A command that exits non-zero for an infected file, e.g. "clamdscan --no-summary"; off if empty.
UPLOAD_VIRUS_SCAN_COMMAND = env.str("UPLOAD_VIRUS_SCAN_COMMAND", default="")

# --- Forms ----------------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "pcc_portal.api_auth.DeviceTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "pcc_portal.api_permissions.RolePermissions",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Strict JSON: non-finite numbers and deep nesting are a 400, not a 500 (decision 38).
    "DEFAULT_PARSER_CLASSES": [
        "pcc_portal.api_parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    # Throttles count clients by the socket's address, X-Forwarded-For only behind trusted
    # proxies (decision 21), as sign-in lockouts do.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="600/minute"),
        # Responses to a consultation, per client; the flood limit (decision 20) counts them too.
        "consultation_responses": env.str(
            "API_THROTTLE_CONSULTATION_RESPONSES", default="30/minute"
        ),
    },
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "pcc_portal.api_errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Engagement Portal API",
    "DESCRIPTION": "Reference data and engagement records of the office's portal.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "pcc_portal.api_schema.document_list_errors",
    ],
}

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes logs every sign-in and sign-out at INFO; lockouts are WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}

# The office's data file loaded by `load_reference_data` when --office is not given.
DEFAULT_OFFICE = env.str("DEFAULT_OFFICE", default="west_mercia")

# Organisations with neither a charity nor a company number get a local 360Giving identifier:
# this prefix, a hyphen and the portal's own number (set to the office's registered prefix).
LOCAL_ORG_ID_PREFIX = env.str("LOCAL_ORG_ID_PREFIX", default="360G-OPCC")
# Days an ambassador may still correct a contact they logged.
CONTACT_EDIT_DAYS = env.int("CONTACT_EDIT_DAYS", default=7)
