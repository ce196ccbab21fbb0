"""Read access to geographies, units and stations."""

from __future__ import annotations

from django.utils.translation import gettext as _

from psephos.core.errors import NotFound

from .models import Geography, PollingStation


def geography_get(*, key: str) -> Geography:
    """Return the geography with this key or raise ``NotFound``."""
    try:
        return Geography.objects.get(key=key)
    except Geography.DoesNotExist:
        raise NotFound(_("No map “%(key)s”.") % {"key": key}, data={"geography": key}) from None


def station_get(*, geography: Geography, code: str) -> PollingStation:
    """Return the station with this code in the geography or raise ``NotFound``.

    The canonical "station by code": every interface and service looks a station up
    here (or, for its commission, ``commissions.selectors.station_commission_get``).
    """
    try:
        return PollingStation.objects.select_related("unit").get(geography=geography, code=code)
    except PollingStation.DoesNotExist:
        raise station_not_found(code) from None


def station_not_found(code: str) -> NotFound:
    """Return the one "no such polling station" error (translated, with the code)."""
    return NotFound(_("No polling station “%(code)s”.") % {"code": code}, data={"station": code})


def unit_names_for_codes(*, geography_id: int, codes: list[str]) -> dict[str, dict[str, str]]:
    """Return code → {"en", "kk", "ru"} names of the units with these codes (one query)."""
    from .models import AdministrativeUnit

    return {
        code: {"en": en, "kk": kk, "ru": ru}
        for code, en, kk, ru in AdministrativeUnit.objects.filter(
            geography_id=geography_id, code__in=codes
        ).values_list("code", "name_en", "name_kk", "name_ru")
    }
