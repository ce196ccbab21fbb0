"""Checks every entry point (WSGI, ASGI, the ``psephos`` CLI) runs before it serves."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from config.settings.base import FALLBACK_SECRET_KEY


def secret_key_refuse_fallback() -> None:
    """Raise ``ImproperlyConfigured`` when DEBUG is off and SECRET_KEY is the public fallback.

    The fallback is in the source code: with it, anyone could forge session cookies
    and password-reset links. A development machine sets ``DJANGO_DEBUG=1`` (as
    ``make demo`` does); every other one sets ``DJANGO_SECRET_KEY``.
    """
    if not settings.DEBUG and settings.SECRET_KEY == FALLBACK_SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set and DEBUG is off: refusing to start with the "
            "public development key. Set DJANGO_SECRET_KEY to a long random secret "
            "(or DJANGO_DEBUG=1 on a development machine)."
        )
