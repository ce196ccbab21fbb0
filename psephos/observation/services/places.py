"""The places observers report from: an election's stations and territorial commissions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from psephos.commissions.selectors import tec_find
from psephos.core.errors import NotFound
from psephos.territory.selectors import station_get

from ..errors import PlaceUnknown

if TYPE_CHECKING:
    from psephos.commissions.models import Commission
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation


def place_station(*, election: Election, code: str) -> PollingStation:
    """Return the election's station by code (territory's one lookup), or ``PlaceUnknown``.

    The message is territory's; the code stays observation's own, which clients of the
    observation API and the SMS replies rely on.
    """
    try:
        return station_get(geography=election.geography, code=code)
    except NotFound as exc:
        raise PlaceUnknown(exc.message, data=exc.data) from None


def place_tec(*, election: Election, code: str) -> Commission:
    """Return the election's territorial commission by code, or ``PlaceUnknown``."""
    tec = tec_find(geography_id=election.geography_id, code=code)
    if tec is None:
        raise PlaceUnknown(
            _("No territorial commission “%(code)s” in %(election)s.")
            % {"code": code, "election": election.key},
            data={"tec": code},
        )
    return tec
