"""Who may act on nominations: the central commission's operators of the election's map."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from psephos.accounts.access import access_role
from psephos.accounts.enums import Role
from psephos.core.errors import NotFound, PermissionDenied

from .selectors import is_proxy

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election

    from .models import Nomination


def access_nominations_manage(user: User, election: Election) -> None:
    """Allow an active CEC operator of the election's map (eligibility, signatures, decisions).

    Raises ``PermissionDenied`` naming the rule otherwise.
    """
    access_role(user, Role.CEC_OPERATOR)
    commission = user.commission
    if not user.is_active or commission is None or commission.geography_id != election.geography_id:
        raise PermissionDenied(
            _("Only the central commission of this election's map decides on its nominees."),
            data={"rule": "nominations_cec", "election": election.key},
        )


def access_rejected_lines(user: User, nomination: Nomination) -> None:
    """Allow the nominee's proxies to see the rejected lines of the nominee's sheets.

    Anyone else gets ``NotFound`` (the page's existence is the proxy's business).
    """
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied(_("Log in first."), data={"rule": "proxy_login"})
    if not is_proxy(nomination=nomination, user_id=user.pk):
        raise NotFound(
            _("No rejected lines of “%(key)s” for you: only the nominee's proxies see them.")
            % {"key": nomination.key},
            data={"rule": "proxy_only", "nominee": nomination.key},
        )
