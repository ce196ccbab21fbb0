"""Who may act for a commission."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from psephos.core.errors import PermissionDenied

if TYPE_CHECKING:
    from psephos.accounts.models import User

    from .models import Commission


def access_commission_sessions(user: User, commission: Commission) -> None:
    """Raise ``PermissionDenied`` unless ``user`` is an operator of ``commission``."""
    if not user.is_authenticated or not user.is_active or user.commission_id != commission.pk:
        raise PermissionDenied(
            _("Only an operator of commission %(commission)s can run its sessions.")
            % {"commission": commission.code},
            data={"commission": commission.code, "rule": "commission_operator"},
        )
