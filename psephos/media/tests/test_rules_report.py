"""The coverage report over grouped rows, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from psephos.media.rules.coding import volume_unit
from psephos.media.rules.report import (
    ALL_OUTLETS,
    PERIOD,
    CoverageRow,
    ReportSetup,
    all_outlets_in,
    coverage_report,
    coverage_test,
    week_of,
)

D = dt.date
SETUP = ReportSetup(
    starts_on=D(2022, 10, 21),
    subjects=("abden", "tokayev", "incumbent_institutional", "government"),
    candidates=("abden", "tokayev"),
    incumbent="tokayev",
)


def row(
    outlet: str,
    subject: str,
    volume: int,
    *,
    programme: str = "news",
    tone: int = 0,
    day: D = D(2022, 10, 21),
    items: int = 1,
    women: int = 0,
    men: int = 0,
) -> CoverageRow:
    return CoverageRow(outlet, subject, programme, tone, day, volume, items, women, men)


@pytest.mark.parametrize(
    ("day", "week"),
    [
        (D(2022, 10, 21), "2022-10-21"),
        (D(2022, 10, 27), "2022-10-21"),
        (D(2022, 10, 28), "2022-10-28"),
    ],
)
def test_weeks_count_from_the_plan_start(day: D, week: str) -> None:
    assert week_of(day, D(2022, 10, 21)) == week


def test_shares_per_outlet_and_for_all_outlets() -> None:
    rows = [
        row("khabar", "abden", 90, tone=1),
        row("khabar", "tokayev", 90, tone=1),
        row("khabar", "incumbent_institutional", 210, women=1, men=4),
        row("khabar", "government", 610, tone=-1),
        row("khabar", "tokayev", 500, programme="paid", tone=1, items=2),
        row("ktk", "abden", 100, day=D(2022, 10, 29), women=1, men=1),
    ]
    report = coverage_report(rows, SETUP)
    assert [(c.outlet, c.scope) for c in report] == [
        ("khabar", PERIOD),
        ("khabar", "2022-10-21"),
        ("ktk", PERIOD),
        ("ktk", "2022-10-28"),
        (ALL_OUTLETS, PERIOD),
        (ALL_OUTLETS, "2022-10-21"),
        (ALL_OUTLETS, "2022-10-28"),
    ]
    khabar = report[0]
    assert (khabar.news_volume, khabar.all_volume) == (1000, 1500)
    assert [(s.subject, s.news_share, s.all_share) for s in khabar.subjects] == [
        ("abden", 0.09, 0.06),
        ("tokayev", 0.09, 0.3933),
        ("incumbent_institutional", 0.21, 0.14),
        ("government", 0.61, 0.4067),
    ]
    tokayev = khabar.subjects[1]
    assert (tokayev.tone_volume, tokayev.tone_items, tokayev.paid_items) == (
        (0, 0, 590),
        (0, 0, 3),
        2,
    )
    assert khabar.subjects[3].tone_volume == (610, 0, 0)
    assert (khabar.incumbent_institutional, khabar.incumbent_candidate) == (210, 590)
    assert (khabar.women, khabar.men, khabar.women_share) == (1, 4, 0.2)
    assert (khabar.paid_volume, khabar.voter_information_volume) == (500, 0)
    assert khabar.equal is not None
    assert (
        khabar.equal.expected,
        khabar.equal.actual,
        khabar.equal.deviation,
        khabar.equal.passed,
    ) == ({"abden": 0.5, "tokayev": 0.5}, {"abden": 0.5, "tokayev": 0.5}, 0.0, True)
    everything = report[4]
    assert (everything.news_volume, everything.women_share) == (1100, 0.2857)
    assert everything.equal is not None
    # abden 90 + 100 s, tokayev 90 s of the candidates' 280 s of news.
    assert everything.equal.actual == {"abden": 0.6786, "tokayev": 0.3214}
    assert (everything.equal.deviation, everything.equal.passed) == (0.1786, False)
    assert report[3].equal is not None and report[3].equal.actual == {"abden": 1.0, "tokayev": 0.0}
    assert report[3].equal.passed is False
    assert everything.equitable is None


def test_the_equitable_alternative_uses_the_stated_weights() -> None:
    setup = ReportSetup(
        starts_on=D(2022, 10, 21),
        subjects=("a", "b", "c"),
        candidates=("a", "b", "c"),
        weights={"a": 2, "b": 1, "c": 1},
        tolerance=300,
    )
    rows = [row("x", "a", 480), row("x", "b", 260), row("x", "c", 260)]
    period = coverage_report(rows, setup)[0]
    assert period.equal is not None and period.equitable is not None
    assert (period.equal.deviation, period.equal.passed) == (0.1467, False)
    assert period.equitable.expected == {"a": 0.5, "b": 0.25, "c": 0.25}
    assert (period.equitable.deviation, period.equitable.passed) == (0.02, True)


def test_no_candidates_no_test() -> None:
    assert coverage_test({"yes": 10}, {}, 500) is None
    assert coverage_test({"a": 10}, {"a": 0}, 500) is None


def test_a_referendum_counts_items_by_tone() -> None:
    setup = ReportSetup(starts_on=D(2022, 5, 23), subjects=("yes", "no"), candidates=())
    rows = [
        row("khabar", "yes", 6000, tone=0, items=60),
        row("khabar", "yes", 5000, tone=1, items=45),
    ]
    period = coverage_report(rows, setup)[0]
    assert period.subjects[0].tone_items == (0, 60, 45)
    assert (period.equal, period.women_share) == (None, None)


def test_outlets_in_different_units_are_totalled_per_unit_never_together() -> None:
    """Seconds and characters are not added: a TV and an online outlet give a total each."""
    units = {
        "khabar": volume_unit("tv"),
        "ktk": volume_unit("radio"),
        "zakon": volume_unit("online"),
    }
    setup = ReportSetup(
        starts_on=SETUP.starts_on, subjects=SETUP.subjects, candidates=SETUP.candidates, units=units
    )
    rows = [
        row("khabar", "abden", 90),
        row("ktk", "tokayev", 30),
        row("zakon", "abden", 4000),
        row("zakon", "tokayev", 12000),
    ]
    report = {(c.outlet, c.scope): c for c in coverage_report(rows, setup)}
    assert list(report) == [
        ("khabar", PERIOD),
        ("khabar", "2022-10-21"),
        ("ktk", PERIOD),
        ("ktk", "2022-10-21"),
        ("zakon", PERIOD),
        ("zakon", "2022-10-21"),
        (all_outlets_in("character"), PERIOD),
        (all_outlets_in("character"), "2022-10-21"),
        (all_outlets_in("second"), PERIOD),
        (all_outlets_in("second"), "2022-10-21"),
    ]
    broadcast = report[(all_outlets_in("second"), PERIOD)]
    assert broadcast.news_volume == 120
    assert [(s.subject, s.news_share) for s in broadcast.subjects] == [
        ("abden", 0.75),
        ("tokayev", 0.25),
    ]
    online = report[(all_outlets_in("character"), PERIOD)]
    assert (online.news_volume, online.subjects[0].news_share) == (16000, 0.25)
    # The same outlets in one unit are one total.
    same = ReportSetup(
        starts_on=SETUP.starts_on,
        subjects=SETUP.subjects,
        candidates=SETUP.candidates,
        units=dict.fromkeys(units, "second"),
    )
    totals = [c for c in coverage_report(rows, same) if c.outlet.startswith(ALL_OUTLETS)]
    assert {c.outlet for c in totals} == {ALL_OUTLETS}
    assert totals[0].news_volume == 16120
