"""Mobile voting rules: the deadline under each switch, applications, trips, relations."""

from __future__ import annotations

import datetime as dt

import pytest

from psephos.pollingday.rules.count import Relation
from psephos.pollingday.rules.mobile import (
    application_deadline,
    application_problems,
    mobile_relations,
    trip_problems,
)
from psephos.pollingday.rules.turnout import Problem

DAY = dt.date(2022, 11, 20)


@pytest.mark.parametrize(
    ("switch", "deadline"),
    [
        ("eve_noon", dt.datetime(2022, 11, 19, 12, 0)),
        ("days_15", dt.datetime(2022, 11, 5, 0, 0)),
        ("day_noon", dt.datetime(2022, 11, 20, 12, 0)),
    ],
)
def test_the_deadline_follows_the_switch(switch: str, deadline: dt.datetime) -> None:
    assert application_deadline(DAY, switch) == deadline


def test_an_application_after_the_deadline_names_both_times() -> None:
    problems = application_problems(
        grounds="health",
        text="",
        received_local=dt.datetime(2022, 11, 19, 12, 1),
        voting_day=DAY,
        switch="eve_noon",
    )

    assert problems == [
        Problem(
            "after_deadline", (("received", "2022-11-19 12:01"), ("deadline", "2022-11-19 12:00"))
        )
    ]
    assert (
        application_problems(
            grounds="health",
            text="",
            received_local=dt.datetime(2022, 11, 20, 11, 0),
            voting_day=DAY,
            switch="day_noon",
        )
        == []
    )


def test_unknown_grounds_and_a_long_text_are_both_named() -> None:
    problems = application_problems(
        grounds="bored",
        text="x" * 501,
        received_local=dt.datetime(2022, 11, 1),
        voting_day=DAY,
        switch="eve_noon",
    )

    assert [p.code for p in problems] == ["grounds_unknown", "text_too_long"]


def test_a_trip_needs_two_members_a_mobile_box_and_voting_day() -> None:
    problems = trip_problems(
        members=("member",),
        box_serial="S-1",
        mobile_boxes=("M-1",),
        left_local=dt.datetime(2022, 11, 20, 11, 0),
        returned_local=dt.datetime(2022, 11, 21, 1, 0),
        voting_day=DAY,
    )

    assert problems == [
        Problem("members_too_few", (("members", 1), ("min", 2))),
        Problem("box_not_mobile", (("serial", "S-1"), ("boxes", "M-1"))),
        Problem("not_voting_day", (("day", "2022-11-20"),)),
    ]
    assert trip_problems(
        members=("member", "secretary"),
        box_serial="M-9",
        mobile_boxes=None,  # no opening record: any serial
        left_local=dt.datetime(2022, 11, 20, 11, 0),
        returned_local=dt.datetime(2022, 11, 20, 10, 0),
        voting_day=DAY,
    ) == [Problem("returned_before_left", ())]


@pytest.mark.parametrize(
    ("applications", "ballots", "protocol", "relations"),
    [
        (5, 4, None, []),
        (5, 4, 4, []),
        (
            5,
            4,
            6,
            [
                Relation("M1", {"mobile": 6, "applications": 5}),
                Relation("M2", {"mobile": 6, "ballots": 4}),
            ],
        ),
        (5, 4, 5, [Relation("M2", {"mobile": 5, "ballots": 4})]),
    ],
)
def test_the_protocols_mobile_line_against_applications_and_marks(
    applications: int, ballots: int, protocol: int | None, relations: list[Relation]
) -> None:
    assert (
        mobile_relations(applications=applications, ballots=ballots, protocol_mobile=protocol)
        == relations
    )
