"""Approdo settings. Everything that differs between installations comes from the
environment; docs/settings.md lists every variable and .env.example shows them."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
SOURCE_ROOT = PACKAGE_DIR.parent.parent  # the checkout, for node_modules in development


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (a long random string), "
            "or set DEBUG=1 for a development installation."
        )
    SECRET_KEY = "development-only-insecure-key"  # noqa: S105 - only reachable with DEBUG=1

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

DATA_DIR = Path(env_str("APPRODO_DATA_DIR", str(Path.cwd() / "var"))).resolve()

# Database: SQLite by default, PostgreSQL in production.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'approdo.sqlite3'}")
_scheme = DATABASE_URL.split(":", 1)[0].lower()
if _scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {_scheme!r} is not supported: use sqlite:///path/to/file.sqlite3 "
        "or postgres://user:password@host:port/name."
    )
# Connections are kept for APPRODO_CONN_MAX_AGE seconds and checked before each request reuses
# one, so a connection the database dropped (restart, failover, idle timeout) is replaced
# instead of failing the request (core.faults retries the reads that still meet one).
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("APPRODO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if _scheme == "sqlite":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    if DATABASES["default"]["NAME"] != ":memory:":
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "template_partials",
    "django_htmx",
    "csp",
    "approdo.organizations",  # before allauth: its templates restyle allauth's pages
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    # Approdo, bottom layer first.
    "approdo.core",
    "approdo.territory",
    "approdo.taxonomy",
    "approdo.reports",
    "approdo.surveys",
    "approdo.practices",
    "approdo.funding",
    "approdo.governance",
    "approdo.participation",
    "approdo.api",
    "approdo.portal",
]

MIDDLEWARE = [
    "approdo.core.faults.DatabaseFaultMiddleware",  # first: sees every lost connection
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "approdo.api.middleware.ApiResponseMiddleware",  # before 2FA: its 403s get the headers too
    "approdo.api.middleware.RequestGuardMiddleware",
    "approdo.organizations.middleware.RequireTwoFactorMiddleware",
]

ROOT_URLCONF = "approdo.urls"
WSGI_APPLICATION = "approdo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "approdo.core.context_processors.site",
                "approdo.portal.context_processors.navigation",
            ],
        },
    },
]

AUTH_USER_MODEL = "organizations.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# django-allauth: e-mail login, verified addresses, no open sign-up (people join by invitation).
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "approdo.organizations.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "approdo.organizations.adapters.SocialAccountAdapter"
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/key,20/5m/ip",
    "reset_password": "5/h/ip,3/h/key",
    "confirm_email": "3/10m/key",
}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Approdo] "
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Approdo"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_STORE_TOKENS = False

# The regional SPID/CIE broker speaks plain OpenID Connect.
OIDC_SERVER_URL = env_str("APPRODO_OIDC_SERVER_URL")
SOCIALACCOUNT_PROVIDERS = {}
if OIDC_SERVER_URL:
    _oidc_client = env_str("APPRODO_OIDC_CLIENT_ID")
    _oidc_secret = env_str("APPRODO_OIDC_CLIENT_SECRET")
    if not _oidc_client or not _oidc_secret:
        raise ImproperlyConfigured(
            "APPRODO_OIDC_SERVER_URL is set: APPRODO_OIDC_CLIENT_ID and "
            "APPRODO_OIDC_CLIENT_SECRET are required too."
        )
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "regione",
                "name": env_str("APPRODO_OIDC_NAME", "SPID / CIE"),
                "client_id": _oidc_client,
                "secret": _oidc_secret,
                "settings": {
                    "server_url": OIDC_SERVER_URL,
                    "auth_params": {"scope": env_str("APPRODO_OIDC_SCOPE", "openid profile email")},
                },
            }
        ],
    }

# Internationalisation: Italian first.
LANGUAGE_CODE = "it"
LANGUAGES = [
    ("it", "Italiano"),
    ("en", "English"),
    ("fr", "Français"),
    ("ar", "العربية"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
FORMAT_MODULE_PATH = ["approdo.formats"]  # Italian dates in lowercase, without leading zero
TIME_ZONE = "Europe/Rome"
USE_I18N = True
USE_TZ = True

# Static files: our own plus the npm packages, served by WhiteNoise.
NODE_MODULES = Path(env_str("APPRODO_NODE_MODULES", str(SOURCE_ROOT / "node_modules")))
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("APPRODO_STATIC_ROOT", str(DATA_DIR / "static")))
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/bootstrap-italia", NODE_MODULES / "bootstrap-italia" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/noto-naskh-arabic", NODE_MODULES / "@fontsource" / "noto-naskh-arabic" / "files"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
FORMS_URLFIELD_ASSUME_HTTPS = True
WHITENOISE_MANIFEST_STRICT = False
MEDIA_ROOT = Path(env_str("APPRODO_MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Shared state lives in the database so several processes can serve together.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "approdo_cache",
        # Rate-limit counters live here too: room for many clients before culling.
        "OPTIONS": {"MAX_ENTRIES": 100000},
    }
}
if env_str("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env_str("REDIS_URL"),
    }

# E-mail.
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Approdo <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)

# Background tasks: django-tasks with its database backend.
TASKS = {
    "default": {"BACKEND": env_str("APPRODO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}
}
# `approdo worker` writes a heartbeat this often; a worker silent for longer than the second
# value is reported as not running (/api/v1/status, the admin).
APPRODO_WORKER_HEARTBEAT_SECONDS = env_int("APPRODO_WORKER_HEARTBEAT_SECONDS", 10)
APPRODO_WORKER_STALE_SECONDS = env_int("APPRODO_WORKER_STALE_SECONDS", 60)

# REST API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "approdo.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "approdo.api.parsers.JSONParser",
        "approdo.api.parsers.FormParser",
        "approdo.api.parsers.MultiPartParser",
    ],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "approdo.api.negotiation.ContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "approdo.api.pagination.ItemsPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "approdo.api.errors.problem_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Per client (user, else address), counted in the default cache: api.throttling.
    "DEFAULT_THROTTLE_CLASSES": ["approdo.api.throttling.ApiRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api": "{}/{}s".format(
            env_int("APPRODO_API_RATE_LIMIT", 1000),  # requests per window
            env_int("APPRODO_API_RATE_WINDOW", 3600),  # seconds
        )
    },
}
SPECTACULAR_SETTINGS = {
    # Several models name a choice field "kind" or "status": each set gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "EventKindEnum": ["seminar", "workshop", "community"],
        "EventStatusEnum": ["draft", "published", "cancelled"],
        "StatementKindEnum": ["finding", "recommendation"],
        "GuidelineStatusEnum": ["draft", "published"],
    },
    "TITLE": "Approdo API",
    "DESCRIPTION": "REST API of the Approdo platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No deep links (a link nested in a button) nor low-contrast highlighting: axe-clean.
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "syntaxHighlight": False},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "approdo.api.schema.add_api_conventions",
    ],
}

# Site facts shown in the shell.
APPRODO_SITE_NAME = env_str("APPRODO_SITE_NAME", "Approdo")
APPRODO_OWNER_NAME = env_str("APPRODO_OWNER_NAME", "Regione Toscana - ANCI Toscana")
APPRODO_ACCESSIBILITY_STATEMENT_URL = env_str(
    "APPRODO_ACCESSIBILITY_STATEMENT_URL", "https://form.agid.gov.it/"
)
APPRODO_BOUNDARIES = env_str("APPRODO_BOUNDARIES")
APPRODO_INVITATION_DAYS = env_int("APPRODO_INVITATION_DAYS", 14)
# Event registrations: hours to confirm the address, days after the event before anonymising.
APPRODO_REGISTRATION_CONFIRM_HOURS = env_int("APPRODO_REGISTRATION_CONFIRM_HOURS", 48)
APPRODO_REGISTRATION_RETENTION_DAYS = env_int("APPRODO_REGISTRATION_RETENTION_DAYS", 180)
# An uploaded XLSForm is untrusted input: caps on its size, unpacked size and rows.
APPRODO_XLSFORM_MAX_BYTES = env_int("APPRODO_XLSFORM_MAX_BYTES", 5 * 1024 * 1024)
APPRODO_XLSFORM_MAX_UNPACKED_BYTES = env_int("APPRODO_XLSFORM_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
APPRODO_XLSFORM_MAX_ROWS = env_int("APPRODO_XLSFORM_MAX_ROWS", 20_000)
APPRODO_SURVEY_UPLOAD_MAX_BYTES = env_int("APPRODO_SURVEY_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
APPRODO_SURVEY_ANSWERS_MAX_BYTES = env_int("APPRODO_SURVEY_ANSWERS_MAX_BYTES", 1024 * 1024)
# Exports with more rows than this run as background jobs instead of in the request.
APPRODO_EXPORT_INLINE_MAX_ROWS = env_int("APPRODO_EXPORT_INLINE_MAX_ROWS", 5_000)
# Published aggregates below these counts read "n.d." (DESIGN 5); the second one applies to
# counts of people by legal status, nationality, gender or age.
APPRODO_SUPPRESSION_THRESHOLD = env_int("APPRODO_SUPPRESSION_THRESHOLD", 5)
APPRODO_SUPPRESSION_THRESHOLD_SENSITIVE = env_int("APPRODO_SUPPRESSION_THRESHOLD_SENSITIVE", 10)
# The address people reach the site at, for links in e-mails sent outside a request.
APPRODO_SITE_URL = env_str("APPRODO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Security. A strict Content Security Policy everywhere: no inline scripts or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("APPRODO_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("APPRODO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("APPRODO_HSTS_PRELOAD", not DEBUG)
APPRODO_BEHIND_PROXY = env_bool("APPRODO_BEHIND_PROXY", False)
if APPRODO_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# How many reverse proxies in front of the app append to X-Forwarded-For: the client's address
# is that many entries from the right (core.client). 0 ignores the header (no proxy).
APPRODO_TRUSTED_PROXIES = env_int("APPRODO_TRUSTED_PROXIES", 1 if APPRODO_BEHIND_PROXY else 0)
if APPRODO_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("APPRODO_TRUSTED_PROXIES cannot be negative.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("APPRODO_LOG_LEVEL", "INFO")},
}

# Names shown by the admin; kept short.
ADMINS = [("Approdo", a) for a in env_list("APPRODO_ADMIN_EMAILS", [])]
