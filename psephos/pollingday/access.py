"""Who may record a station's election day: its own precinct commission."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from psephos.accounts.access import access_role
from psephos.accounts.enums import Role
from psephos.core.errors import PermissionDenied

from .errors import LogbookNotPublic

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.territory.models import PollingStation


def access_station_day(user: User, station: PollingStation) -> None:
    """Allow only the station's own precinct commission to record its election day."""
    access_role(user, Role.PEC_OPERATOR)
    if user.commission is None or user.commission.station_id != station.pk:
        raise PermissionDenied(
            _("A precinct commission can record only its own station's election day."),
            data={"station": station.code},
        )


def access_logbook_read(user: User, station: PollingStation, *, public: bool) -> None:
    """Allow anyone where the profile publishes log books, else only the station's PEC."""
    if public:
        return
    commission = getattr(user, "commission", None)
    if (
        not getattr(user, "is_authenticated", False)
        or commission is None
        or (commission.station_id != station.pk)
    ):
        raise LogbookNotPublic(
            _("The log book of station %(code)s is kept to its commission in this election.")
            % {"code": station.code},
            data={"station": station.code},
        )


def access_protocol_paper(user: User, station: PollingStation, tec_id: int | None) -> None:
    """Allow the station's own PEC and the territorial commission above it (``tec_id``)."""
    commission = getattr(user, "commission", None)
    if not getattr(user, "is_authenticated", False) or commission is None:
        access_role(user, Role.PEC_OPERATOR)  # refuses: not logged in or no commission
    assert commission is not None
    if commission.station_id == station.pk and user.role == Role.PEC_OPERATOR:
        return
    if commission.pk == tec_id and user.role == Role.TEC_OPERATOR:
        return
    raise PermissionDenied(
        _(
            "Only the station's precinct commission or the territorial commission above it "
            "can print its protocol."
        ),
        data={"station": station.code},
    )
