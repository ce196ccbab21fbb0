"""Deadline rules: tables, then properties across month ends, leap days and time zones."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psephos.complaints.rules.deadlines import (
    appeal_check,
    decision_deadline,
    end_of_day,
    filing_check,
    last_day,
    local_day,
    window_closes,
)
from psephos.complaints.rules.evidence import sniff_type
from psephos.elections.rules.calendar_profiles import PRESIDENTIAL_DISPUTES as P

D = dt.date
UTC = dt.UTC
ALMATY = ZoneInfo("Asia/Almaty")


@pytest.mark.parametrize(
    ("start", "days", "monday", "expected"),
    [
        (D(2022, 11, 22), 10, False, D(2022, 12, 2)),  # results challenge 2022
        (D(2022, 1, 25), 10, False, D(2022, 2, 4)),  # month end
        (D(2024, 2, 25), 5, False, D(2024, 3, 1)),  # leap year: 29 Feb counted
        (D(2023, 2, 25), 5, False, D(2023, 3, 2)),
        (D(2022, 12, 28), 5, False, D(2023, 1, 2)),  # year end
        (D(2022, 11, 2), 3, False, D(2022, 11, 5)),  # a Saturday stays without extension
        (D(2022, 11, 2), 3, True, D(2022, 11, 7)),  # … and moves to Monday with it
        (D(2022, 11, 3), 3, True, D(2022, 11, 7)),  # Sunday → Monday
    ],
)
def test_last_day(start, days, monday, expected):
    assert last_day(start, days, extend_to_monday=monday) == expected


@pytest.mark.parametrize(
    ("zone", "day", "expected"),
    [
        ("Asia/Almaty", D(2022, 12, 2), dt.datetime(2022, 12, 2, 18, 0, tzinfo=UTC)),  # UTC+6
        (
            "Asia/Almaty",
            D(2024, 12, 2),
            dt.datetime(2024, 12, 2, 19, 0, tzinfo=UTC),
        ),  # UTC+5 since 2024
        ("Asia/Atyrau", D(2022, 12, 2), dt.datetime(2022, 12, 2, 19, 0, tzinfo=UTC)),
        ("Europe/Berlin", D(2022, 3, 26), dt.datetime(2022, 3, 26, 23, 0, tzinfo=UTC)),  # +1
        ("Europe/Berlin", D(2022, 3, 27), dt.datetime(2022, 3, 27, 22, 0, tzinfo=UTC)),  # DST +2
    ],
)
def test_end_of_day_uses_the_historical_offset(zone, day, expected):
    assert end_of_day(day, ZoneInfo(zone)) == expected


def test_immediate_window_edges():
    voting = D(2022, 11, 20)
    before = decision_deadline(
        filed_at=dt.datetime(2022, 11, 14, 17, 59, tzinfo=UTC),
        voting_day=voting,
        tz=ALMATY,
        profile=P,
    )
    first = decision_deadline(
        filed_at=dt.datetime(2022, 11, 14, 18, 0, tzinfo=UTC),
        voting_day=voting,
        tz=ALMATY,
        profile=P,
    )
    after_voting = decision_deadline(
        filed_at=dt.datetime(2022, 11, 20, 18, 0, tzinfo=UTC),
        voting_day=voting,
        tz=ALMATY,
        profile=P,
    )
    assert (before.immediate, first.immediate, after_voting.immediate) == (False, True, False)
    assert first.decide_by == dt.datetime(2022, 11, 15, 18, 0, tzinfo=UTC)
    assert after_voting.decide_by == dt.datetime(2022, 11, 26, 18, 0, tzinfo=UTC)


def test_local_day_needs_an_aware_time():
    with pytest.raises(ValueError, match="aware datetime"):
        local_day(dt.datetime(2022, 1, 1), ALMATY)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        ("Протокол № 1".encode(), "text/plain"),
        (b"\x00\x01", None),
        (b"\xff\xfe\x00", None),
    ],
)
def test_sniff_type(content, kind):
    assert sniff_type(content) == kind


ZONES = st.sampled_from(
    [
        "Asia/Almaty",
        "Asia/Atyrau",
        "Asia/Qyzylorda",
        "Asia/Aqtobe",
        "UTC",
        "Europe/Berlin",
        "America/Santiago",  # DST transitions at midnight
        "Pacific/Kiritimati",  # UTC+14
        "Pacific/Pago_Pago",  # UTC-11
        "Australia/Lord_Howe",  # half-hour DST
    ]
)
INSTANTS = st.datetimes(
    min_value=dt.datetime(1995, 1, 1), max_value=dt.datetime(2040, 12, 31), timezones=st.just(UTC)
)
DATES = st.dates(min_value=D(1995, 1, 1), max_value=D(2040, 12, 31))


@settings(max_examples=300, deadline=None)
@given(DATES, st.integers(0, 40), ZONES)
def test_window_closes_at_the_first_instant_of_the_next_local_day(start, days, zone):
    tz = ZoneInfo(zone)
    closes = window_closes(start, days, tz)
    last = last_day(start, days)
    assert (last - start).days == days
    # The last instant inside the window is on the last day, locally; the close is after it.
    assert local_day(closes - dt.timedelta(microseconds=1), tz) == last
    assert local_day(closes, tz) == last + dt.timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(DATES, INSTANTS, ZONES)
def test_filing_is_in_time_exactly_up_to_the_local_last_day(subject, filed, zone):
    tz = ZoneInfo(zone)
    check = filing_check(subject_date=subject, filed_at=filed, tz=tz, profile=P)
    assert check.in_time == (local_day(filed, tz) <= subject + dt.timedelta(days=P.filing_days))
    assert (not check.in_time) or "window closed" in check.rule


@settings(max_examples=300, deadline=None)
@given(INSTANTS, DATES, ZONES)
def test_decision_deadline_is_after_filing_and_within_the_rule(filed, voting, zone):
    tz = ZoneInfo(zone)
    d = decision_deadline(filed_at=filed, voting_day=voting, tz=tz, profile=P)
    assert d.decide_by > filed
    filed_on = local_day(filed, tz)
    immediate = voting - dt.timedelta(days=5) <= filed_on <= voting
    assert d.immediate == immediate
    if immediate:
        assert d.decide_by - filed == dt.timedelta(hours=24)
    else:
        assert local_day(d.decide_by - dt.timedelta(microseconds=1), tz) == filed_on + dt.timedelta(
            days=5
        )


@settings(max_examples=200, deadline=None)
@given(INSTANTS, st.integers(0, 10 * 24 * 60), ZONES, st.booleans())
def test_appeal_window_counts_three_local_days(decided, minutes_later, zone, monday):
    tz = ZoneInfo(zone)
    profile = replace(P, extend_to_monday=monday)
    filed = decided + dt.timedelta(minutes=minutes_later)
    check = appeal_check(decided_at=decided, filed_at=filed, tz=tz, profile=profile)
    last = last_day(local_day(decided, tz), 3, extend_to_monday=monday)
    assert check.in_time == (local_day(filed, tz) <= last)
    if monday:
        assert last.weekday() < 5


@settings(deadline=None)
@given(st.integers(1996, 2096).filter(lambda y: y % 4 == 0 and (y % 100 or y % 400 == 0)))
def test_leap_day_is_a_counted_day(year):
    assert last_day(D(year, 2, 28), 1) == D(year, 2, 29)
    assert last_day(D(year, 2, 20), 10) == D(year, 3, 1)
