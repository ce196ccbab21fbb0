"""Who may act on nominations: the central commission's operators of the election's map."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from psephos.accounts.access import access_role
from psephos.accounts.enums import Role
from psephos.core.errors import PermissionDenied

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election


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
