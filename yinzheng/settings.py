"""Settings for yinzheng, read from environment variables only.

YINZHENG_DATA_DIR      data folder (default ./var): SQLite database, generated secrets, files
YINZHENG_DATABASE_URL  default sqlite in the data folder; postgresql://user@host:port/name
YINZHENG_SECRET_KEY    generated into the data folder on first run when absent
YINZHENG_DEBUG         "1"/"true" to turn debug pages on (never in production)
YINZHENG_ALLOWED_HOSTS comma-separated host names (default: localhost names)
YINZHENG_MASTER_KEY    32 bytes, base64url: encrypts the signing keys (generated when absent)
YINZHENG_PUBLIC_URL    the public address in QR codes and CRL distribution points
YINZHENG_TSA_URL       RFC 3161 timestamp authority (PAdES B-T); YINZHENG_TSA_ROOTS its roots
YINZHENG_VERIFY_RATE   public verification page views a minute per address (default 60)
"""

import base64
import os
import secrets
from pathlib import Path

import dj_database_url
from csp import constants as csp
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("YINZHENG_DATA_DIR", "./var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    key = os.environ.get("YINZHENG_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        # Written once with owner-only permissions; survives restarts.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _master_key() -> str:
    """The key that encrypts signing keys at rest (esign). Production sets
    YINZHENG_MASTER_KEY and keeps it out of the data folder and its backups; the
    zero-setup default generates one into the data folder."""
    key = os.environ.get("YINZHENG_MASTER_KEY")
    if key:
        return key.strip()
    path = DATA_DIR / "master_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    return path.read_text().strip()


MASTER_KEY = _master_key()
# Electronic seals (esign): the address printed in QR codes and CRL distribution points,
# the RFC 3161 timestamp authority (PAdES B-T when set, B-B otherwise) and the PEM file
# of the roots its timestamps are checked against, and the public verification limit.
PUBLIC_URL = os.environ.get("YINZHENG_PUBLIC_URL", "http://localhost:8000").rstrip("/")
TSA_URL = os.environ.get("YINZHENG_TSA_URL", "").strip()
TSA_ROOTS = os.environ.get("YINZHENG_TSA_ROOTS", "").strip()
VERIFY_RATE_PER_MINUTE = int(os.environ.get("YINZHENG_VERIFY_RATE", "60"))
DEBUG = _truthy(os.environ.get("YINZHENG_DEBUG"))
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get(
        "YINZHENG_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver"
    ).split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "yinzheng.core",
    "yinzheng.accounts",
    "yinzheng.divisions",
    "yinzheng.ledger",
    "yinzheng.esign",
    "yinzheng.registers",
    "yinzheng.catalogue",
    "yinzheng.seals",
    "yinzheng.certificates",
    "yinzheng.supervision",
    "yinzheng.stats",
    "yinzheng.api",
    "yinzheng.portal",
    "yinzheng.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "yinzheng.core.middleware.RejectBadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yinzheng.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "yinzheng.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "yinzheng.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "yinzheng.urls"
WSGI_APPLICATION = "yinzheng.wsgi.application"

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
                "yinzheng.portal.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("YINZHENG_DATABASE_URL")
        or f"sqlite:///{DATA_DIR / 'yinzheng.sqlite3'}",
        conn_max_age=int(os.environ.get("YINZHENG_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer appends; IMMEDIATE takes the write
    # lock at BEGIN so two appenders queue instead of failing on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed logins: this many within the window lock the username (and the address).
LOGIN_FAILURE_LIMIT = int(os.environ.get("YINZHENG_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # 0600 files, and a file of a rolled-back transaction removed (issue 13).
    "default": {"BACKEND": "yinzheng.core.storage.PrivateFileStorage"},
    "staticfiles": {
        "BACKEND": "yinzheng.core.storage.StaticStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "files"
WHITENOISE_USE_FINDERS = True

# Behind a TLS-terminating proxy or load balancer (design.md §5).
HTTPS = _truthy(os.environ.get("YINZHENG_HTTPS"))
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
CSRF_TRUSTED_ORIGINS = [
    o.strip()
    for o in os.environ.get("YINZHENG_CSRF_TRUSTED_ORIGINS", "").split(",")
    if o.strip()
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# A strict policy on every page (issue 13: no script but the project's own files, no
# inline script or style; a page that truly needs one marks it with the request's
# nonce, `request.csp_nonce`, which then joins the header). data: images are the
# signature pad's drawing and the QR codes. Files served by core.uploads carry their
# own, stricter policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", csp.NONCE],
        "style-src": ["'self'", csp.NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}
SECURE_REFERRER_POLICY = "same-origin"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an unauthenticated call gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "yinzheng.core.rest.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "yinzheng.core.rest.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("YINZHENG_API_ANON_RATE", "120/min"),
        "user": os.environ.get("YINZHENG_API_USER_RATE", "1200/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "印证 yinzheng API",
    "DESCRIPTION": "基层群众性自治组织出具证明和印章管理 — REST API",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every error code of every app, as an enum on the Error component.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "yinzheng.core.rest.schema.error_codes_hook",
    ],
    # drf-spectacular names an enum after its field ("kind", "status"); several choice
    # sets share those names, so each gets its own (loaded lazily, by import path).
    "ENUM_NAME_OVERRIDES": {
        "CommitteeKindEnum": "yinzheng.divisions.choices.CommitteeKind",
        "CommitteeStatusEnum": "yinzheng.divisions.choices.CommitteeStatus",
        "RoleEnum": "yinzheng.accounts.choices.Role",
        "DepartmentEnum": "yinzheng.accounts.choices.Department",
        "ListKindEnum": "yinzheng.catalogue.choices.ListKind",
        "VersionStatusEnum": "yinzheng.catalogue.choices.VersionStatus",
        "BasisTypeEnum": "yinzheng.catalogue.choices.BasisType",
        "ComplexityEnum": "yinzheng.catalogue.choices.Complexity",
        "GuideStatusEnum": "yinzheng.catalogue.choices.GuideStatus",
        "ApplicationKindEnum": "yinzheng.catalogue.choices.ApplicationKind",
        "ApplicationStatusEnum": "yinzheng.catalogue.choices.ApplicationStatus",
        "ExitGroundEnum": "yinzheng.catalogue.choices.ExitGround",
        "OpinionEnum": "yinzheng.catalogue.choices.Opinion",
        "CleanupDispositionEnum": "yinzheng.catalogue.choices.CleanupDisposition",
        "ChannelEnum": "yinzheng.catalogue.choices.Channel",
        "VerdictEnum": "yinzheng.esign.choices.Verdict",
        "QueryKindEnum": "yinzheng.esign.choices.QueryKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
