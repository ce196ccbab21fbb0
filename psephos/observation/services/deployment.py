"""Deployment: teams and assignments of observers to stations or TECs, changeable mid-day."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.errors import ValidationFailed
from psephos.ledger.actors import actor_or_system
from psephos.ledger.services.events import event_record

from ..access import access_coordinate
from ..enums import AssignmentKind
from ..models import Assignment, Observer, Organisation, Team
from .places import place_station, place_tec

if TYPE_CHECKING:
    from psephos.elections.models import Election
    from psephos.territory.models import AdministrativeUnit


def team_create(
    *,
    organisation: Organisation,
    name: str,
    region: AdministrativeUnit,
    observers: list[Observer],
    actor: Any = None,
) -> Team:
    """Create a team in an area of responsibility (a region) with its observers."""
    foreign = [o.code for o in observers if o.organisation_id != organisation.pk]
    if foreign:
        raise ValidationFailed(
            _("Observers of another organisation cannot join this team."),
            data={"errors": [{"where": "observers", "message": ", ".join(foreign)}]},
        )
    with transaction.atomic():
        team = Team.objects.create(organisation=organisation, name=name, region=region)
        team.observers.set(observers)
        event_record(
            actor=actor_or_system(actor, system="psephos", organisation=organisation.key),
            role="observation",
            action="observation.team.create",
            object_key=f"observation/{organisation.key}/team/{team.pk}",
            payload={"region": region.code, "observers": sorted(o.code for o in observers)},
        )
    return team


def assignment_set(
    *,
    observer: Observer,
    election: Election,
    kind: str = AssignmentKind.FIXED,
    station_code: str = "",
    tec_code: str = "",
    at: dt.datetime | None = None,
    actor: Any = None,
) -> Assignment:
    """Post an observer to a station or TEC from ``at``; the open posting ends at that moment.

    ``actor`` is the person posting (``None``: psephos itself): a coordinator or admin
    of the observer's organisation, else ``PermissionDenied``.
    """
    if actor is not None:
        access_coordinate(user=actor, organisation=observer.organisation)
    when = at or clock.now()
    station = tec = None
    if station_code:
        station = place_station(election=election, code=station_code)
    elif tec_code:
        tec = place_tec(election=election, code=tec_code)
    elif kind != AssignmentKind.ROVING:
        raise ValidationFailed(
            _("A fixed assignment needs a station or a TEC."),
            data={"errors": [{"where": "station", "message": "required"}]},
        )
    with transaction.atomic():
        Assignment.objects.select_for_update().filter(
            observer=observer, election=election, ends_at=None
        ).update(ends_at=when)
        assignment = Assignment.objects.create(
            election=election,
            observer=observer,
            kind=kind,
            station=station,
            tec=tec,
            starts_at=when,
        )
        event_record(
            actor=actor_or_system(actor, system="psephos", organisation=observer.organisation.key),
            role="observation",
            action="observation.assignment.set",
            object_key=f"observation/{observer.organisation.key}/observer/{observer.code}/assignment",
            payload={"kind": kind, "station": station_code, "tec": tec_code},
        )
    return assignment
