"""The one settings module. Everything that differs between machines comes from the environment.

Nothing set: SQLite (WAL) under var/, local-memory cache, database task queue, development mode.
DATABASE_URL selects PostgreSQL; REDIS_URL moves cache and sessions to Redis;
DJANGO_ENV=production turns on the security settings and requires DJANGO_SECRET_KEY.
"""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("YIBAO_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured("DJANGO_ENV must be development, production or test")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)


def _secret_key() -> str:
    key = env_str("DJANGO_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_ENV=production")
    # Development: a random key kept beside the local database, never in the repository.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

# Policy profile of the hall (DESIGN §6): national | beijing | yunnan | henan.
YIBAO_PROFILE = env_str("YIBAO_PROFILE", "national")
# Development affordances (SMS outbox, fixed captcha answer, component gallery).
YIBAO_DEV_AFFORDANCES = env_bool("YIBAO_DEV_AFFORDANCES", default=DEBUG)
# Largest accepted upload, in bytes.
# 单位注册 answers about who is registered (账号, 统一社会信用代码, 经办人手机号) per address in the
# login window.
YIBAO_REGISTER_CHECKS_PER_IP = env_int("YIBAO_REGISTER_CHECKS_PER_IP", 20)
# 证件号码 look-ups one operator may make in ten minutes (单个人员参保登记).
YIBAO_PERSON_LOOKUPS_PER_OPERATOR = env_int("YIBAO_PERSON_LOOKUPS_PER_OPERATOR", 60)
# Files one application may hold: per material and in all.
YIBAO_MATERIALS_PER_ITEM = env_int("YIBAO_MATERIALS_PER_ITEM", 10)
YIBAO_MATERIALS_PER_APPLICATION = env_int("YIBAO_MATERIALS_PER_APPLICATION", 30)
YIBAO_UPLOAD_MAX_BYTES = env_int("YIBAO_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# Real codes that fail the GB 32100 check digit but must be accepted (comma-separated).
YIBAO_USCC_ALLOWLIST = env_list("YIBAO_USCC_ALLOWLIST", ["91350203M0001QAY9B"])
# Load balancers in front of the web processes that append to X-Forwarded-For (0 = none).
YIBAO_TRUSTED_PROXIES = env_int("YIBAO_TRUSTED_PROXIES", 0)
# Name of the hall shown in the header.
YIBAO_SITE_NAME = env_str("YIBAO_SITE_NAME", "医疗保障公共服务平台")

INSTALLED_APPS = [
    "yibao.agency.admin_config.StaffAdminConfig",  # django.contrib.admin behind the staff login
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "template_partials",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "captcha",
    "yibao.core",
    "yibao.accounts",
    "yibao.pki",
    "yibao.federation",
    "yibao.units",
    "yibao.operators",
    "yibao.exports",
    "yibao.enrollment",
    "yibao.contributions",
    "yibao.changes",
    "yibao.filings",
    "yibao.newborns",
    "yibao.procurement",
    "yibao.institutions",
    "yibao.notices",
    "yibao.catalog",
    "yibao.portal",
    "yibao.cases",
    "yibao.agency",
    "yibao.queries",
    "yibao.certificates",
    "yibao.demo",
    "yibao.entry",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "yibao.core.middleware.SessionLifetimeMiddleware",
    "yibao.core.middleware.PrivatePagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "yibao.core.context_processors.site",
                "yibao.operators.context_processors.hall",
                "yibao.operators.context_processors.unread",
            ],
            "builtins": ["yibao.core.templatetags.masking", "yibao.core.templatetags.navigation"],
        },
    }
]

# Widget templates come from templates/ too (components/region_picker.html …).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database ---------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("YIBAO_SQLITE_PATH", str(VAR_DIR / "yibao.sqlite3")),
            "OPTIONS": {
                # WAL lets readers go on while a writer works; IMMEDIATE avoids lock upgrades.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
# A read replica for the query pages (yibao/core/db_routing.py): their reads go there, all else
# to the primary. Its TEST mirror makes the test database serve both aliases.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True),
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["yibao.core.db_routing.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions --------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "yibao",
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("YIBAO_SESSION_IDLE_SECONDS", 30 * 60)
# The age above is an idle timeout: a request renews a session whose last renewal is this old
# (core.middleware.SessionLifetimeMiddleware), not every request.
YIBAO_SESSION_RENEW_SECONDS = env_int("YIBAO_SESSION_RENEW_SECONDS", 60)
if not 0 <= YIBAO_SESSION_RENEW_SECONDS < SESSION_COOKIE_AGE:
    raise ImproperlyConfigured("YIBAO_SESSION_RENEW_SECONDS must be shorter than YIBAO_SESSION_IDLE_SECONDS")
# The absolute lifetime of a login, however active (core.middleware.SessionLifetimeMiddleware).
YIBAO_SESSION_MAX_SECONDS = env_int("YIBAO_SESSION_MAX_SECONDS", 8 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Background tasks (task queue) -----------------------------------------------------------
# YIBAO_TASK_BACKEND picks the queue of the Tasks API: "db" (the queue lives in the database;
# worker `manage.py db_worker`) or "rq" (Redis Queue through django-tasks-rq; workers
# `manage.py rqworker --with-scheduler sms default`, any number on any machine). The default is "rq"
# when REDIS_URL is set, "db" otherwise. YIBAO_TASK_REDIS_URL (default REDIS_URL) may name another
# Redis database or server for the queue: a queue must not be evicted like a cache
# (maxmemory-policy noeviction). A job runs at most YIBAO_TASK_TIMEOUT_SECONDS (1800).
# Two queues: "sms" (the SMS task alone, so that a code never waits behind exports and batch
# imports) and "default" (everything else). An RQ worker takes its queues in the order given:
# sms first.
YIBAO_TASK_QUEUES = ["sms", "default"]
YIBAO_TASK_BACKEND = env_str("YIBAO_TASK_BACKEND", "rq" if REDIS_URL else "db")
YIBAO_TASK_REDIS_URL = env_str("YIBAO_TASK_REDIS_URL", REDIS_URL)
YIBAO_TASK_TIMEOUT_SECONDS = env_int("YIBAO_TASK_TIMEOUT_SECONDS", 30 * 60)
if YIBAO_TASK_BACKEND == "rq":
    if not YIBAO_TASK_REDIS_URL:
        raise ImproperlyConfigured("YIBAO_TASK_BACKEND=rq needs REDIS_URL or YIBAO_TASK_REDIS_URL")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {
        name: {"URL": YIBAO_TASK_REDIS_URL, "DEFAULT_TIMEOUT": YIBAO_TASK_TIMEOUT_SECONDS}
        for name in YIBAO_TASK_QUEUES
    }
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}  # the worker runs django-tasks' jobs
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": YIBAO_TASK_QUEUES}}
elif YIBAO_TASK_BACKEND == "db":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": YIBAO_TASK_QUEUES}}
else:
    raise ImproperlyConfigured("YIBAO_TASK_BACKEND must be db or rq")
# A batch import's worker renews its lease this often over its length; an import past its lease
# lost its worker and is run again from scratch, at most this many runs in all
# (yibao/enrollment/batch_lease.py).
YIBAO_BATCH_LEASE_SECONDS = env_int("YIBAO_BATCH_LEASE_SECONDS", 120)
YIBAO_BATCH_IMPORT_ATTEMPTS = env_int("YIBAO_BATCH_IMPORT_ATTEMPTS", 2)
# Exports (职工花名册, 异地就医备案信息, 缴费明细) are built by the task worker under the same kind of
# lease (yibao/exports/lease.py); their files stay in private storage this many hours.
YIBAO_EXPORT_LEASE_SECONDS = env_int("YIBAO_EXPORT_LEASE_SECONDS", 120)
YIBAO_EXPORT_ATTEMPTS = env_int("YIBAO_EXPORT_ATTEMPTS", 2)
YIBAO_EXPORT_KEEP_HOURS = env_int("YIBAO_EXPORT_KEEP_HOURS", 24)
# A job still queued this long is enqueued again by exports_recover (its enqueue may have been
# lost); an operator may have at most this many exports pending in a unit.
YIBAO_EXPORT_QUEUED_LEASE_SECONDS = env_int("YIBAO_EXPORT_QUEUED_LEASE_SECONDS", 900)
YIBAO_EXPORT_PENDING_MAX = env_int("YIBAO_EXPORT_PENDING_MAX", 3)

# --- Identity ------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "yibao.core.validators.passwords.ProfilePasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "agency:login"  # staff (the hall's guards send units and operators to entry:login)
OTP_TOTP_ISSUER = "医保公共服务平台"

# SMS (DESIGN §6): the outbox in development, an HTTP gateway in production.
YIBAO_SMS_BACKEND = env_str("YIBAO_SMS_BACKEND", "yibao.accounts.sms.OutboxBackend")
YIBAO_SMS_GATEWAY_URL = env_str("YIBAO_SMS_GATEWAY_URL")
YIBAO_SMS_GATEWAY_TOKEN = env_str("YIBAO_SMS_GATEWAY_TOKEN")
YIBAO_SMS_DAILY_PER_PHONE = env_int("YIBAO_SMS_DAILY_PER_PHONE", 10)
YIBAO_SMS_DAILY_PER_IP = env_int("YIBAO_SMS_DAILY_PER_IP", 50)
# SMS go out through the task queue (yibao/accounts/sms_dispatch.py): a send holds its message for
# this long before recovery may take it over, and is tried at most this many times.
YIBAO_SMS_LEASE_SECONDS = env_int("YIBAO_SMS_LEASE_SECONDS", 60)
YIBAO_SMS_ATTEMPTS = env_int("YIBAO_SMS_ATTEMPTS", 5)
# Sent and failed SmsDispatch rows are deleted this many days after they finished
# (`manage.py sms_dispatch_recover`).
YIBAO_SMS_KEEP_DAYS = env_int("YIBAO_SMS_KEEP_DAYS", 30)

# Graphic captcha (图形验证码). With development affordances it also accepts the answer PASSED.
CAPTCHA_TEST_MODE = YIBAO_DEV_AFFORDANCES
CAPTCHA_LENGTH = 4
CAPTCHA_FONT_SIZE = 26
CAPTCHA_IMAGE_SIZE = (110, 38)
CAPTCHA_2X_IMAGE = False
CAPTCHA_TIMEOUT = 5
CAPTCHA_LETTER_ROTATION = (-25, 25)

# Login lockout (the numbers of attempts and minutes per account come from the policy profile).
YIBAO_LOGIN_FAILURES_PER_IP = env_int("YIBAO_LOGIN_FAILURES_PER_IP", 30)
YIBAO_LOGIN_IP_WINDOW_MINUTES = env_int("YIBAO_LOGIN_IP_WINDOW_MINUTES", 10)
# 参保证明查验: wrong 证明编号/验证码 pairs allowed per client address within the window.
YIBAO_CERT_VERIFY_FAILURES_PER_IP = env_int("YIBAO_CERT_VERIFY_FAILURES_PER_IP", 10)
YIBAO_CERT_VERIFY_WINDOW_MINUTES = env_int("YIBAO_CERT_VERIFY_WINDOW_MINUTES", 10)

# 单位 CA 登录 (yibao/pki): the roots of trust and the CRLs the hall's operator configures (a PEM
# file or a folder of them), the local certificate driver's address and the life of a challenge.
YIBAO_CA_TRUSTED_ROOTS = env_str("YIBAO_CA_TRUSTED_ROOTS", str(VAR_DIR / "ca" / "trusted"))
YIBAO_CA_CRLS = env_str("YIBAO_CA_CRLS", str(VAR_DIR / "ca" / "crl"))
# Every issuing CA needs a configured CRL (certificates of an issuer without one are refused);
# 1 accepts them unchecked, for a CA that publishes no CRL.
YIBAO_CA_CRL_OPTIONAL = env_bool("YIBAO_CA_CRL_OPTIONAL", default=False)
YIBAO_CA_AGENT_URL = env_str("YIBAO_CA_AGENT_URL", "http://127.0.0.1:18610")
YIBAO_CA_CHALLENGE_SECONDS = env_int("YIBAO_CA_CHALLENGE_SECONDS", 120)

# 统一身份认证平台登录 (yibao/entry/oidc.py): the OpenID Connect provider of the region's unified
# identity platform. The issuer is its exact issuer identifier; the hall reads its endpoints and
# keys from {issuer}/.well-known/openid-configuration. The login is offered where the profile has
# `oidc_login` and an issuer and client are configured here. The claims the hall reads are listed
# in yibao/entry/README.md.
YIBAO_OIDC_ISSUER = env_str("YIBAO_OIDC_ISSUER")
YIBAO_OIDC_CLIENT_ID = env_str("YIBAO_OIDC_CLIENT_ID")
YIBAO_OIDC_CLIENT_SECRET = env_str("YIBAO_OIDC_CLIENT_SECRET")
YIBAO_OIDC_SCOPE = env_str("YIBAO_OIDC_SCOPE", "openid profile")
YIBAO_OIDC_TIMEOUT_SECONDS = env_int("YIBAO_OIDC_TIMEOUT_SECONDS", 10)
# Clock difference tolerated between the hall and the provider when checking exp and iat.
YIBAO_OIDC_LEEWAY_SECONDS = env_int("YIBAO_OIDC_LEEWAY_SECONDS", 60)

# 访问招采系统 (yibao/procurement): where the operator is handed over, with a token signed by this
# shared key (HS256; at least 32 random bytes), living this many seconds (at most 300). Unset URL
# or key: the service explains that it is not available.
YIBAO_PROCUREMENT_URL = env_str("YIBAO_PROCUREMENT_URL")
YIBAO_PROCUREMENT_SIGNING_KEY = env_str("YIBAO_PROCUREMENT_SIGNING_KEY")
YIBAO_PROCUREMENT_TOKEN_SECONDS = env_int("YIBAO_PROCUREMENT_TOKEN_SECONDS", 120)
if YIBAO_PROCUREMENT_SIGNING_KEY and (
    len(YIBAO_PROCUREMENT_SIGNING_KEY.encode()) < 43 or len(set(YIBAO_PROCUREMENT_SIGNING_KEY)) < 16
):
    raise ImproperlyConfigured(
        "YIBAO_PROCUREMENT_SIGNING_KEY is too weak: use at least 32 random bytes, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
    )
if not 1 <= YIBAO_PROCUREMENT_TOKEN_SECONDS <= 300:
    raise ImproperlyConfigured("YIBAO_PROCUREMENT_TOKEN_SECONDS must be between 1 and 300")

# --- Language and time ---------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files and uploads --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise expects it even before collectstatic
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads live outside the web root and are served only through views that check access.
MEDIA_ROOT = Path(env_str("YIBAO_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
# Uploads nobody may fetch by URL (营业执照 …): read only through views that check access.
YIBAO_PRIVATE_MEDIA_ROOT = Path(env_str("YIBAO_PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
# 批量参保登记: the largest file and the most rows one import may hold.
YIBAO_BATCH_MAX_BYTES = env_int("YIBAO_BATCH_MAX_BYTES", 10 * 1024 * 1024)
YIBAO_BATCH_MAX_ROWS = env_int("YIBAO_BATCH_MAX_ROWS", 50_000)
# Internal API for the core system / tax bureau (/api/internal/): off while the token is unset.
YIBAO_INTERNAL_API_TOKEN = env_str("YIBAO_INTERNAL_API_TOKEN")
# At least 32 random bytes: 43 characters of secrets.token_urlsafe(32) (64 of token_hex(32)).
if YIBAO_INTERNAL_API_TOKEN and (
    len(YIBAO_INTERNAL_API_TOKEN) < 43 or len(set(YIBAO_INTERNAL_API_TOKEN)) < 16
):
    raise ImproperlyConfigured(
        "YIBAO_INTERNAL_API_TOKEN is too weak: use at least 32 random bytes, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
    )
YIBAO_INTERNAL_API_MAX_BYTES = env_int("YIBAO_INTERNAL_API_MAX_BYTES", 20 * 1024 * 1024)
# Wrong tokens allowed per address in a window before the API answers 429 to that address.
YIBAO_INTERNAL_API_FAILURES_PER_IP = env_int("YIBAO_INTERNAL_API_FAILURES_PER_IP", 10)
YIBAO_INTERNAL_API_WINDOW_MINUTES = env_int("YIBAO_INTERNAL_API_WINDOW_MINUTES", 10)
# Federation with the national platform (yibao/federation/README.md). A provincial hall names the
# national instance; both sides share the secret that signs server-to-server calls.
YIBAO_NATIONAL_URL = env_str("YIBAO_NATIONAL_URL").rstrip("/")
if YIBAO_NATIONAL_URL and not YIBAO_NATIONAL_URL.startswith(
    ("https://",) if PRODUCTION else ("http://", "https://")
):
    raise ImproperlyConfigured(
        "YIBAO_NATIONAL_URL must be an https:// address in production (http:// only in development)"
    )
YIBAO_FEDERATION_SECRET = env_str("YIBAO_FEDERATION_SECRET")
if YIBAO_FEDERATION_SECRET and (len(YIBAO_FEDERATION_SECRET) < 43 or len(set(YIBAO_FEDERATION_SECRET)) < 16):
    raise ImproperlyConfigured(
        "YIBAO_FEDERATION_SECRET is too weak: use at least 32 random bytes, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
    )
YIBAO_FEDERATION_SOURCE = env_str("YIBAO_FEDERATION_SOURCE") or YIBAO_PROFILE
YIBAO_FEDERATION_TIMEOUT_SECONDS = env_int("YIBAO_FEDERATION_TIMEOUT_SECONDS", 10)
YIBAO_FEDERATION_BATCH = env_int("YIBAO_FEDERATION_BATCH", 200)
# The national instance answers at most this many account checks a minute per provincial hall.
YIBAO_FEDERATION_VERIFY_PER_MINUTE = env_int("YIBAO_FEDERATION_VERIFY_PER_MINUTE", 600)
# 单位参保非关键信息变更 takes effect on submission (True) or waits for review (False).
YIBAO_UNIT_INFO_AUTO_APPROVE = env_bool("YIBAO_UNIT_INFO_AUTO_APPROVE", default=True)
# --- File storage: uploads and generated files (stateless web nodes) --------------------------
# "private" keeps what nobody may fetch by URL (营业执照, materials, batch files: read only through
# views that check access, yibao.core.storage.private_storage), "default" the rest. Local
# directories by default (YIBAO_PRIVATE_MEDIA_ROOT, MEDIA_ROOT): several web nodes and workers
# then need them on a shared file system. With YIBAO_S3_BUCKET set, both live in S3-compatible
# object storage instead (django-storages), under the prefixes "private/" and "media/" of the
# bucket, which must not be public: YIBAO_S3_ENDPOINT_URL (unset: AWS), YIBAO_S3_REGION,
# YIBAO_S3_ACCESS_KEY_ID / YIBAO_S3_SECRET_ACCESS_KEY (unset: boto3's own chain — AWS_* variables,
# an instance role), YIBAO_S3_ADDRESSING_STYLE (`path` for MinIO and most self-hosted stores).
YIBAO_S3_BUCKET = env_str("YIBAO_S3_BUCKET")
if YIBAO_S3_BUCKET:
    _s3 = {
        "bucket_name": YIBAO_S3_BUCKET,
        "endpoint_url": env_str("YIBAO_S3_ENDPOINT_URL") or None,
        "region_name": env_str("YIBAO_S3_REGION") or None,
        "access_key": env_str("YIBAO_S3_ACCESS_KEY_ID") or None,
        "secret_key": env_str("YIBAO_S3_SECRET_ACCESS_KEY") or None,
        "addressing_style": env_str("YIBAO_S3_ADDRESSING_STYLE") or None,
        "file_overwrite": False,  # a name taken gets a suffix, as on disk
        "querystring_auth": True,  # any URL made of a file is signed and expires
    }
    _media: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": _s3 | {"location": "media"},
    }
    _private: dict[str, object] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": _s3 | {"location": "private"},
    }
else:
    _media = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    _private = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(YIBAO_PRIVATE_MEDIA_ROOT)},
    }
STORAGES = {
    "default": _media,
    "private": _private,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

# --- Security --------------------------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Logging ---------------------------------------------------------------------------------
# JSON lines in production (YIBAO_LOG_FORMAT=json|plain), each with the request id; personal
# numbers masked (yibao/core/log_format.py).
YIBAO_LOG_FORMAT = env_str("YIBAO_LOG_FORMAT", "json" if PRODUCTION else "plain")
if YIBAO_LOG_FORMAT not in {"json", "plain"}:
    raise ImproperlyConfigured("YIBAO_LOG_FORMAT must be json or plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "yibao.core.log_format.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "yibao.core.log_format.JsonFormatter"},
        "plain": {"()": "yibao.core.log_format.PlainFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": YIBAO_LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint reports every rendering step at INFO
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},  # announces its logger bridge at INFO
    },
}

# --- Production serving (issue 19 item 1) ---------------------------------------------------------
# gunicorn with config/gunicorn.conf.py behind the TLS proxy of deploy/nginx/ (README «Production»).
# Outermost: django-prometheus's pair (requests, responses, latency by view), inside it the request
# id; innermost the 503 page of an outage (yibao/core/outage.py; handler500 in config/urls.py
# covers what a middleware raises).
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "yibao.core.request_id.RequestIdMiddleware",
    *MIDDLEWARE,
    "yibao.core.outage.OutageMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
if REDIS_URL:
    # A Redis that does not answer fails the request within seconds (503 «系统繁忙») instead of
    # holding a worker; exceptions are not ignored: sessions, lockout and rate counters fail
    # closed, and an unreadable session is an outage, not a logout (yibao/core/sessions.py).
    _redis_cache: dict[str, Any] = dict(CACHES["default"])
    _redis_cache["OPTIONS"] = {
        **_redis_cache.get("OPTIONS", {}),
        "SOCKET_CONNECT_TIMEOUT": env_int("YIBAO_REDIS_CONNECT_TIMEOUT", 2),
        "SOCKET_TIMEOUT": env_int("YIBAO_REDIS_TIMEOUT", 2),
    }
    CACHES = {**CACHES, "default": _redis_cache}
    SESSION_ENGINE = "yibao.core.sessions"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database fails the request within seconds instead of the TCP timeout;
    # CONN_HEALTH_CHECKS (above) replaces a connection the database dropped when it restarted.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("YIBAO_DB_CONNECT_TIMEOUT", 5)
    )
# /ops/metrics/ (yibao/core/monitoring.py): from these addresses or networks, or with this bearer
# token; neither set, nobody. Never the public: the proxy refuses /ops/metrics/ too.
YIBAO_METRICS_ALLOWED_ADDRESSES = env_list("YIBAO_METRICS_ALLOWED_ADDRESSES", [])
for _entry in YIBAO_METRICS_ALLOWED_ADDRESSES:
    try:
        ipaddress.ip_network(_entry, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(
            f"YIBAO_METRICS_ALLOWED_ADDRESSES: {_entry!r} is not an address or network"
        ) from _error
YIBAO_METRICS_TOKEN = env_str("YIBAO_METRICS_TOKEN")
if YIBAO_METRICS_TOKEN and (len(YIBAO_METRICS_TOKEN) < 43 or len(set(YIBAO_METRICS_TOKEN)) < 16):
    raise ImproperlyConfigured(
        "YIBAO_METRICS_TOKEN is too weak: use at least 32 random bytes, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
    )
if PRODUCTION:
    # The load balancer's probes and the scraper reach a node over plain HTTP, not through the
    # TLS proxy: no redirect to https for them (they set no cookie and carry nothing personal).
    SECURE_REDIRECT_EXEMPT = [r"^ops/"]
