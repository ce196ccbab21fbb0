"""Turnout rules as tables: the report checks, percentages, and meeting a published table."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from psephos.pollingday.rules.intraday_2022 import NATIONAL, REGION_RATES, region_shares
from psephos.pollingday.rules.turnout import (
    DayProfile,
    Problem,
    percent,
    report_problems,
    report_times_parse,
    spread,
    turnout_counts,
)
from psephos.simulate.rules.scenarios import VOTER_WEIGHTS

DAY = dt.date(2022, 11, 20)
PROFILE = DayProfile("kz-presidential-2022")


@pytest.mark.parametrize(
    ("slot", "now", "voted", "registered", "previous", "problems"),
    [
        (dt.time(10), dt.datetime(2022, 11, 20, 10, 0), 10, 100, 0, []),
        (dt.time(10), dt.datetime(2022, 11, 20, 10, 59), 10, 100, 10, []),
        (
            dt.time(10),
            dt.datetime(2022, 11, 20, 11, 0),
            10,
            100,
            0,
            [
                Problem(
                    "outside_window",
                    (
                        ("opens", "2022-11-20 10:00"),
                        ("closes", "11:00"),
                        ("now", "2022-11-20 11:00"),
                    ),
                )
            ],
        ),
        (
            dt.time(12),
            dt.datetime(2022, 11, 20, 12, 5),
            101,
            100,
            102,
            [
                Problem("above_registered", (("voted", 101), ("registered", 100))),
                Problem("below_previous", (("voted", 101), ("previous", 102))),
            ],
        ),
        (
            dt.time(11),
            dt.datetime(2022, 11, 20, 11, 5),
            1,
            100,
            0,
            [
                Problem(
                    "slot_unknown", (("slot", "11:00"), ("times", "10:00 12:00 16:00 18:00 22:00"))
                )
            ],
        ),
    ],
)
def test_report_problems(
    slot: dt.time,
    now: dt.datetime,
    voted: int,
    registered: int,
    previous: int,
    problems: list[Problem],
) -> None:
    assert (
        report_problems(
            profile=PROFILE,
            slot=slot,
            local_now=now,
            voting_day=DAY,
            voted=voted,
            registered=registered,
            previous_voted=previous,
        )
        == problems
    )


@pytest.mark.parametrize(
    ("voted", "registered", "expected"),
    [(0, 0, "0.00"), (1, 3, "33.33"), (2, 3, "66.67"), (1, 8, "12.50"), (2337, 10000, "23.37")],
)
def test_percent(voted: int, registered: int, expected: str) -> None:
    assert percent(voted, registered) == Decimal(expected)


def test_counts_meet_each_rate_and_the_national_figure_exactly() -> None:
    registered = [4000, 9000, 13000]
    counts = turnout_counts(
        registered=registered,
        rates=[Decimal("20.00"), Decimal("30.00"), Decimal("40.00")],
        national=Decimal("33.48"),
    )
    # The rates alone give 33.46 %; four voters more, each unit within 0.05 points.
    assert counts == [801, 2701, 5202]
    assert percent(sum(counts), sum(registered)) == Decimal("33.48")


def test_counts_refuse_a_national_figure_out_of_reach() -> None:
    with pytest.raises(ValueError, match=r"national 40\.00 cannot be met"):
        turnout_counts(
            registered=[1000, 1000], rates=[Decimal(20), Decimal(30)], national=Decimal("40.00")
        )


def test_spread_keeps_floors_and_lists() -> None:
    assert spread(10, [10, 5, 5], floor=[0, 0, 0]) == [5, 3, 2]
    assert spread(10, [10, 5, 5], floor=[0, 4, 4]) == [2, 4, 4]
    with pytest.raises(ValueError, match="total outside"):
        spread(21, [10, 5, 5], floor=[0, 0, 0])


def test_the_derived_region_shares_give_every_published_national_figure() -> None:
    shares = region_shares({c: float(VOTER_WEIGHTS[c]) for c in REGION_RATES})
    for k, national in enumerate(NATIONAL):
        weighted = sum(shares[c] * float(REGION_RATES[c][k]) for c in REGION_RATES)
        assert round(weighted, 6) == float(national)
    assert round(sum(shares.values()), 9) == 1.0
    assert min(shares.values()) > 0.01


@pytest.mark.parametrize(
    ("values", "times"),
    [
        (frozenset({"22:00", "10:00"}), (dt.time(10, 0), dt.time(22, 0))),
        (["09:30"], (dt.time(9, 30),)),
        ([], None),
        (["25:00"], None),
        ("10:00", None),
        (None, None),
    ],
)
def test_the_switchs_times_are_parsed_in_order_or_left_to_the_day_profile(
    values: object, times: tuple[dt.time, ...] | None
) -> None:
    assert report_times_parse(values) == times
