"""The opening rules as tables, without the database."""

from __future__ import annotations

import datetime as dt

import pytest

from psephos.pollingday.rules.opening import (
    BoxEntry,
    MemberEntry,
    OpeningEntry,
    Problem,
    opening_assess,
    opening_problems,
)

DAY = dt.date(2022, 11, 20)
CHAIR = MemberEntry("chair", False)
ISSUER = MemberEntry("member", True)
BOX = BoxEntry("stationary", "A-1", ("101", "102"))


def entry(**changes: object) -> OpeningEntry:
    base: dict[str, object] = {
        "opened_local": dt.datetime(2022, 11, 20, 6, 0),
        "ballots_received": 900,
        "ballots_announced": True,
        "members": (CHAIR, ISSUER),
        "boxes": (BOX,),
    }
    base.update(changes)
    return OpeningEntry(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({}, []),
        (
            {"opened_local": dt.datetime(2022, 11, 19, 6, 0)},
            [Problem("opened_at", "not_voting_day", (("day", "2022-11-20"),))],
        ),
        ({"ballots_received": -1}, [Problem("ballots_received", "negative")]),
        ({"members": ()}, [Problem("members", "none_present")]),
        (
            {"members": (ISSUER, MemberEntry("secretary", True), MemberEntry("chair", True))},
            [
                Problem("members.1.issues_ballots", "may_not_issue", (("role", "secretary"),)),
                Problem("members.2.issues_ballots", "may_not_issue", (("role", "chair"),)),
            ],
        ),
        (
            {"boxes": (BoxEntry("stationary", " ", ()),)},
            [Problem("boxes.0.serial", "serial_invalid")],
        ),
        (
            {"boxes": (BOX, BoxEntry("mobile", "A-1", ("7",)))},
            [Problem("boxes.1.serial", "serial_repeated", (("serial", "A-1"),))],
        ),
        (
            {"boxes": (BoxEntry("mobile", "M", ("1" * 201,)),)},
            [Problem("boxes.0.seals", "seals_invalid")],
        ),
    ],
)
def test_opening_problems(changes: dict[str, object], problems: list[Problem]) -> None:
    assert opening_problems(entry(**changes), voting_day=DAY) == problems


@pytest.mark.parametrize(
    ("changes", "late", "gaps"),
    [
        ({}, False, ()),
        ({"opened_local": dt.datetime(2022, 11, 20, 7, 0)}, False, ()),
        ({"opened_local": dt.datetime(2022, 11, 20, 7, 1)}, True, ()),
        ({"boxes": (BoxEntry("mobile", "M-1", ("5",)),)}, False, ("no_stationary_box",)),
        ({"boxes": (BoxEntry("stationary", "S", ()),)}, False, ("box_unsealed",)),
        ({"ballots_announced": False}, False, ("ballots_not_announced",)),
        ({"members": (CHAIR,), "boxes": ()}, False, ("no_stationary_box", "no_issuing_member")),
    ],
)
def test_opening_assess(changes: dict[str, object], late: bool, gaps: tuple[str, ...]) -> None:
    assessment = opening_assess(entry(**changes), voting_opens=dt.time(7, 0))
    assert (assessment.late, assessment.gaps, assessment.complete) == (late, gaps, not gaps)
