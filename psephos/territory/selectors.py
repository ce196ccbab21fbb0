"""Read access to geographies, units and stations."""

from __future__ import annotations

from psephos.core.errors import NotFound

from .models import Geography, PollingStation


def geography_get(*, key: str) -> Geography:
    """Return the geography with this key or raise ``NotFound``."""
    try:
        return Geography.objects.get(key=key)
    except Geography.DoesNotExist:
        raise NotFound(f"No map “{key}”.", data={"geography": key}) from None


def station_get(*, geography: Geography, code: str) -> PollingStation:
    """Return the station with this code in the geography or raise ``NotFound``."""
    try:
        return PollingStation.objects.select_related("unit").get(geography=geography, code=code)
    except PollingStation.DoesNotExist:
        raise NotFound(f"No polling station “{code}”.", data={"station": code}) from None
