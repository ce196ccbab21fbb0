"""Turnout through the day, summed per station, district, region and nation."""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from psephos.elections.selectors import election_profile
from psephos.ledger.selectors import ledger_head_hash
from psephos.territory.selectors import stations_regular_rows
from psephos.voters.selectors import list_and_marks_by_group

from .models import TurnoutReport
from .rules.turnout import (
    DayProfile,
    age_band_births,
    day_profile_for,
    percent,
    report_times_parse,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from psephos.elections.models import Election
    from psephos.territory.models import AdministrativeUnit, PollingStation


@dataclass(frozen=True, slots=True)
class Point:
    slot: dt.time
    voted: int
    registered: int
    percent: Decimal
    stations: int  # stations that reported at this time


@dataclass(slots=True)
class Curve:
    code: str
    name: str
    points: list[Point] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class TurnoutView:
    times: tuple[dt.time, ...]
    stations: int
    national: Curve
    regions: list[Curve]
    districts: list[Curve]
    # Stations without a report at the latest time whose window has closed where they are.
    late: list[tuple[str, dt.time]]


def _name(unit: AdministrativeUnit) -> str:
    language = (get_language() or "en")[:2]
    return str(getattr(unit, f"name_{language}", "") or unit.name_en)


def election_day_profile(*, election: Election) -> DayProfile:
    """Return the election's day profile with the reporting times of its rule profile.

    The times are the profile switch ``turnout_report_times`` (with the election's
    overrides); a switch that does not parse leaves the day profile's own times.
    """
    times = report_times_parse(
        getattr(election_profile(election=election), "turnout_report_times", None)
    )
    return day_profile_for(election.profile_key, report_times=times)


def turnout_for_election(*, election: Election, now: dt.datetime) -> TurnoutView:
    """Return the election's turnout curves and its late stations as of ``now`` (5 queries).

    A point sums the stations that reported at that time (voters who received a ballot
    over the voters on their lists), as the CEC's intraday releases do. The database sums
    per district and time; no station row is built (10,101 stations: issue 21's burst).
    """
    from django.db.models import Count, Sum

    from psephos.territory.enums import StationKind

    profile = election_day_profile(election=election)
    stations, units = stations_regular_rows(geography_id=election.geography_id)
    region_of = {pk: (u.parent if u.parent is not None else u) for pk, u in units.items()}
    sums: dict[tuple[str, str, dt.time], list[int]] = defaultdict(lambda: [0, 0, 0])
    rows = (
        TurnoutReport.objects.filter(
            election=election,
            station__geography_id=election.geography_id,
            station__kind=StationKind.REGULAR,
        )
        .order_by()
        .values_list("station__unit_id", "slot")
        .annotate(Sum("voted"), Sum("registered"), Count("id"))
    )
    for unit_id, slot, voted, registered, count in rows:
        for level, code in (
            ("nation", ""),
            ("region", region_of[unit_id].code),
            ("district", units[unit_id].code),
        ):
            total = sums[(level, code, slot)]
            total[0] += voted
            total[1] += registered
            total[2] += count

    def curve(level: str, code: str, name: str) -> Curve:
        points = []
        for slot in profile.report_times:
            voted, registered, count = sums.get((level, code, slot), (0, 0, 0))
            if count:
                points.append(Point(slot, voted, registered, percent(voted, registered), count))
        return Curve(code, name, points)

    regions = {u.code: u for u in region_of.values()}
    districts = {u.code: u for u in units.values() if u.code not in regions}
    closed_in: dict[str, dt.time | None] = {}
    for unit in units.values():
        zone = unit.timezone or "Asia/Almaty"
        if zone not in closed_in:
            local = now.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
            closed = [
                t
                for t in profile.report_times
                if dt.datetime.combine(election.date, t) + profile.report_window <= local
            ]
            closed_in[zone] = closed[-1] if closed else None
    last_of = {pk: closed_in[u.timezone or "Asia/Almaty"] for pk, u in units.items()}
    slots = {t for t in last_of.values() if t is not None}
    reported = set(
        TurnoutReport.objects.filter(election=election, slot__in=slots).values_list(
            "station_id", "slot"
        )
        if slots
        else ()
    )
    late = [
        (code, last)
        for pk, code, unit_id in stations
        if (last := last_of[unit_id]) is not None and (pk, last) not in reported
    ]
    return TurnoutView(
        times=profile.report_times,
        stations=len(stations),
        national=curve("nation", "", ""),
        regions=[curve("region", c, _name(u)) for c, u in sorted(regions.items())],
        districts=[curve("district", c, _name(u)) for c, u in sorted(districts.items())],
        late=late,
    )


TURNOUT_CACHE_SECONDS = 600


def _cached[T](name: str, election: Election, now: dt.datetime, build: Callable[[], T]) -> T:
    """Return ``build()`` from the cache while nothing changed, or changed a moment ago.

    Keyed per election, language (the units' names), minute (a reporting window closes
    on the minute) and freshness: the window of ``POLLINGDAY_TURNOUT_STALE_SECONDS``
    (2 s) of wall-clock time it was built in, so that a burst of reports at the reporting
    hour costs one rebuild per window, not one per report, and no read of the ledger
    head; with 0, the ledger head (every report and mark seal appends an event).
    """
    language = (get_language() or "en")[:2]
    stale = float(settings.POLLINGDAY_TURNOUT_STALE_SECONDS)
    fresh = f"w{int(time.time() // stale)}" if stale > 0 else ledger_head_hash()
    key = f"pollingday:{name}:{election.pk}:{language}:{fresh}:{now:%Y%m%d%H%M}"
    value: T | None = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, 60 if stale > 0 else TURNOUT_CACHE_SECONDS)
    return value


def turnout_for_election_cached(*, election: Election, now: dt.datetime) -> TurnoutView:
    """Return ``turnout_for_election`` from the cache while nothing changed (``_cached``)."""
    return _cached(
        "turnout", election, now, lambda: turnout_for_election(election=election, now=now)
    )


def turnout_by_group_cached(*, election: Election, now: dt.datetime) -> list[Group]:
    """Return ``turnout_by_group`` from the cache while nothing changed (``_cached``)."""
    return _cached("groups", election, now, lambda: turnout_by_group(election=election))


def turnout_station_points(*, election: Election, station: PollingStation) -> list[Point]:
    """Return one station's turnout at each time it reported, in order (one query)."""
    rows = (
        TurnoutReport.objects.filter(election=election, station=station)
        .order_by("slot")
        .values_list("slot", "voted", "registered")
    )
    return [
        Point(slot, voted, registered, percent(voted, registered), 1)
        for slot, voted, registered in rows
    ]


def turnout_national_points(*, election: Election) -> list[Point]:
    """Return the nation's turnout curve alone, summed by the database (one query).

    The same points as ``turnout_for_election(...).national`` (each sums the regular
    stations that reported at that time) without reading every station: the national
    results page draws it on each render after a change. The times are those reported,
    in order (the service accepts only the election's reporting times).
    """
    from django.db.models import Count, Sum

    from psephos.territory.enums import StationKind

    rows = (
        TurnoutReport.objects.filter(
            election=election,
            station__geography_id=election.geography_id,
            station__kind=StationKind.REGULAR,
        )
        .order_by()
        .values("slot")
        .annotate(voted_sum=Sum("voted"), registered_sum=Sum("registered"), n=Count("id"))
    )
    return sorted(
        (
            Point(
                r["slot"],
                r["voted_sum"],
                r["registered_sum"],
                percent(r["voted_sum"], r["registered_sum"]),
                r["n"],
            )
            for r in rows
        ),
        key=lambda p: p.slot,
    )


@dataclass(frozen=True, slots=True)
class Group:
    sex: str
    band: str
    registered: int
    voted: int
    percent: Decimal


def turnout_by_group(*, election: Election) -> list[Group]:
    """Return turnout by sex and age band (age on voting day) from the lists and the marks.

    Covers the stations that keep their lists in psephos; one query.
    """
    rows = list_and_marks_by_group(election=election, bands=age_band_births(election.date))
    return [
        Group(sex, band, total, voted, percent(voted, total)) for sex, band, total, voted in rows
    ]
