"""The legal calendar against the two 2022 calendars of the reference (§12)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from psephos.elections.rules.calendar import CalendarError, add_months, election_calendar
from psephos.elections.rules.calendar_profiles import (
    ELECTION_DATES,
    PRESIDENTIAL_CALENDAR,
    PRESIDENTIAL_DISPUTES,
    REFERENDUM_CALENDAR,
    REFERENDUM_DISPUTES,
    calendar_profile_for,
    dispute_profile_for,
)

D = dt.date


def _presidential():
    dates = ELECTION_DATES["kz-2022-presidential"]
    return election_calendar(
        called=dates.called,
        voting=dates.voting,
        calendar=PRESIDENTIAL_CALENDAR,
        disputes=PRESIDENTIAL_DISPUTES,
        results_announced=dates.results_announced,
        recorded=dates.recorded,
    )


def _referendum():
    dates = ELECTION_DATES["kz-2022-referendum"]
    return election_calendar(
        called=dates.called,
        voting=dates.voting,
        calendar=REFERENDUM_CALENDAR,
        disputes=REFERENDUM_DISPUTES,
        results_announced=dates.results_announced,
        recorded=dates.recorded,
    )


# Reference §12.2, row by row: (event key, first day, last day or None).
PRESIDENTIAL_2022 = [
    ("called", D(2022, 9, 21), None),
    ("calendar_plan", D(2022, 9, 22), None),
    ("nomination", D(2022, 9, 23), D(2022, 10, 11)),
    ("registration_closes", D(2022, 10, 21), None),
    ("place_of_stay_deadline", D(2022, 10, 21), None),  # "~21 Oct", DERIVED in the reference
    ("list_display", D(2022, 11, 5), D(2022, 11, 19)),
    ("eday_registration_announced", D(2022, 11, 14), None),  # "~14 Nov"
    ("silence", D(2022, 11, 19), None),
    ("voting", D(2022, 11, 20), None),
    ("preliminary_results", D(2022, 11, 21), None),
    ("results", D(2022, 11, 22), None),
    ("finance_reports", D(2022, 11, 27), None),  # "~27 Nov", DERIVED
    ("results_challenge", D(2022, 11, 22), D(2022, 12, 2)),  # "~2 Dec", DERIVED
    # §11: registration challenges within 10 days, ruling within 10 days ([P] fn77).
    ("registration_challenges", D(2022, 10, 21), D(2022, 10, 31)),
    ("registration_rulings_due", D(2022, 11, 10), None),
    ("immediate_complaints", D(2022, 11, 15), D(2022, 11, 20)),
]


@pytest.mark.parametrize(("key", "start", "end"), PRESIDENTIAL_2022)
def test_presidential_2022_dates_match_the_reference(key, start, end):
    event = _presidential().get(key)
    assert (event.start, event.end) == (start, end)


def test_presidential_times_of_day():
    cal = _presidential()
    assert cal.get("nomination").end_time == dt.time(18, 0)  # 11 Oct 18:00
    assert cal.get("registration_closes").start_time == dt.time(18, 0)  # 21 Oct 18:00
    voting = cal.get("voting")
    assert (voting.start_time, voting.end_time) == (dt.time(7, 0), dt.time(20, 0))


def test_presidential_campaign_reading_of_until_19_november():
    """§11 quotes [P] fn77: campaign "21 Oct – 19 Nov". 19 Nov is the silence day
    (§12.2), so "until 19 November" is read as ending when the silence day begins:
    the last campaign day is 18 Nov."""
    campaign = _presidential().get("campaign")
    assert (campaign.start, campaign.start_time, campaign.end) == (
        D(2022, 10, 21),
        dt.time(18, 0),
        D(2022, 11, 18),
    )


def test_presidential_avc_window_conflict_5_november():
    """CONFLICT (§8, §12.2): [P] §VI says voters could apply for an AVC "by 5 November";
    the 15-day rule opens the window on 5 Nov and closes it at 18:00 on 19 Nov, which the
    22,578 AVCs issued by 19 Nov support. psephos follows the 15-day rule."""
    avc = _presidential().get("avc")
    assert (avc.start, avc.end, avc.end_time) == (D(2022, 11, 5), D(2022, 11, 19), dt.time(18, 0))


def test_presidential_inauguration_before_challenge_deadline_is_warned():
    """[P] §XIV: the inauguration on 26 Nov preceded the end of the challenge window."""
    cal = _presidential()
    assert cal.challengeable_until == D(2022, 12, 2)
    assert cal.warnings == (
        "inauguration on 2022-11-26 came before the results challenge window closed "
        "(until 2022-12-02)",
    )


REFERENDUM_2022 = [
    ("called", D(2022, 5, 5), None),
    ("list_extraction", D(2022, 5, 5), D(2022, 5, 15)),
    ("stations_published", D(2022, 5, 15), None),
    ("list_verification", D(2022, 5, 15), D(2022, 6, 4)),
    ("avc", D(2022, 5, 20), D(2022, 6, 4)),
    ("observer_rules", D(2022, 5, 26), None),  # "~26 May" ("10 days before")
    ("silence", D(2022, 6, 4), None),
    ("voting", D(2022, 6, 5), None),
    ("preliminary_results", D(2022, 6, 6), None),
    ("results", D(2022, 6, 7), None),
    ("gazette", D(2022, 6, 8), None),
    ("voting_day_complaints", D(2022, 6, 5), D(2022, 6, 15)),  # "~15 Jun", DERIVED
    ("immediate_complaints", D(2022, 5, 31), D(2022, 6, 5)),
]


@pytest.mark.parametrize(("key", "start", "end"), REFERENDUM_2022)
def test_referendum_2022_dates_match_the_reference(key, start, end):
    event = _referendum().get(key)
    assert (event.start, event.end) == (start, end)


def test_referendum_avc_window_opens_16_days_before():
    """[R] §VI reports AVC applications from 20 May, 16 days before voting; the 15-day
    rule of §8 would give 21 May. The referendum profile keeps the reported day."""
    assert REFERENDUM_CALENDAR.avc_opens_before_voting == 16
    with_15_day_rule = election_calendar(
        called=D(2022, 5, 5),
        voting=D(2022, 6, 5),
        calendar=replace(REFERENDUM_CALENDAR, avc_opens_before_voting=15),
        disputes=REFERENDUM_DISPUTES,
    )
    assert with_15_day_rule.get("avc").start == D(2022, 5, 21)


def test_referendum_results_window_after_the_gazette():
    """The reference's "~15 Jun" (DERIVED) is 10 days after voting day, which the
    voting-day complaint window reproduces. The window against the CRC's results
    decision of 7 Jun runs to 17 Jun; the 8 Jun gazette publication preceded both
    ([R] fn79)."""
    cal = _referendum()
    assert cal.challengeable_until == D(2022, 6, 17)
    assert cal.get("results_challenge").title == "Results may be challenged (Supreme Court)"
    assert cal.warnings == (
        "results_published on 2022-06-08 came before the results challenge window closed "
        "(until 2022-06-17)",
    )


def test_referendum_has_no_candidate_events():
    cal = _referendum()
    keys = {e.key for e in cal.events}
    assert {"nomination", "registration_closes", "registration_challenges"} & keys == set()
    assert cal.get("campaign").start == D(2022, 5, 5)
    assert cal.get("campaign").end == D(2022, 6, 3)


def test_events_are_in_date_order():
    for cal in (_presidential(), _referendum()):
        starts = [e.start for e in cal.events]
        assert starts == sorted(starts)


def test_results_default_to_statutory_day_when_not_announced():
    cal = election_calendar(
        called=D(2022, 9, 21),
        voting=D(2022, 11, 20),
        calendar=PRESIDENTIAL_CALENDAR,
        disputes=PRESIDENTIAL_DISPUTES,
    )
    assert cal.get("results").start == D(2022, 11, 22)
    assert cal.get("results").basis == "voting + 2"
    assert cal.warnings == ()


@pytest.mark.parametrize(
    ("voting", "message"),
    [
        (D(2022, 5, 5), "voting day 2022-05-05 must come after the calling date 2022-05-05"),
        (
            D(2022, 6, 4),
            "voting day 2022-06-04 is earlier than 1 month(s) after the call (2022-06-05)",
        ),
        (D(2022, 8, 6), "voting day 2022-08-06 is later than 3 months after the call (2022-08-05)"),
    ],
)
def test_referendum_voting_day_outside_the_window_is_refused(voting, message):
    with pytest.raises(CalendarError) as exc:
        election_calendar(
            called=D(2022, 5, 5),
            voting=voting,
            calendar=REFERENDUM_CALENDAR,
            disputes=REFERENDUM_DISPUTES,
        )
    assert str(exc.value) == message


def test_presidential_voting_too_soon_leaves_no_nomination():
    with pytest.raises(CalendarError) as exc:
        election_calendar(
            called=D(2022, 9, 21),
            voting=D(2022, 10, 20),
            calendar=PRESIDENTIAL_CALENDAR,
            disputes=PRESIDENTIAL_DISPUTES,
        )
    assert str(exc.value) == (
        "voting day 2022-10-20 leaves no nomination period: nomination would open "
        "2022-09-23 and close 2022-09-10"
    )


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2022, 1, 31), 1, D(2022, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 11, 30), 3, D(2024, 2, 29)),
        (D(2022, 12, 15), 1, D(2023, 1, 15)),
        (D(2022, 5, 5), 3, D(2022, 8, 5)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@settings(deadline=None)
@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 1, 1)), st.integers(0, 36))
def test_add_months_lands_in_the_right_month_never_later_day(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day


@settings(deadline=None)
@given(
    st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 1, 1)),
    st.integers(min_value=61, max_value=180),
)
def test_presidential_calendar_keeps_its_offsets_anywhere(called, gap):
    voting = called + dt.timedelta(days=gap)
    cal = election_calendar(
        called=called, voting=voting, calendar=PRESIDENTIAL_CALENDAR, disputes=PRESIDENTIAL_DISPUTES
    )
    assert (voting - cal.get("nomination").end).days == 40
    assert (voting - cal.get("registration_closes").start).days == 30
    assert (cal.challengeable_until - cal.get("results").start).days == 10
    assert cal.get("silence").start == voting - dt.timedelta(days=1)


def test_profile_lookup_errors_name_the_known_profiles():
    assert calendar_profile_for("kz-referendum-2022") is REFERENDUM_CALENDAR
    assert dispute_profile_for("kz-presidential-2022") is PRESIDENTIAL_DISPUTES
    with pytest.raises(KeyError) as exc:
        calendar_profile_for("xx")
    assert exc.value.args[0] == (
        "no calendar for rule profile 'xx'; known: kz-presidential-2022, kz-referendum-2022"
    )
