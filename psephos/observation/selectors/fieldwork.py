"""Fieldwork: where observers are posted, who reported, and incident cases."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from psephos.core.errors import NotFound

from ..models import (
    Assignment,
    Incident,
    Organisation,
    Submission,
)

if TYPE_CHECKING:
    from psephos.elections.models import Election


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
