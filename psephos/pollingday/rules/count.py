"""The guided count: the legal order of its steps and the relations between their figures.

Pure Python (kazakhstan-rules.md §6.3). Relations are named like the protocol's control
relations (``results.rules.reconciliation``): C1 ballots found above the signatures,
C2 a count longer than 12 hours, C3 a protocol line that differs from its step, C4
ballots issued that differ from the marks, C5 the boxes' figures against the count
before sorting, C6 the piles against the ballots found.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

STEPS = (
    "voters_announced",
    "ballots_issued",
    "unused_cancelled",
    "mobile_opened",
    "stationary_opened",
    "ballots_counted",
    "piles_counted",
)
COUNT_LIMIT = dt.timedelta(hours=12)
INVALID = "invalid"


def step_next(done: list[str]) -> str | None:
    """Return the first step not yet done (``None`` once the count is complete)."""
    return next((s for s in STEPS if s not in done), None)


@dataclass(frozen=True, slots=True)
class Relation:
    """One broken relation of the count: its id and the numbers involved."""

    relation: str
    numbers: dict[str, int]
    subject: str = ""  # the protocol line of a C3


def count_lines(figures: dict[str, int], piles: dict[str, int]) -> dict[str, int]:
    """Return the protocol lines that follow from the steps done so far."""
    lines: dict[str, int] = {}
    for line, step in (
        ("voters_on_list", "voters_announced"),
        ("ballots_issued", "ballots_issued"),
        ("ballots_cancelled", "unused_cancelled"),
        ("ballots_found", "ballots_counted"),
    ):
        if step in figures:
            lines[line] = figures[step]
    if piles:
        lines["ballots_invalid"] = piles.get(INVALID, 0)
        lines["ballots_valid"] = sum(v for k, v in piles.items() if k != INVALID)
    return lines


def count_relations(
    *,
    figures: dict[str, int],
    piles: dict[str, int],
    started: dt.datetime | None,
    last: dt.datetime | None,
    marks: int | None,
    protocol: dict[str, int] | None,
) -> list[Relation]:
    """Return every relation the count breaks so far, in relation order."""
    out: list[Relation] = []
    issued = figures.get("ballots_issued")
    boxes = [figures[s] for s in ("mobile_opened", "stationary_opened") if s in figures]
    found = figures.get("ballots_counted", sum(boxes) if boxes else None)
    if issued is not None and found is not None and found > issued:
        out.append(Relation("C1", {"ballots_found": found, "ballots_issued": issued}))
    if started is not None and last is not None and last - started > COUNT_LIMIT:
        minutes = int((last - started).total_seconds() // 60)
        out.append(Relation("C2", {"minutes": minutes, "limit_minutes": 12 * 60}))
    if protocol:
        lines = count_lines(figures, piles)
        for line, value in lines.items():
            if line in protocol and protocol[line] != value:
                out.append(Relation("C3", {"protocol": protocol[line], "step": value}, line))
    if marks is not None and issued is not None and issued != marks:
        out.append(Relation("C4", {"ballots_issued": issued, "marks": marks}))
    if (
        len(boxes) == 2
        and "ballots_counted" in figures
        and sum(boxes) != figures["ballots_counted"]
    ):
        out.append(
            Relation(
                "C5",
                {
                    "mobile": figures["mobile_opened"],
                    "stationary": figures["stationary_opened"],
                    "ballots_found": figures["ballots_counted"],
                },
            )
        )
    if piles and "ballots_counted" in figures and sum(piles.values()) != figures["ballots_counted"]:
        out.append(
            Relation(
                "C6", {"piles": sum(piles.values()), "ballots_found": figures["ballots_counted"]}
            )
        )
    return out
