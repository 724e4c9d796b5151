"""A small OpenID Connect provider for the tests: django-oauth-toolkit with OIDC on, RS256 keys
made at test start, PKCE required. It plays the region's 统一身份认证平台 and runs in a process
of its own (tests/oidc_provider/server.py) with its own SQLite database, configured by the
environment the tests give it:

PROVIDER_DATABASE   the SQLite file
PROVIDER_KEY        PEM file of the RSA key that signs ID tokens
PROVIDER_PUBLISHED  optional PEM file of the key its JWKS publishes instead (under the signing
                    key's id): the provider then signs with a key nobody can check
PROVIDER_ISSUER     optional issuer identifier other than its own address
PROVIDER_ID_TOKEN_SECONDS  optional life of an ID token (negative: issued already expired)
PROVIDER_DIRECTORY  JSON file of its people: {username: {password, uscc, org_name, subject_kind}}
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

HERE = Path(__file__).resolve().parent

SECRET_KEY = secrets.token_urlsafe(40)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.oidc_provider.urls"
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["PROVIDER_DATABASE"]}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
LANGUAGE_CODE = "zh-hans"
# The hall runs on 127.0.0.1 too: cookies are per host, not per port, so the provider's keep
# names of their own.
SESSION_COOKIE_NAME = "provider_sessionid"
CSRF_COOKIE_NAME = "provider_csrftoken"
LOGIN_URL = "/accounts/login/"
AUTHENTICATION_BACKENDS = ["tests.oidc_provider.directory.DirectoryBackend"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

OIDC_SIGNING_KEY = Path(os.environ["PROVIDER_KEY"]).read_text()
OIDC_PUBLISHED_KEY = (
    Path(os.environ["PROVIDER_PUBLISHED"]).read_text() if os.environ.get("PROVIDER_PUBLISHED") else ""
)
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": OIDC_SIGNING_KEY,
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "tests.oidc_provider.directory.LegalPersonValidator",
    "SCOPES": {"openid": "OpenID Connect", "profile": "法人基本信息"},
    "ALLOW_LOCALHOST_LOOPBACK": True,  # the live test server is http://localhost:<any port>
    "ID_TOKEN_EXPIRE_SECONDS": int(os.environ.get("PROVIDER_ID_TOKEN_SECONDS", "300")),
    **({"OIDC_ISS_ENDPOINT": os.environ["PROVIDER_ISSUER"]} if os.environ.get("PROVIDER_ISSUER") else {}),
}
