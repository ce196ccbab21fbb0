"""Fieldwork: where observers are posted, who reported, and incident cases."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from psephos.core.errors import NotFound

from ..enums import IncidentStatus
from ..models import (
    Assignment,
    Incident,
    Organisation,
    Submission,
)

if TYPE_CHECKING:
    from psephos.elections.models import Election


@dataclass(frozen=True, slots=True)
class StationIncident:
    """An observer organisation's incident case at a station, without its description."""

    organisation: str
    number: int
    category: str
    occurred_at: dt.datetime
    status: str  # the IncidentStatus label


def incidents_at_station(*, election_id: int, station_id: int) -> list[StationIncident]:
    """Return the incident cases observers opened at a station, oldest first (one query).

    For the station's PEC log book: the organisation, its case number, the category,
    the time and the case's status; the description and the evidence stay with the
    organisation.
    """
    rows = (
        Incident.objects.filter(election_id=election_id, station_id=station_id)
        .order_by("occurred_at", "id")
        .values_list("organisation__name", "number", "category", "occurred_at", "status")
    )
    return [
        StationIncident(name, number, category, at, str(IncidentStatus(status).label))
        for name, number, category, at, status in rows
    ]


def coverage(*, election: Election, organisation: Organisation) -> list[dict[str, Any]]:
    """Return per region: assigned observers, those who reported, missing, late submissions."""
    assigned: dict[str, set[int]] = defaultdict(set)
    for obs_id, region in Assignment.objects.filter(
        election=election, observer__organisation=organisation
    ).values_list("observer_id", "observer__region__code"):
        assigned[region].add(obs_id)
    reported: dict[str, set[int]] = defaultdict(set)
    late: Counter[str] = Counter()
    subs = Submission.objects.filter(election=election, organisation=organisation)
    for obs_id, region, flags in subs.values_list("observer_id", "observer__region__code", "flags"):
        reported[region].add(obs_id)
        if "late" in (flags or []):
            late[region] += 1
    out = []
    for region in sorted(set(assigned) | set(reported)):
        a = assigned.get(region, set())
        r = reported.get(region, set())
        out.append(
            {
                "region": region,
                "assigned": len(a),
                "reported": len(a & r),
                "missing": len(a - r),
                "late": late.get(region, 0),
            }
        )
    return out


def station_ids_observed(*, election: Election) -> set[int]:
    """Return the ids of stations with an observer assignment in this election."""
    return set(
        Assignment.objects.filter(election=election, station__isnull=False).values_list(
            "station_id", flat=True
        )
    )


def incident_get(*, organisation_key: str, number: int) -> Incident:
    """Return an organisation's incident by number, or ``NotFound``."""
    inc = (
        Incident.objects.select_related("organisation", "election", "station")
        .filter(organisation__key=organisation_key, number=number)
        .first()
    )
    if inc is None:
        raise NotFound(_("No such incident."), data={"incident": number})
    return inc
