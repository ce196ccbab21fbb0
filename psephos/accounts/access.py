"""Access helpers: who may act on which commission's objects.

Each helper raises ``PermissionDenied`` with a message that names the rule;
it never reveals personal data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from psephos.core.errors import PermissionDenied

from .enums import Role

if TYPE_CHECKING:
    from psephos.commissions.models import Commission

    from .models import User


def access_role(user: User, role: Role) -> None:
    """Allow a logged-in user of ``role`` who belongs to a commission."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Log in first."))
    if user.role != role or user.commission_id is None:
        raise PermissionDenied(
            _("This needs the role “%(role)s”.") % {"role": role.label},
            data={"required_role": role.value},
        )


def access_protocol_submit(user: User, station_commission: Commission) -> None:
    """Allow only the station's own precinct commission to submit its protocol."""
    access_role(user, Role.PEC_OPERATOR)
    if user.commission_id != station_commission.pk:
        raise PermissionDenied(
            _("A precinct commission can submit only its own station's protocol."),
            data={"commission": station_commission.code},
        )


def access_protocol_decide(user: User, station_commission: Commission) -> None:
    """Allow only the territorial commission directly above the station to accept or return."""
    access_role(user, Role.TEC_OPERATOR)
    if user.commission_id != station_commission.parent_id:
        raise PermissionDenied(
            _(
                "A territorial commission can decide only on its own precinct commissions' protocols."
            ),
            data={"commission": station_commission.code},
        )


def access_election_certify(user: User) -> None:
    """Allow only the central commission to certify."""
    access_role(user, Role.CEC_OPERATOR)
