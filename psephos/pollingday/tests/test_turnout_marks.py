"""A station that marks its voters in psephos reports its turnout from the marks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from psephos.ledger.models import Event
from psephos.pollingday.enums import CountStep
from psephos.pollingday.errors import TurnoutRefused
from psephos.pollingday.models import TurnoutReport
from psephos.pollingday.rules.turnout import age_band_births
from psephos.pollingday.selectors_count import count_get
from psephos.pollingday.services.count import count_step_record
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


def test_ballots_issued_come_from_the_marks_and_are_checked_against_them(
    listed: World,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    client: Client,
) -> None:
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    mark(listed, 1, A)
    station = listed.stations[0]  # type: ignore[attr-defined]
    common = {
        "election": listed.election,
        "station": station,
        "actor": "system:tests",
        "role": "system",
    }
    after_close = ELECTION_DAY_10_15_UTC + dt.timedelta(hours=4)  # 20:15 in Almaty
    at(monkeypatch, after_close)
    count_step_record(
        step=CountStep.VOTERS_ANNOUNCED, figure=2, piles=None, at=after_close, **common
    )  # type: ignore[arg-type]

    issued = count_step_record(
        step=CountStep.BALLOTS_ISSUED, figure=None, piles=None, at=after_close, **common
    )  # type: ignore[arg-type]

    assert issued.figure == 1
    view = count_get(election=listed.election, station=station)
    assert (view.lines["ballots_issued"], view.marks, view.relations) == (1, 1, [])
    page = client.get(f"/results/{listed.election.key}/stations/KZ-75-0001/").content.decode()  # type: ignore[attr-defined]
    assert '<p id="count-signatures" data-issued="1" data-marks="1">' in page


def test_ballots_issued_that_differ_from_the_marks_are_named(
    listed: World,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    mark(listed, 1, A)
    station = listed.stations[0]  # type: ignore[attr-defined]
    common = {
        "election": listed.election,
        "station": station,
        "actor": "system:tests",
        "role": "system",
    }
    count_step_record(
        step=CountStep.VOTERS_ANNOUNCED, figure=2, piles=None, at=ELECTION_DAY_10_15_UTC, **common
    )  # type: ignore[arg-type]
    count_step_record(
        step=CountStep.BALLOTS_ISSUED, figure=2, piles=None, at=ELECTION_DAY_10_15_UTC, **common
    )  # type: ignore[arg-type]

    relations = count_get(election=listed.election, station=station).relations

    assert relations == [
        {
            "relation": "C4",
            "message": "Ballots issued (2) differ from the marks on the list (1).",
            "numbers": {"ballots_issued": 2, "marks": 1},
            "line": "",
        }
    ]


def test_turnout_by_sex_and_age_comes_from_the_lists_and_the_marks(
    listed: World,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    client: Client,
) -> None:
    at(monkeypatch, ELECTION_DAY_10_15_UTC)
    mark(listed, 1, A)  # a man born 1992: 30 on voting day; B (born 1979) does not vote

    response = client.get(f"/api/v1/elections/{listed.election.key}/turnout/groups")  # type: ignore[attr-defined]

    assert response.json() == [
        {"sex": "M", "band": "25-34", "registered": 1, "voted": 1, "percent": "100.00"},
        {"sex": "M", "band": "35-44", "registered": 1, "voted": 0, "percent": "0.00"},
    ]
    page = client.get(f"/pollingday/{listed.election.key}/turnout/").content.decode()  # type: ignore[attr-defined]
    assert (
        '<tr data-sex="M" data-band="25-34"><td>men</td><td>25-34</td><td>1</td><td>1</td><td>100.00</td></tr>'
        in page
    )


@pytest.mark.parametrize(
    ("day", "first", "last"),
    [
        (
            dt.date(2022, 11, 20),
            ("18-24", dt.date(1997, 11, 20), dt.date(2004, 11, 20)),
            ("65+", dt.date(1, 1, 1), dt.date(1957, 11, 20)),
        ),
        (
            dt.date(2024, 2, 29),
            ("18-24", dt.date(1999, 2, 28), dt.date(2006, 2, 28)),
            ("65+", dt.date(1, 1, 1), dt.date(1959, 2, 28)),
        ),
    ],
)
def test_age_bands_by_birth_date(
    day: dt.date, first: tuple[str, dt.date, dt.date], last: tuple[str, dt.date, dt.date]
) -> None:
    bands = age_band_births(day)
    assert (bands[0], bands[-1], len(bands)) == (first, last, 6)
