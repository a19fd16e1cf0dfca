"""The one settings module of ``ocop``.

Everything that differs between a laptop demo, CI and production comes from environment
variables; the defaults are safe for development (SQLite under ``var/``, DEBUG on, a local
secret). Production sets ``OCOP_ENV=production`` and must provide ``SECRET_KEY``,
``ALLOWED_HOSTS`` and ``DATABASE_URL``; ``manage.py check --deploy`` then passes.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("OCOP_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PRODUCTION = os.environ.get("OCOP_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when OCOP_ENV=production")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public domain printed on certificates and stamps, shown on verification pages.
OCOP_PUBLIC_DOMAIN = os.environ.get("OCOP_PUBLIC_DOMAIN", "ocop.localhost")
# The address of this site in emails (links back to a dossier, a notice…).
OCOP_SITE_URL = os.environ.get("OCOP_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "django_filters",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # ocop, lowest layer first
    "core",
    "geo",
    "accounts",
    "registry",
    "submissions",
    "evaluation",
    "recognition",
    "market",
    "promotion",
    "trace",
    "programme",
    "outreach",
    "inspection",
    "plans",
    "dashboard",
    "public",
    "api",
    "demo",
]

MIDDLEWARE = [
    "core.middleware.TrustedProxyMiddleware",  # first: the client's address, proxy headers
    "django.middleware.security.SecurityMiddleware",
    "core.security.SecurityHeadersMiddleware",  # CSP and Permissions-Policy (ADR 0030)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RequestIdMiddleware",
    "core.middleware.DatabaseUnavailableMiddleware",  # a database down: 503, never 500
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ocop.urls"
WSGI_APPLICATION = "ocop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "core.context_processors.public_domain",
            ],
        },
    },
]

# Widgets are drawn from the project's templates first: the empty choice of a drop-down
# (Django's "---------") is written in words (templates/django/forms/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Cache: local memory per process unless REDIS_URL names a shared Redis ----------------
# (the rate limits must be shared by every server process; core.cache answers locally, with
# stricter limits, while Redis is down: ADR 0034).
OCOP_RATELIMIT_DEGRADED_FACTOR = int(os.environ.get("OCOP_RATELIMIT_DEGRADED_FACTOR", "4"))
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            # several sites (or a test) sharing one Redis keep apart by their prefix
            "KEY_PREFIX": os.environ.get("OCOP_CACHE_PREFIX", "ocop"),
        }
    }

# --- Database: SQLite file under var/ unless DATABASE_URL says otherwise ------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'ocop.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # Off (Django's default): a check costs a round trip on every request that uses
        # the database. After a database restart each server process fails one request,
        # then reconnects (Django checks a connection that raised). See ADR 0010.
        conn_health_checks=env_bool("DB_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # Django's own queries bind their values client-side and are never prepared; the few
    # hot statements run on a server-binding cursor (the stamp verification,
    # trace.verification) are prepared by psycopg after this many runs on a connection.
    # DB_PREPARE_THRESHOLD=off for a pooler that cannot keep prepared statements.
    _prepare = os.environ.get("DB_PREPARE_THRESHOLD", "2")
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        None if _prepare == "off" else int(_prepare)
    )
# A PostgreSQL streaming replica for the reads that may be a few seconds behind (the public
# catalogue, open data, dashboard figures): core.replica, ADR 0037. Same engine and options
# as the primary; in tests it is a mirror of the test database, never a second one.
if os.environ.get("DATABASE_REPLICA_URL"):
    _replica = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=DATABASES["default"]["CONN_MAX_AGE"],
        conn_health_checks=DATABASES["default"]["CONN_HEALTH_CHECKS"],
    )
    DATABASES["replica"] = {
        **DATABASES["default"],
        **_replica,
        "OPTIONS": {**DATABASES["default"].get("OPTIONS", {}), **_replica.get("OPTIONS", {})},
        "TEST": {"MIRROR": "default"},
    }
    if "postgresql" in DATABASES["replica"]["ENGINE"]:
        # an unreachable replica costs one request per process this long, then is left
        # alone for a while (core.replica.REPLICA_RETRY_AFTER)
        DATABASES["replica"]["OPTIONS"].setdefault("connect_timeout", 2)
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Django 6 will assume https for scheme-less URLs in forms; opt in now (and silence the warning).
FORMS_URLFIELD_ASSUME_HTTPS = True

# --- Accounts ------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes (accounts.lockout, ADR 0030): failed sign-ins in the last AXES_COOLOFF_HOURS,
# counted per account and address, per account, per address, each with its own limit.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
OCOP_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("OCOP_ACCOUNT_FAILURE_LIMIT", "20"))
OCOP_ADDRESS_FAILURE_LIMIT = int(os.environ.get("OCOP_ADDRESS_FAILURE_LIMIT", "50"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "1"))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "core.clientip.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Password reset e-mails: per client network and per address asked, per hour.
OCOP_RESET_LIMIT_PER_NETWORK = int(os.environ.get("OCOP_RESET_LIMIT_PER_NETWORK", "10"))
OCOP_RESET_LIMIT_PER_EMAIL = int(os.environ.get("OCOP_RESET_LIMIT_PER_EMAIL", "3"))

# --- Internationalisation: Vietnamese first, English second ---------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Date input formats (day/month/year first, then ISO) for both languages: ocop/formats/.
FORMAT_MODULE_PATH = ["ocop.formats"]
# the empty choice of the lists' filters (django-filter): “Tất cả”, not “---------”
FILTERS_EMPTY_CHOICE_LABEL = _("All")
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"]

# --- Static and media files ----------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # npm packages (package.json), copied in by collectstatic; never a CDN at run time.
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
]
# Map tiles for the sales-point map: empty = an offline, boundary-free plain background.
OCOP_MAP_TILES = os.environ.get("OCOP_MAP_TILES", "")
OCOP_MAP_ATTRIBUTION = os.environ.get("OCOP_MAP_ATTRIBUTION", "")
# More image origins for the Content-Security-Policy (the tile server is added by itself).
OCOP_CSP_EXTRA_IMG_SRC = env_list("OCOP_CSP_EXTRA_IMG_SRC")
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
OCOP_MAX_UPLOAD_MB = int(os.environ.get("OCOP_MAX_UPLOAD_MB", "20"))
# Imports (core.importing): refused before reading past these, whatever the upload's size.
OCOP_IMPORT_MAX_XML_MB = int(os.environ.get("OCOP_IMPORT_MAX_XML_MB", "200"))  # unpacked
OCOP_IMPORT_MAX_STRINGS_MB = int(os.environ.get("OCOP_IMPORT_MAX_STRINGS_MB", "50"))
OCOP_IMPORT_MAX_SHEET_ROWS = int(os.environ.get("OCOP_IMPORT_MAX_SHEET_ROWS", "100000"))
OCOP_IMPORT_MAX_CELLS = int(os.environ.get("OCOP_IMPORT_MAX_CELLS", "3000000"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

if os.environ.get("OCOP_S3_BUCKET"):  # S3-compatible object storage for uploads
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["OCOP_S3_BUCKET"],
            "endpoint_url": os.environ.get("OCOP_S3_ENDPOINT_URL"),
            "region_name": os.environ.get("OCOP_S3_REGION"),
            "access_key": os.environ.get("OCOP_S3_ACCESS_KEY_ID"),
            "secret_key": os.environ.get("OCOP_S3_SECRET_ACCESS_KEY"),
            "location": os.environ.get("OCOP_S3_PREFIX", "media"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    # imports waiting for their confirmation (core.staging): same bucket, own prefix, so
    # that the confirmation may reach another server than the upload
    STORAGES["imports"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **STORAGES["default"]["OPTIONS"],
            "location": os.environ.get("OCOP_S3_IMPORTS_PREFIX", "imports"),
        },
    }
    # product pictures are shown from the object storage: the CSP must allow its origin
    _endpoint = os.environ.get("OCOP_S3_ENDPOINT_URL") or "https://*.amazonaws.com"
    OCOP_CSP_EXTRA_IMG_SRC.append("/".join(_endpoint.split("/")[:3]))

# --- Background work (django.tasks interface; database-backed worker by default) -------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# A task left running by a worker that died is taken again after this many seconds
# (``manage.py worker`` sweeps every minute); after this many claims it is marked failed.
OCOP_TASK_STALE_AFTER = int(os.environ.get("OCOP_TASK_STALE_AFTER", "1800"))
OCOP_TASK_MAX_RUNS = int(os.environ.get("OCOP_TASK_MAX_RUNS", "3"))
# How often ``manage.py worker`` looks for such tasks, in seconds.
OCOP_TASK_SWEEP_EVERY = float(os.environ.get("OCOP_TASK_SWEEP_EVERY", "60"))
# A transient failure (SMTP down) is tried again after 1, 2, 4 … 60 units of this many seconds.
OCOP_TASK_BACKOFF_SECONDS = float(os.environ.get("OCOP_TASK_BACKOFF_SECONDS", "60"))

# --- Email ---------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ocop@localhost")
# The SMTP server, from the environment (Django's names); a failed send is retried with a
# backoff by the worker (core.jobs.retry_later).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "") == "1"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))

# --- Security -------------------------------------------------------------------------
# Reverse proxies whose X-Forwarded-For/-Proto are believed (addresses or networks, e.g.
# "127.0.0.1" when gunicorn listens on 127.0.0.1 behind nginx); none by default: the headers
# are then dropped (core.middleware.TrustedProxyMiddleware) and REMOTE_ADDR is the client.
OCOP_TRUSTED_PROXIES = env_list("OCOP_TRUSTED_PROXIES")
for _proxy in OCOP_TRUSTED_PROXIES:
    if _proxy == "unix":  # the proxy connects through a Unix socket (core.clientip)
        continue
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(f"OCOP_TRUSTED_PROXIES: {_proxy!r} is not an address") from _exc
if OCOP_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    # /healthz is probed over plain HTTP by load balancers.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}


# --- API (ADR 0020): tokens or the browser session, scoped like the screens -----------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "api.auth.TokenScope",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["api.auth.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("OCOP_API_RATE", "6000/hour")},
    # REMOTE_ADDR already holds core.clientip's address: DRF must not read X-Forwarded-For
    "NUM_PROXIES": 0,
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "core.api.ApiSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OCOP API",
    "DESCRIPTION": "The API of ocop: the OCOP programme's records, scoped like the screens.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DecisionLevelEnum": "recognition.choices.DecisionLevel",
        "RoundLevelEnum": "submissions.choices.RoundLevel",
        "DossierKindEnum": "submissions.choices.DossierKind",
        "UnitLevelEnum": "geo.choices.Level",
    },
}
