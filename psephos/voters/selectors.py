"""Read access to the register, lists and marks."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from psephos.elections.models import Election
from psephos.territory.models import PollingStation

from .enums import EntrySource
from .errors import IinInvalid, VoterNotFound
from .iin_hash import iin_hash
from .models import ListEntry, Mark, Voter
from .rules.iin import iin_problem
from .rules.records import mask_name


@dataclass(frozen=True, slots=True)
class SelfCheck:
    """What the public self-check may show: the station and a masked name, nothing else."""

    masked_name: str
    station_code: str
    station_name: str
    station_address: str


@dataclass(frozen=True, slots=True)
class StationCounts:
    """A station's list figures for the results protocol (``results.rules.lines``)."""

    voters_on_list: int  # every active entry, additions included
    additions: int  # election-day additions on the list
    certificate_arrivals: int  # voters added on presenting a certificate
    ballots_issued: int  # marks at the station = signatures in the list
    voted_with_certificate: int  # marks of certificate arrivals


def voter_get_by_iin(*, election: Election, iin: str) -> Voter:
    """Return the register record for an IIN; raise ``IinInvalid`` or ``VoterNotFound``."""
    problem = iin_problem(iin)
    if problem is not None:
        raise IinInvalid(_("The IIN is not valid."), data={"problem": problem.value})
    voter = Voter.objects.filter(geography_id=election.geography_id, iin_hash=iin_hash(iin)).first()
    if voter is None:
        raise VoterNotFound(_("No voter with this IIN in the register."))
    return voter


def voter_self_check(*, election: Election, iin: str) -> SelfCheck:
    """Return the station where the voter is listed for the election, with a masked name.

    Before the lists are extracted the register station is given.
    """
    voter = voter_get_by_iin(election=election, iin=iin)
    entry = (
        ListEntry.objects.select_related("station")
        .filter(election=election, voter=voter, removed_reason="")
        .first()
    )
    if entry is None and ListEntry.objects.filter(election=election).exists():
        raise VoterNotFound(_("This IIN is on no list for this election."))
    station = (
        entry.station if entry is not None else PollingStation.objects.get(pk=voter.station_id)
    )
    return SelfCheck(
        masked_name=mask_name(voter.surname, voter.given_name),
        station_code=station.code,
        station_name=station.name,
        station_address=station.address,
    )


def entry_list_for_station(*, election: Election, station: PollingStation) -> QuerySet[ListEntry]:
    """Return the station's active list for the election, by name (PEC and CEC only)."""
    return (
        ListEntry.objects.filter(election=election, station=station, removed_reason="")
        .select_related("voter")
        .order_by("voter__surname", "voter__given_name", "voter__patronymic", "pk")
    )


def station_counts(*, election: Election, station: PollingStation) -> StationCounts:
    """Return the list and mark counts of one station for the protocol."""
    entries = ListEntry.objects.filter(
        election=election, station=station, removed_reason=""
    ).aggregate(
        total=Count("pk"),
        additions=Count("pk", filter=Q(source=EntrySource.ELECTION_DAY)),
        arrivals=Count("pk", filter=Q(source=EntrySource.AVC_ARRIVAL)),
    )
    marks = Mark.objects.filter(election=election, station=station).aggregate(
        total=Count("pk"),
        certificate=Count("pk", filter=Q(entry__source=EntrySource.AVC_ARRIVAL)),
    )
    return StationCounts(
        voters_on_list=entries["total"],
        additions=entries["additions"],
        certificate_arrivals=entries["arrivals"],
        ballots_issued=marks["total"],
        voted_with_certificate=marks["certificate"],
    )


def station_counts_for_election(*, election: Election) -> dict[int, StationCounts]:
    """Return ``station_counts`` for every station with a list, keyed by station id."""
    entries = (
        ListEntry.objects.filter(election=election, removed_reason="")
        .values("station_id")
        .annotate(
            total=Count("pk"),
            additions=Count("pk", filter=Q(source=EntrySource.ELECTION_DAY)),
            arrivals=Count("pk", filter=Q(source=EntrySource.AVC_ARRIVAL)),
        )
    )
    marks = {
        row["station_id"]: row
        for row in Mark.objects.filter(election=election)
        .values("station_id")
        .annotate(
            total=Count("pk"),
            certificate=Count("pk", filter=Q(entry__source=EntrySource.AVC_ARRIVAL)),
        )
    }
    out: dict[int, StationCounts] = {}
    for row in entries:
        m = marks.get(row["station_id"], {"total": 0, "certificate": 0})
        out[row["station_id"]] = StationCounts(
            voters_on_list=row["total"],
            additions=row["additions"],
            certificate_arrivals=row["arrivals"],
            ballots_issued=m["total"],
            voted_with_certificate=m["certificate"],
        )
    return out


def list_rows_for_station(
    *, election: Election, station: PollingStation
) -> list[dict[str, object]]:
    """Return the station's active list as rows with names and whether each voter is marked."""
    marked = set(
        Mark.objects.filter(election=election, station=station).values_list("voter_id", flat=True)
    )
    return [
        {
            "entry": e.pk,
            "surname": e.voter.surname,
            "given_name": e.voter.given_name,
            "patronymic": e.voter.patronymic,
            "birth_date": e.voter.birth_date,
            "source": e.source,
            "marked": e.voter_id in marked,
        }
        for e in entry_list_for_station(election=election, station=station)
    ]
