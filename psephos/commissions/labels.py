"""A commission's name in the reader's language: the one function pages and the API use.

A commission's stored ``name`` is English only; its title is built from what has its
three languages: the unit's name for a TEC (``core.i18n.localized``: the language's
name, else English), the station's number for a PEC.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext

from psephos.core.i18n import localized

if TYPE_CHECKING:
    from psephos.commissions.models import Commission


def commission_title(commission: Commission) -> str:
    """Return a commission's name in the active language, built from its level and place.

    Reads ``commission.station`` (a PEC) or ``commission.unit`` (a TEC): callers that
    name many commissions load them with ``select_related("station", "unit")``. A
    commission with neither is named by its code.
    """
    if commission.level == "pec" and commission.station is not None:
        return gettext("Precinct election commission No. %(number)s") % {
            "number": commission.station.number
        }
    if commission.level in ("tec_region", "tec_district") and commission.unit is not None:
        return gettext("%(unit)s territorial election commission") % {
            "unit": localized(commission.unit)
        }
    if commission.level == "cec":
        return gettext("Central Election Commission")
    return commission.code
