"""Many stations' entered turnout at once: the checks of ``turnout_report``, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from psephos.ledger.actors import actor_system
from psephos.ledger.models import Event
from psephos.pollingday.errors import TurnoutRefused, TurnoutReported
from psephos.pollingday.models import TurnoutReport
from psephos.pollingday.services.turnout import (
    TurnoutEntered,
    turnout_report,
    turnout_report_many,
)
from psephos.territory.models import PollingStation
from tests.support.country import Country

pytestmark = pytest.mark.django_db

ALMATY = dt.timezone(dt.timedelta(hours=6))


def _at(hour: int) -> dt.datetime:
    return dt.datetime(2022, 11, 20, hour, 5, tzinfo=ALMATY)


def _state() -> tuple[int, int]:
    return TurnoutReport.objects.count(), Event.objects.count()


def test_many_reports_are_checked_like_one_and_written_with_their_events(
    country: Country,
) -> None:
    a, b = (
        PollingStation.objects.get(geography=country.election.geography, code=code)
        for code in ("KZ-01-0101", "KZ-01-0102")
    )
    system = actor_system("simulate")
    one = turnout_report(
        election=country.election,
        station=a,
        slot=dt.time(10),
        voted=100,
        registered=1000,
        at=_at(10),
        actor=system,
        role="system",
    )
    before = _state()
    # Below the station's stored report: the whole batch is refused, nothing written.
    with pytest.raises(TurnoutRefused, match="fewer than the 100"):
        turnout_report_many(
            election=country.election,
            entries=[
                TurnoutEntered(b, dt.time(10), 50, 800, _at(10)),
                TurnoutEntered(a, dt.time(12), 90, 1000, _at(12)),
            ],
            actor=system,
            role="system",
        )
    # Below an earlier entry of the same batch, above the list, out of its window.
    for entries, message in (
        (
            [
                TurnoutEntered(b, dt.time(10), 50, 800, _at(10)),
                TurnoutEntered(b, dt.time(12), 40, 800, _at(12)),
            ],
            "fewer than the 50",
        ),
        ([TurnoutEntered(b, dt.time(10), 900, 800, _at(10))], "more than the 800"),
        ([TurnoutEntered(b, dt.time(10), 50, 800, _at(16))], "accepted from"),
    ):
        with pytest.raises(TurnoutRefused, match=message):
            turnout_report_many(
                election=country.election, entries=entries, actor=system, role="system"
            )
    with pytest.raises(TurnoutReported):
        turnout_report_many(
            election=country.election,
            entries=[TurnoutEntered(a, dt.time(10), 100, 1000, _at(10))],
            actor=system,
            role="system",
        )
    assert _state() == before

    written = turnout_report_many(
        election=country.election,
        entries=[
            TurnoutEntered(b, dt.time(10), 50, 800, _at(10)),
            TurnoutEntered(a, dt.time(12), 300, 1000, _at(12)),
            TurnoutEntered(b, dt.time(12), 200, 800, _at(12)),
        ],
        actor=system,
        role="system",
    )

    assert written == 3
    assert _state() == (before[0] + 3, before[1] + 3)
    single = Event.objects.get(seq=one.event_seq)
    for report in TurnoutReport.objects.exclude(pk=one.pk):
        event = Event.objects.get(seq=report.event_seq)
        assert (event.action, event.object_key) == (
            single.action,
            f"{country.election.key}/{report.station.code}",
        )
        assert event.payload == single.payload | {
            "station": report.station.code,
            "slot": report.slot.strftime("%H:%M"),
            "voted": report.voted,
            "registered": report.registered,
        }
        assert (report.source, report.at) == (one.source, report.at)
    assert {(r.station.code, r.slot, r.voted) for r in TurnoutReport.objects.all()} == {
        ("KZ-01-0101", dt.time(10), 100),
        ("KZ-01-0102", dt.time(10), 50),
        ("KZ-01-0101", dt.time(12), 300),
        ("KZ-01-0102", dt.time(12), 200),
    }
