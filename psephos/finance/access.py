"""Who may act for a fund: the candidate's finance officer, for that fund alone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from psephos.candidates.selectors import is_proxy
from psephos.core.errors import PermissionDenied

if TYPE_CHECKING:
    from psephos.accounts.models import User

    from .models import Fund


def is_fund_officer(user: User, fund: Fund) -> bool:
    """Return whether ``user`` is logged in as the finance officer of the fund's nominee."""
    return bool(
        user.is_authenticated
        and user.is_active
        and is_proxy(nomination=fund.nomination, user_id=user.pk, finance_officer=True)
    )


def access_fund_officer(user: User, fund: Fund) -> None:
    """Allow the finance officer of the fund's nominee (a proxy appointed as such).

    Anyone else, an operator too, gets ``PermissionDenied`` naming the rule: the fund's
    public page is open to all, so the refusal hides nothing.
    """
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Log in first."), data={"rule": "officer_login"})
    if not is_proxy(nomination=fund.nomination, user_id=user.pk, finance_officer=True):
        raise PermissionDenied(
            _("Only the candidate's finance officer acts for fund “%(fund)s”.")
            % {"fund": fund.key},
            data={"rule": "fund_officer", "fund": fund.key},
        )
