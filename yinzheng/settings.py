"""Settings for yinzheng, read from environment variables only.

YINZHENG_DATA_DIR      data folder (default ./var): SQLite database, generated secrets, files
YINZHENG_DATABASE_URL  default sqlite in the data folder; postgresql://user@host:port/name
YINZHENG_SECRET_KEY    else the data folder's secret_key file (made for a new installation)
YINZHENG_DEBUG         "1"/"true" to turn debug pages on (never in production)
YINZHENG_ALLOWED_HOSTS comma-separated host names (default: localhost names)
YINZHENG_MASTER_KEY    32 bytes, base64url: encrypts the signing keys; or
YINZHENG_MASTER_KEY_FILE  a file holding it; else the data folder's master_key (demo only)
YINZHENG_PUBLIC_URL    the public address in QR codes and CRL distribution points
YINZHENG_TSA_URL       RFC 3161 timestamp authority (PAdES B-T); YINZHENG_TSA_ROOTS its roots
YINZHENG_VERIFY_RATE   public verification page views a minute per address (default 60)
YINZHENG_STATUS_RATE   the resident's status page views a minute per address (default 30)
YINZHENG_QUERY_SEAL_BATCH, _QUERY_SEAL_SECONDS, _QUERY_SEAL_GRACE  departments'
                       verification queries are sealed into the audit journal in batches:
                       when a process has taken this many (default 100) or this many
                       seconds have passed (60); `ledger verify` reports a query left
                       unsealed longer than the grace (seconds, default 3600)
YINZHENG_SMS_BACKEND   dotted path of the SMS gateway for one-time codes (default
                       yinzheng.core.sms.ConsoleBackend); YINZHENG_SMS_URL, _SMS_TOKEN
                       for yinzheng.core.sms.HttpBackend; YINZHENG_OTP_RATE codes a
                       phone may be sent an hour (default 5); YINZHENG_ONLINE_TIME_LIMIT
                       working days an online application is due in, when the item's
                       guide gives none (default 3)
YINZHENG_PKCS11_MODULE, _PKCS11_TOKEN, _PKCS11_PIN (or _PKCS11_PIN_FILE)  signing keys
                       in an HSM: PKCS#11 library, token label, user PIN
YINZHENG_REDIS_URL     redis://host:6379/0 (or YINZHENG_CACHE_URL): the cache every app
                       node shares — rate limits, login throttling, cached verdicts,
                       sessions in front of the database (default: tables in the database)
YINZHENG_REPLICA_URLS  comma-separated postgresql:// URLs of streaming replicas: public
                       verification and dashboards read there (core.replicas)
YINZHENG_PGBOUNCER     "1" when connections go through PgBouncer in transaction mode
YINZHENG_TASKS         "inline" (default: long work runs in the request or command that
                       asks for it) or "database" (queued; `yinzheng db_worker` runs it)
YINZHENG_S3_BUCKET     files in this S3-compatible bucket instead of the data folder
                       (core.object_storage); with YINZHENG_S3_ENDPOINT_URL,
                       _S3_REGION, _S3_ACCESS_KEY_ID, _S3_SECRET_ACCESS_KEY (or
                       _FILE), _S3_ADDRESSING_STYLE, _S3_PREFIX, _S3_ACL
YINZHENG_TRUSTED_PROXIES  comma-separated proxy addresses/CIDRs allowed to set
                       X-Forwarded-For
YINZHENG_LOGIN_FAILURE_LIMIT, _LOGIN_DELAY, _LOGIN_DELAY_MAX, _LOGIN_SPRAY_LIMIT  login
                       throttling (see below)
"""

import base64
import importlib.util
import ipaddress
import os
import secrets
import sys
from pathlib import Path
from typing import NoReturn

import dj_database_url
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("YINZHENG_DATA_DIR") or "./var").resolve()


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


# The data folder and the keys (issue 13). An installation is its data folder: the
# database (SQLite), the files, and the keys the data is bound to. New keys are made
# only where a new installation is meant: by `yinzheng demo` (Django's command line
# takes the sub-command from argv[1]), by the test run (pytest sets PYTEST_VERSION for
# its session), or in an empty folder that YINZHENG_DATA_DIR names. Any other process
# that finds no folder or no key stops with the fix, so a command started from the
# wrong folder, or with a typo in the variable, never makes a second installation
# beside the real one, and a folder restored without its keys is never re-keyed.
_NAMED_EMPTY_FOLDER = (
    bool(os.environ.get("YINZHENG_DATA_DIR"))
    and DATA_DIR.is_dir()
    and not any(DATA_DIR.iterdir())
)
NEW_INSTALLATION_ALLOWED = (
    bool(os.environ.get("PYTEST_VERSION"))
    or sys.argv[1:2] == ["demo"]
    or _NAMED_EMPTY_FOLDER
)


def _stop(chinese: str, english: str) -> NoReturn:
    """End the process with the fix, in both languages, and no traceback: this is an
    operator's setting to correct, not a fault in the program."""
    raise SystemExit(f"yinzheng: {chinese}\nyinzheng: {english}")


if NEW_INSTALLATION_ALLOWED:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
elif not DATA_DIR.is_dir():
    _stop(
        f"数据目录 {DATA_DIR} 不存在，未生成任何密钥。已有安装：把 YINZHENG_DATA_DIR "
        "设为其数据目录（例如 export YINZHENG_DATA_DIR=/srv/yinzheng）。新安装：建一个"
        "空目录并用 YINZHENG_DATA_DIR 指向它，首次运行在其中生成密钥（见 "
        "docs/operations.md）。只看演示：yinzheng demo。",
        f"the data folder {DATA_DIR} does not exist; no key was made. An existing "
        "installation: set YINZHENG_DATA_DIR to its data folder (e.g. export "
        "YINZHENG_DATA_DIR=/srv/yinzheng). A new installation: create an empty folder "
        "and point YINZHENG_DATA_DIR at it; the first command makes the keys there "
        "(see docs/operations.md). Just the demo: yinzheng demo.",
    )


def _new_key_file(path: Path, text: str) -> None:
    # Written once with owner-only permissions; survives restarts.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)


def _secret_key() -> str:
    key = os.environ.get("YINZHENG_SECRET_KEY")
    if key:
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        if not NEW_INSTALLATION_ALLOWED:
            _stop(
                f"数据目录 {DATA_DIR} 中没有 secret_key，也未设置 YINZHENG_SECRET_KEY；"
                "未生成新密钥。若这是安装的数据目录，请从备份恢复 secret_key 或设置 "
                "YINZHENG_SECRET_KEY；若不是，请把 YINZHENG_DATA_DIR 设为正确的目录"
                "（见 docs/operations.md）。",
                f"the data folder {DATA_DIR} has no secret_key and YINZHENG_SECRET_KEY "
                "is not set; no new key was made. If this is the installation's folder, "
                "restore secret_key from its backup or set YINZHENG_SECRET_KEY; if not, "
                "set YINZHENG_DATA_DIR to the right folder (see docs/operations.md).",
            )
        _new_key_file(path, secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _master_key() -> tuple[str, Path | None]:
    """The key that encrypts signing keys at rest (esign), and the file it was read
    from (None: the environment). Production supplies it from outside the data folder
    and its backups, in YINZHENG_MASTER_KEY or in the file YINZHENG_MASTER_KEY_FILE
    names (a systemd credential, a mounted secret); `check --deploy` fails on one kept
    in the data folder (core.checks). A new installation without either gets one
    generated into the data folder, which is fine for a demo only."""
    key = os.environ.get("YINZHENG_MASTER_KEY", "").strip()
    named = os.environ.get("YINZHENG_MASTER_KEY_FILE", "").strip()
    if key and named:
        _stop(
            "YINZHENG_MASTER_KEY 与 YINZHENG_MASTER_KEY_FILE 只能设置其一。",
            "set YINZHENG_MASTER_KEY or YINZHENG_MASTER_KEY_FILE, not both.",
        )
    if key:
        return key, None
    if named:
        path = Path(named).expanduser().resolve()
        if not path.is_file():
            _stop(
                f"YINZHENG_MASTER_KEY_FILE 指向的 {path} 不是可读的文件。",
                f"YINZHENG_MASTER_KEY_FILE names {path}, which is not a readable file.",
            )
        return path.read_text().strip(), path
    path = DATA_DIR / "master_key"
    if not path.exists():
        if not NEW_INSTALLATION_ALLOWED:
            _stop(
                f"没有主密钥：未设置 YINZHENG_MASTER_KEY 或 YINZHENG_MASTER_KEY_FILE，"
                f"数据目录 {DATA_DIR} 中也没有 master_key；未生成新密钥（新密钥会使已"
                "加密的签名私钥全部无法使用）。请设置其中一个变量，或从备份恢复 "
                "master_key（见 docs/operations.md）。",
                "no master key: neither YINZHENG_MASTER_KEY nor YINZHENG_MASTER_KEY_FILE "
                f"is set and the data folder {DATA_DIR} has no master_key; no new key "
                "was made (a new one would leave every sealed signing key unreadable). "
                "Set one of the variables, or restore master_key from its backup (see "
                "docs/operations.md).",
            )
        _new_key_file(path, base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    return path.read_text().strip(), path


MASTER_KEY, MASTER_KEY_FILE = _master_key()
# Electronic seals (esign): the address printed in QR codes and CRL distribution points,
# the RFC 3161 timestamp authority (PAdES B-T when set, B-B otherwise) and the PEM file
# of the roots its timestamps are checked against, and the public verification limit.
PUBLIC_URL = os.environ.get("YINZHENG_PUBLIC_URL", "http://localhost:8000").rstrip("/")
TSA_URL = os.environ.get("YINZHENG_TSA_URL", "").strip()
TSA_ROOTS = os.environ.get("YINZHENG_TSA_ROOTS", "").strip()
VERIFY_RATE_PER_MINUTE = int(os.environ.get("YINZHENG_VERIFY_RATE", "60"))
# The resident's status page (portal), per address and minute: tracking codes are
# unguessable, the limit keeps guessing slow.
STATUS_RATE_PER_MINUTE = int(os.environ.get("YINZHENG_STATUS_RATE", "30"))
# Departments' verification queries (REQ-111) are journaled in batches (esign.journal,
# issue 15): each process asks for a sealing after this many queries or seconds, and
# `ledger verify` reports a query unsealed for longer than the grace.
QUERY_SEAL_BATCH = int(os.environ.get("YINZHENG_QUERY_SEAL_BATCH", "100"))
QUERY_SEAL_SECONDS = float(os.environ.get("YINZHENG_QUERY_SEAL_SECONDS", "60"))
QUERY_SEAL_GRACE = float(os.environ.get("YINZHENG_QUERY_SEAL_GRACE", "3600"))
# The online application (issue 16, REQ-113): the SMS gateway that sends the one-time
# code (core.sms: the console by default, as in the demo; HttpBackend posts JSON to
# YINZHENG_SMS_URL with the bearer YINZHENG_SMS_TOKEN), and how many codes a phone
# number may be sent an hour (an address may ask for four times as many).
SMS_BACKEND = os.environ.get(
    "YINZHENG_SMS_BACKEND", "yinzheng.core.sms.ConsoleBackend"
).strip()
SMS_URL = os.environ.get("YINZHENG_SMS_URL", "").strip()
SMS_TOKEN = os.environ.get("YINZHENG_SMS_TOKEN", "").strip()
OTP_PER_PHONE_HOUR = int(os.environ.get("YINZHENG_OTP_RATE", "5"))
# An online application cannot be done on the spot: without a time limit in the item's
# guide, it is due this many working days after it came in (an installation's choice;
# the seeds give no number).
ONLINE_TIME_LIMIT_DAYS = int(os.environ.get("YINZHENG_ONLINE_TIME_LIMIT", "3"))
# The county timestamp authority's public RFC 3161 endpoint, per client and minute.
TSA_RATE_PER_MINUTE = int(os.environ.get("YINZHENG_TSA_RATE", "30"))
# Signing keys in an HSM (esign.hsm): the PKCS#11 library, the token's label and the
# user PIN, given directly or in a file (a systemd credential, a mounted secret). Unset:
# private keys stay in the database under the master key.
# (The setting's name has SECRET in it so that Django's error pages hide it.)
PKCS11_MODULE = os.environ.get("YINZHENG_PKCS11_MODULE", "").strip()
PKCS11_TOKEN = os.environ.get("YINZHENG_PKCS11_TOKEN", "").strip()
PKCS11_SECRET_PIN = os.environ.get("YINZHENG_PKCS11_PIN", "").strip()
if not PKCS11_SECRET_PIN and os.environ.get("YINZHENG_PKCS11_PIN_FILE", "").strip():
    _pin_file = Path(os.environ["YINZHENG_PKCS11_PIN_FILE"].strip()).expanduser()
    if not _pin_file.is_file():
        _stop(
            f"YINZHENG_PKCS11_PIN_FILE 指向的 {_pin_file} 不是可读的文件。",
            f"YINZHENG_PKCS11_PIN_FILE names {_pin_file}, which is not a readable file.",
        )
    PKCS11_SECRET_PIN = _pin_file.read_text().strip()
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
    "django_tasks",
    "django_tasks_db",
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
# Long work (registers' checkpoint signatures, the supervision scan; issue 15): run at
# once by default, or queued in the database for `yinzheng db_worker` processes.
TASKS_MODE = os.environ.get("YINZHENG_TASKS", "inline").strip() or "inline"
if TASKS_MODE not in ("inline", "database"):
    raise ImproperlyConfigured('YINZHENG_TASKS must be "inline" or "database"')
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASKS_MODE == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}

# Read-only replicas (issue 15, docs/operations.md): only views marked with
# core.replicas.read_replica read there, never inside a transaction, and nothing is
# ever written there (core.replicas.ReplicaRouter). In tests they mirror the default
# database (CI points one at it through a read-only connection, so a write fails).
for _n, _url in enumerate(
    filter(
        None, map(str.strip, os.environ.get("YINZHENG_REPLICA_URLS", "").split(","))
    ),
    start=1,
):
    DATABASES[f"replica{_n}"] = {
        **dj_database_url.parse(
            _url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"]
        ),
        "TEST": {"MIRROR": "default"},
    }
if len(DATABASES) > 1 and "postgresql" not in str(DATABASES["default"]["ENGINE"]):
    raise ImproperlyConfigured(
        "YINZHENG_REPLICA_URLS needs YINZHENG_DATABASE_URL to name the PostgreSQL "
        "primary they replicate"
    )
DATABASE_ROUTERS = ["yinzheng.core.replicas.ReplicaRouter"]
if _truthy(os.environ.get("YINZHENG_PGBOUNCER")):
    # Transaction pooling hands each transaction a server connection of its own:
    # no cursor may outlive its transaction, nor a connection be kept by Django.
    for _alias in DATABASES.values():
        _alias["DISABLE_SERVER_SIDE_CURSORS"] = True
        _alias["CONN_MAX_AGE"] = 0

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

# Rate limits and login throttling (issue 13; docs/operations.md "Rate limits and login
# throttling"). Their counters live in the cache, which every server process must share:
# Redis when YINZHENG_CACHE_URL names one (PostgreSQL deployments), else a table in the
# database (created by `yinzheng migrate`). Never the per-process local-memory cache.
_CACHE_VARIABLE = (
    "YINZHENG_REDIS_URL"
    if os.environ.get("YINZHENG_REDIS_URL")
    else "YINZHENG_CACHE_URL"
)
CACHE_URL = os.environ.get(_CACHE_VARIABLE, "").strip()
CACHES: dict[str, dict[str, object]]
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            f"{_CACHE_VARIABLE} must be a Redis URL (redis://, rediss:// or unix://)"
        )
    CACHES = {
        "default": {
            "BACKEND": "yinzheng.core.cache.RedisCache",  # Django's, clients kept
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "yinzheng",
        }
    }
    # Sessions stay in the database (a Redis restart logs nobody out) and are read
    # from Redis: no session query per request on any node.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "yinzheng_cache",
            # The default 300 entries would cull live counters (one per address and
            # minute) as soon as a few hundred visitors come in one minute.
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }


# Addresses (or networks, CIDR) of the reverse proxies in front of the servers: from
# these only, X-Forwarded-For names the client (core.clients.client_address).
def _trusted_proxies() -> list[str]:
    found = [
        entry.strip()
        for entry in os.environ.get("YINZHENG_TRUSTED_PROXIES", "").split(",")
        if entry.strip()
    ]
    for entry in found:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"YINZHENG_TRUSTED_PROXIES: {entry!r} is not an address or network"
            ) from exc
    return found


TRUSTED_PROXIES = _trusted_proxies()
# Failed logins (accounts.services): per account and address, this many are free, then
# each further one makes that pair wait twice as long as the last (from the first delay
# up to the ceiling); forgotten a day after the last. One address failing on this many
# different accounts within the window waits until the oldest leaves the window.
LOGIN_FAILURE_LIMIT = int(os.environ.get("YINZHENG_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_DELAY_SECONDS = int(os.environ.get("YINZHENG_LOGIN_DELAY", "15"))
LOGIN_DELAY_MAX_SECONDS = int(os.environ.get("YINZHENG_LOGIN_DELAY_MAX", "3600"))
LOGIN_FORGET_SECONDS = 24 * 3600
LOGIN_SPRAY_LIMIT = int(os.environ.get("YINZHENG_LOGIN_SPRAY_LIMIT", "10"))
LOGIN_SPRAY_WINDOW_SECONDS = 15 * 60

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


def _secret_file(variable: str) -> str:
    """The value of `variable`, or the content of the file `variable`_FILE names (a
    systemd credential, a mounted secret); "" when neither is set."""
    value = os.environ.get(variable, "").strip()
    named = os.environ.get(f"{variable}_FILE", "").strip()
    if value or not named:
        return value
    path = Path(named).expanduser()
    if not path.is_file():
        _stop(
            f"{variable}_FILE 指向的 {path} 不是可读的文件。",
            f"{variable}_FILE names {path}, which is not a readable file.",
        )
    return path.read_text().strip()


def _file_storage() -> dict[str, object]:
    """Where uploads and generated documents live: the data folder (0600 files, and a
    file of a rolled-back transaction removed; issue 13), or an S3-compatible bucket
    every app node shares when YINZHENG_S3_BUCKET names one (issue 15; private,
    served only through the application's views: core.object_storage)."""
    bucket = os.environ.get("YINZHENG_S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "yinzheng.core.storage.PrivateFileStorage"}
    if not all(importlib.util.find_spec(m) for m in ("storages", "boto3")):
        _stop(
            "已设置 YINZHENG_S3_BUCKET，但未安装对象存储所需的软件包：请在每个应用节点上"
            "执行 pip install 'yinzheng[s3]'（见 docs/operations.md）。",
            "YINZHENG_S3_BUCKET is set but the object storage packages are not "
            "installed: run pip install 'yinzheng[s3]' on every app node (see "
            "docs/operations.md).",
        )
    endpoint = os.environ.get("YINZHENG_S3_ENDPOINT_URL", "").strip()
    # A store of its own (MinIO, Ceph, …) is addressed by path unless told otherwise;
    # botocore chooses for AWS.
    style = os.environ.get("YINZHENG_S3_ADDRESSING_STYLE", "").strip().lower()
    style = style or ("path" if endpoint else "auto")
    if style not in ("auto", "path", "virtual"):
        raise ImproperlyConfigured(
            'YINZHENG_S3_ADDRESSING_STYLE must be "path", "virtual" or "auto"'
        )
    acl = os.environ.get("YINZHENG_S3_ACL", "").strip() or "private"
    if acl not in ("private", "none"):
        raise ImproperlyConfigured(
            'YINZHENG_S3_ACL must be "private" (the default) or "none" (a bucket '
            "whose ACLs are disabled); files are never public"
        )
    key_id = os.environ.get("YINZHENG_S3_ACCESS_KEY_ID", "").strip()
    secret = _secret_file("YINZHENG_S3_SECRET_ACCESS_KEY")
    if bool(key_id) != bool(secret):
        raise ImproperlyConfigured(
            "set YINZHENG_S3_ACCESS_KEY_ID and YINZHENG_S3_SECRET_ACCESS_KEY together "
            "(or neither: boto3's own AWS_* variables, files or instance role)"
        )
    options: dict[str, object] = {
        "bucket_name": bucket,
        "endpoint_url": endpoint or None,
        "region_name": os.environ.get("YINZHENG_S3_REGION", "").strip() or None,
        "addressing_style": None if style == "auto" else style,
        "location": os.environ.get("YINZHENG_S3_PREFIX", "").strip().strip("/"),
        "default_acl": None if acl == "none" else acl,
    }
    if key_id:
        # The name holds KEY, so Django's error pages hide the value.
        options["access_key"], options["secret_key"] = key_id, secret
    return {
        "BACKEND": "yinzheng.core.object_storage.PrivateS3Storage",
        "OPTIONS": options,
    }


STORAGES = {
    "default": _file_storage(),
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
        "yinzheng.accounts.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "yinzheng.core.rest.pagination.Pagination",
    # JSON with a nesting limit: a deep body is a 400, not a 500 (issue 13).
    "DEFAULT_PARSER_CLASSES": [
        "yinzheng.core.rest.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "yinzheng.core.rest.errors.exception_handler",
    # Keyed on core.clients.client_address, like every other rate limit.
    "DEFAULT_THROTTLE_CLASSES": [
        # Not a limit: refuses query parameters the schema rules out (core.rest.query).
        "yinzheng.core.rest.query.DocumentedQueryParameters",
        "yinzheng.core.rest.throttling.AnonRateThrottle",
        "yinzheng.core.rest.throttling.UserRateThrottle",
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
        "yinzheng.core.rest.schema.conformance_hook",
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
