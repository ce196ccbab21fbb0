"""Access helpers for the register: who may read full records and act on lists.

Only the PEC of the station and the CEC see names; the public self-check is
rate-limited per client address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from psephos.accounts.enums import Role
from psephos.core.errors import PermissionDenied

from .errors import RateLimited

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.territory.models import PollingStation

SELF_CHECK_PER_MINUTE_DEFAULT = 10


def _logged_in(user: User) -> None:
    if not user.is_authenticated:
        raise PermissionDenied(_("Log in first."))


def access_station_act(user: User, station: PollingStation) -> None:
    """Allow only the station's own precinct commission to change its list or mark voters."""
    _logged_in(user)
    if user.role != Role.PEC_OPERATOR or user.commission is None:
        raise PermissionDenied(
            _("This needs the role “%(role)s”.") % {"role": Role.PEC_OPERATOR.label},
            data={"required_role": Role.PEC_OPERATOR.value},
        )
    if user.commission.station_id != station.pk:
        raise PermissionDenied(
            _("A precinct commission can act only on its own station's list."),
            data={"station": station.code},
        )


def access_station_read(user: User, station: PollingStation) -> None:
    """Allow the station's PEC and the CEC to read full voter records of a station."""
    _logged_in(user)
    if user.role == Role.CEC_OPERATOR and user.commission_id is not None:
        return
    access_station_act(user, station)


def access_register_manage(user: User) -> None:
    """Allow only the central commission to import extracts and extract lists."""
    _logged_in(user)
    if user.role != Role.CEC_OPERATOR or user.commission_id is None:
        raise PermissionDenied(
            _("This needs the role “%(role)s”.") % {"role": Role.CEC_OPERATOR.label},
            data={"required_role": Role.CEC_OPERATOR.value},
        )


def access_self_check(count: int) -> None:
    """Refuse a self-check that is beyond the per-minute limit of its client address.

    ``count`` is this minute's count including this check
    (``services.self_check.self_check_count``, kept in the database so that the limit
    holds across every server process).
    """
    limit = getattr(settings, "VOTERS_SELF_CHECK_PER_MINUTE", SELF_CHECK_PER_MINUTE_DEFAULT)
    if count > limit:
        raise RateLimited(
            _("Too many checks from this address; try again in a minute."),
            data={"limit_per_minute": limit},
        )


def access_additions_review(user: User, tec_id: int) -> None:
    """Allow the TEC itself and the CEC to review a TEC's election-day additions."""
    _logged_in(user)
    if user.role == Role.CEC_OPERATOR and user.commission_id is not None:
        return
    if user.role != Role.TEC_OPERATOR or user.commission_id != tec_id:
        raise PermissionDenied(
            _("Only the territorial commission itself or the CEC reviews its additions."),
            data={"required_role": Role.TEC_OPERATOR.value},
        )
