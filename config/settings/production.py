"""Settings for a production deployment: everything sensitive from the environment.

psephos runs behind a TLS-terminating reverse proxy (nginx, a load balancer) that
sets ``X-Forwarded-Proto`` and ``X-Forwarded-For``; see docs/security.md.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in production (see docs/security.md).")
    return value


DEBUG = False
SECRET_KEY = _required("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in _required("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

# TLS: the proxy terminates it and says so in X-Forwarded-Proto (it must overwrite any
# value the client sent); plain HTTP is redirected, and browsers are told to use
# HTTPS only for a year (HSTS).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = int(os.environ.get("PSEPHOS_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Preloading binds the whole domain to HTTPS in browsers for months: the operator of
# the domain opts in (PSEPHOS_HSTS_PRELOAD=1), psephos does not do it for them.
SECURE_HSTS_PRELOAD = os.environ.get("PSEPHOS_HSTS_PRELOAD", "0") == "1"
# W003 looks for Django's CsrfViewMiddleware by name; psephos installs its subclass
# PagesCsrfViewMiddleware (psephos.core.middleware), which checks every page request
# and skips only bearer-token API calls that carry no session cookie.
SILENCED_SYSTEM_CHECKS = ["security.W003"]
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS.append("security.W021")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Production always runs on the system clock, whatever the environment says.
PSEPHOS_CLOCK_START = ""

# Files (complaint evidence, observation photos, protocol photos): the file system under
# MEDIA_ROOT by default; S3-compatible object storage when PSEPHOS_S3_BUCKET is set,
# through django-storages (`pip install 'psephos[s3]'`). Credentials come from the
# standard AWS_* environment variables that boto3 reads.
if os.environ.get("PSEPHOS_S3_BUCKET", "").strip():
    STORAGES = {
        **STORAGES,  # noqa: F405
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": os.environ["PSEPHOS_S3_BUCKET"].strip(),
                "endpoint_url": os.environ.get("PSEPHOS_S3_ENDPOINT") or None,
                "default_acl": "private",
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
