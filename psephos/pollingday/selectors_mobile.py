"""Mobile voting as the PEC and the public see it: applications, trips, ballots, relations.

The public sees counts, grounds, trips and relations, never an application's text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.utils.translation import gettext as _

from psephos.elections.selectors import election_profile
from psephos.results.selectors.protocols import protocol_get

from .models import MobileApplication, MobileBallot, MobileTrip
from .rules.count import Relation
from .rules.mobile import GROUNDS, application_deadline, mobile_relations

if TYPE_CHECKING:
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation


@dataclass(frozen=True, slots=True)
class TripView:
    number: int
    box_serial: str
    members: list[str]
    left_at: dt.datetime
    returned_at: dt.datetime
    ballots: int


@dataclass(frozen=True, slots=True)
class MobileView:
    station: str
    deadline: str  # the profile's switch
    deadline_local: dt.datetime
    applications: int
    by_grounds: dict[str, int]
    trips: list[TripView]
    ballots: int  # ballots recorded as issued outside the station
    protocol_mobile: int | None  # the protocol's mobile line, where there is a protocol
    relations: list[dict[str, Any]]


def mobile_relation_message(r: Relation) -> str:
    """Return the translated sentence of a broken mobile relation, with its numbers."""
    messages = {
        "M1": _(
            "The protocol's ballots issued outside the station (%(mobile)d) exceed the written "
            "applications (%(applications)d)."
        ),
        "M2": _(
            "The protocol's ballots issued outside the station (%(mobile)d) differ from the "
            "ballots marked as issued outside (%(ballots)d)."
        ),
    }
    return messages[r.relation] % r.numbers


def mobile_ballot_count(*, election: Election, station: PollingStation) -> int:
    """Return how many ballots the station recorded as issued outside."""
    return MobileBallot.objects.filter(
        application__election=election, application__station=station
    ).count()


def mobile_get(*, election: Election, station: PollingStation) -> MobileView:
    """Return the station's mobile voting: applications by grounds, trips, ballots, relations."""
    switch = str(election_profile(election=election).mobile_deadline)
    grounds = dict(
        MobileApplication.objects.filter(election=election, station=station)
        .values_list("grounds")
        .annotate(n=Count("pk"))
        .values_list("grounds", "n")
    )
    trips = [
        TripView(t.number, t.box_serial, list(t.members), t.left_at, t.returned_at, t.n)
        for t in MobileTrip.objects.filter(election=election, station=station).annotate(
            n=Count("ballots")
        )
    ]
    applications = sum(grounds.values())
    ballots = sum(t.ballots for t in trips)
    protocol = protocol_get(election=election, station_code=station.code)
    protocol_mobile = (
        protocol.lines.get("ballots_issued_mobile", 0) if protocol.version is not None else None
    )
    relations = mobile_relations(
        applications=applications, ballots=ballots, protocol_mobile=protocol_mobile
    )
    return MobileView(
        station=station.code,
        deadline=switch,
        deadline_local=application_deadline(election.date, switch),
        applications=applications,
        by_grounds={g: grounds.get(g, 0) for g in GROUNDS},
        trips=trips,
        ballots=ballots,
        protocol_mobile=protocol_mobile,
        relations=[
            {"relation": r.relation, "message": mobile_relation_message(r), "numbers": r.numbers}
            for r in relations
        ],
    )


@dataclass(frozen=True, slots=True)
class ApplicationView:
    number: int
    grounds: str
    text: str
    received_at: dt.datetime
    trip: int | None  # the trip its ballot was issued on, if it was


def mobile_applications(*, election: Election, station: PollingStation) -> list[ApplicationView]:
    """Return the station's applications with their text, for its PEC only (never public)."""
    trips = dict(
        MobileBallot.objects.filter(
            application__election=election, application__station=station
        ).values_list("application_id", "trip__number")
    )
    return [
        ApplicationView(a.number, a.grounds, a.text, a.received_at, trips.get(a.pk))
        for a in MobileApplication.objects.filter(election=election, station=station)
    ]
