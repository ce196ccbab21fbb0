"""``psephos elections calendar`` and the iCalendar writer."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from psephos.elections.calendar_export import calendar_as_ics
from psephos.elections.rules.calendar import CalendarEvent, ElectionCalendar
from tests.support.country import PRESIDENTIAL, REFERENDUM, country_build, election_write


@pytest.fixture
def elections(db):
    geography = country_build(regions=[], geography_key="kz-2022", geography_name="map").geography
    for key, plan, day in (
        ("kz-2022-presidential", PRESIDENTIAL, dt.date(2022, 11, 20)),
        ("kz-2022-referendum", REFERENDUM, dt.date(2022, 6, 5)),
        ("kz-2099-presidential", PRESIDENTIAL, dt.date(2099, 11, 20)),
    ):
        election_write(
            dataclasses.replace(plan, key=key, names=(f"Election {key}", "-", "-"), date=day),
            geography=geography,
        )


def run(*args: str) -> str:
    out = StringIO()
    call_command("elections", *args, stdout=out)
    return out.getvalue()


def test_json_calendar_of_the_presidential_election(elections):
    data = json.loads(run("calendar", "kz-2022-presidential", "--format", "json"))
    assert (data["called"], data["voting"], data["challengeable_until"]) == (
        "2022-09-21",
        "2022-11-20",
        "2022-12-02",
    )
    nomination = next(e for e in data["events"] if e["key"] == "nomination")
    assert nomination == {
        "key": "nomination",
        "title": "Nomination of candidates",
        "start": "2022-09-23",
        "end": "2022-10-11",
        "start_time": None,
        "end_time": "18:00",
        "basis": "call + 2 … voting − 40",
        "source": "Kazinform 22.09.2022",
    }
    assert data["warnings"] == [
        "inauguration on 2022-11-26 came before the results challenge window closed (until 2022-12-02)"
    ]


def test_ics_calendar_of_the_referendum(elections):
    text = run("calendar", "kz-2022-referendum", "--format", "ics")
    assert text.startswith(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//psephos//legal calendar//EN\r\n"
    )
    assert text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == text.count("END:VEVENT") == 16
    # Voting 07:00–20:00 in Almaty (UTC+6) in UTC; the silence day as an all-day date.
    assert (
        "UID:voting.kz-2022-referendum@psephos\r\nDTSTAMP:20220505T000000Z\r\nDTSTART:20220605T010000Z\r\nDTEND:20220605T140000Z\r\n"
        in text
    )
    assert (
        "UID:silence.kz-2022-referendum@psephos\r\nDTSTAMP:20220505T000000Z\r\nDTSTART;VALUE=DATE:20220604\r\nDTEND;VALUE=DATE:20220605\r\n"
        in text
    )
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_unknown_calling_date_needs_called(elections):
    with pytest.raises(CommandError) as exc:
        run("calendar", "kz-2099-presidential")
    assert str(exc.value) == (
        "calendar_unavailable: The calling date of election “kz-2099-presidential” is not "
        "recorded; give it with --called."
    )
    data = json.loads(run("calendar", "kz-2099-presidential", "--called", "2099-09-21"))
    assert data["challengeable_until"] == "2099-12-02"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("calendar", "nope"), "not_found: No election “nope”."),
        (
            ("calendar", "kz-2099-presidential", "--called", "21.09.2099"),
            "--called: '21.09.2099' is not a date like 2022-09-21",
        ),
        (
            ("calendar", "kz-2022-referendum", "--called", "2022-01-01"),
            "calendar_unavailable: voting day 2022-06-05 is later than 3 months after the call "
            "(2022-04-01)",
        ),
    ],
)
def test_bad_input_is_a_clear_error(elections, args, message):
    with pytest.raises(CommandError) as exc:
        run(*args)
    assert str(exc.value) == message


def test_long_lines_fold_without_splitting_a_character():
    # Folding is the icalendar library's now (it replaced a hand-written _fold); the
    # promise is the same: no line over 75 octets, no UTF-8 character cut in two.
    title = "Сайлау " * 30
    cal = ElectionCalendar(
        called=dt.date(2022, 5, 5),
        voting=dt.date(2022, 6, 5),
        timezone="Asia/Almaty",
        events=(CalendarEvent("voting", title, dt.date(2022, 6, 5)),),
        challengeable_until=dt.date(2022, 6, 17),
    )
    text = calendar_as_ics(cal, election="x", name="Референдум, 2022; ҚР")
    lines = text.split("\r\n")
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert f"SUMMARY:{title}\r\n" in unfolded
    assert "X-WR-CALNAME:Референдум\\, 2022\\; ҚР\r\n" in unfolded
