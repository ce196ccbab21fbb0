"""A station that marks its voters in psephos reports its turnout from the marks."""

from __future__ import annotations

import datetime as dt

import pytest

from psephos.ledger.models import Event
from psephos.pollingday.errors import TurnoutRefused
from psephos.pollingday.models import TurnoutReport
from psephos.pollingday.services.turnout import turnout_report
from psephos.voters.tests.conftest import (  # noqa: F401 (fixtures)
    ELECTION_DAY_10_15_UTC,
    A,
    B,
    World,
    _iin_key,
    at,
    listed,
    mark,
    world,
)

pytestmark = pytest.mark.django_db


def test_the_report_counts_the_marks_made_by_its_time(
    listed: World,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at(monkeypatch, ELECTION_DAY_10_15_UTC - dt.timedelta(hours=1))  # 15:15 in Almaty
    mark(listed, 1, A)
    at(monkeypatch, ELECTION_DAY_10_15_UTC)  # 16:15
    mark(listed, 1, B)
    station = listed.stations[0]  # type: ignore[attr-defined]
    common = {
        "election": listed.election,
        "station": station,
        "actor": "system:tests",
        "role": "system",
    }

    report = turnout_report(
        slot=dt.time(16),
        voted=None,
        registered=None,
        at=ELECTION_DAY_10_15_UTC - dt.timedelta(minutes=10),
        **common,  # type: ignore[arg-type]
    )

    assert (report.voted, report.registered, report.source) == (1, 2, "marks")
    before = (TurnoutReport.objects.count(), Event.objects.count())
    with pytest.raises(TurnoutRefused) as refused:
        turnout_report(
            slot=dt.time(18),
            voted=5,
            registered=2,
            at=ELECTION_DAY_10_15_UTC + dt.timedelta(hours=2),
            **common,  # type: ignore[arg-type]
        )
    assert refused.value.message == (
        "The turnout report of station KZ-75-0001 at 18:00 is refused: This station marks its "
        "voters in psephos: its figures come from the marks, 2 of 2."
    )
    assert (TurnoutReport.objects.count(), Event.objects.count()) == before
