"""The count's order and relations as tables, without the database."""

from __future__ import annotations

import datetime as dt

import pytest

from psephos.pollingday.rules.count import STEPS, Relation, count_lines, count_relations, step_next

T0 = dt.datetime(2022, 11, 20, 14, 0, tzinfo=dt.UTC)
FULL = {
    "voters_announced": 1000,
    "ballots_issued": 700,
    "unused_cancelled": 310,
    "mobile_opened": 20,
    "stationary_opened": 680,
    "ballots_counted": 700,
}
PILES = {"a": 400, "b": 280, "invalid": 20}


@pytest.mark.parametrize(
    ("done", "expected"),
    [([], "voters_announced"), (list(STEPS[:3]), "mobile_opened"), (list(STEPS), None)],
)
def test_step_next(done: list[str], expected: str | None) -> None:
    assert step_next(done) == expected


def test_lines_follow_from_the_steps() -> None:
    assert count_lines(FULL, PILES) == {
        "voters_on_list": 1000,
        "ballots_issued": 700,
        "ballots_cancelled": 310,
        "ballots_found": 700,
        "ballots_invalid": 20,
        "ballots_valid": 680,
    }


@pytest.mark.parametrize(
    ("changes", "piles", "hours", "marks", "protocol", "relations"),
    [
        ({}, PILES, 2, 700, {"ballots_issued": 700}, []),
        (
            {"ballots_counted": 705, "stationary_opened": 685},
            {"a": 405, "b": 280, "invalid": 20},
            2,
            None,
            None,
            [Relation("C1", {"ballots_found": 705, "ballots_issued": 700})],
        ),
        ({}, PILES, 13, None, None, [Relation("C2", {"minutes": 780, "limit_minutes": 720})]),
        (
            {},
            PILES,
            2,
            None,
            {"ballots_issued": 701, "ballots_valid": 680},
            [Relation("C3", {"protocol": 701, "step": 700}, "ballots_issued")],
        ),
        ({}, PILES, 2, 698, None, [Relation("C4", {"ballots_issued": 700, "marks": 698})]),
        (
            {"mobile_opened": 19},
            PILES,
            2,
            None,
            None,
            [Relation("C5", {"mobile": 19, "stationary": 680, "ballots_found": 700})],
        ),
        (
            {},
            {"a": 400, "b": 281, "invalid": 20},
            2,
            None,
            None,
            [Relation("C6", {"piles": 701, "ballots_found": 700})],
        ),
    ],
)
def test_relations(
    changes: dict[str, int],
    piles: dict[str, int],
    hours: int,
    marks: int | None,
    protocol: dict[str, int] | None,
    relations: list[Relation],
) -> None:
    found = count_relations(
        figures={**FULL, **changes},
        piles=piles,
        started=T0,
        last=T0 + dt.timedelta(hours=hours),
        marks=marks,
        protocol=protocol,
    )
    assert found == relations
