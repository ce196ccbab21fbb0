"""Election day on any station page: ``{% opening_status %}``, ``{% count_status %}``, ``{% logbook_status %}``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import template

from psephos.voters.selectors import election_station_get

from ..selectors import opening_context, opening_get
from ..selectors_count import count_get
from ..selectors_logbook import logbook_get, logbook_public

if TYPE_CHECKING:
    from psephos.elections.models import Election

register = template.Library()


@register.inclusion_tag("pollingday/_opening_status.html")
def opening_status(election: Election, code: str) -> dict[str, Any]:
    """Render the opening of station ``code``: time, late, boxes and seals, what it lacks."""
    election, station = election_station_get(key=election.key, code=code)
    return opening_context(opening_get(election=election, station=station))


@register.inclusion_tag("pollingday/_count_status.html")
def count_status(election: Election, code: str) -> dict[str, Any]:
    """Render the count of station ``code``: its steps, ballots issued against the marks."""
    election, station = election_station_get(key=election.key, code=code)
    return {"count": count_get(election=election, station=station)}


@register.inclusion_tag("pollingday/_logbook.html")
def logbook_status(election: Election, code: str) -> dict[str, Any]:
    """Render the log book of station ``code`` where the profile publishes it, else nothing."""
    election, station = election_station_get(key=election.key, code=code)
    if not logbook_public(election=election):
        return {"hidden": True, "logbook": []}
    return {"logbook": logbook_get(election=election, station=station)}
