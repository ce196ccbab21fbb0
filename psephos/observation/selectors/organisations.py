"""Organisations, their regions and their admins' authenticators."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from psephos.core.errors import NotFound

from ..models import (
    Organisation,
    TotpDevice,
)


def organisation_get(*, key: str) -> Organisation:
    try:
        return Organisation.objects.get(key=key)
    except Organisation.DoesNotExist:
        raise NotFound(
            _("No observer organisation “%(key)s”.") % {"key": key}, data={"organisation": key}
        ) from None


def totp_confirmed(*, user: Any) -> bool:
    """Return whether the user has a confirmed authenticator."""
    return TotpDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def totp_pending(*, user: Any) -> bool:
    """Return whether the user has an authenticator waiting for its first code."""
    return TotpDevice.objects.filter(user_id=user.pk, confirmed=False).exists()
