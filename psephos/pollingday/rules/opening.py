"""The opening of a polling station as the law orders it (kazakhstan-rules.md §6.1, §6.2).

Pure Python: what an opening record must hold, and when it is late or incomplete.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Roles that never issue ballots ([EL-old] Art. 41: the chair and the secretary).
NON_ISSUING_ROLES = frozenset({"chair", "secretary"})
SERIAL_MAX = 32
SEALS_MAX = 200


@dataclass(frozen=True, slots=True)
class MemberEntry:
    role: str
    issues_ballots: bool


@dataclass(frozen=True, slots=True)
class BoxEntry:
    kind: str
    serial: str
    seals: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OpeningEntry:
    opened_local: dt.datetime  # naive, the station's local time
    ballots_received: int
    ballots_announced: bool
    members: tuple[MemberEntry, ...]
    boxes: tuple[BoxEntry, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an entry: the field, a stable code, and its facts."""

    field: str
    code: str
    facts: tuple[tuple[str, object], ...] = ()


def opening_problems(entry: OpeningEntry, *, voting_day: dt.date) -> list[Problem]:
    """Return every problem of ``entry`` at once (an empty list when it can be recorded)."""
    problems: list[Problem] = []
    if entry.opened_local.date() != voting_day:
        problems.append(Problem("opened_at", "not_voting_day", (("day", voting_day.isoformat()),)))
    if entry.ballots_received < 0:
        problems.append(Problem("ballots_received", "negative"))
    if not entry.members:
        problems.append(Problem("members", "none_present"))
    for i, member in enumerate(entry.members):
        if member.role in NON_ISSUING_ROLES and member.issues_ballots:
            problems.append(
                Problem(f"members.{i}.issues_ballots", "may_not_issue", (("role", member.role),))
            )
    seen: set[str] = set()
    for i, box in enumerate(entry.boxes):
        serial = box.serial.strip()
        if not serial or len(serial) > SERIAL_MAX:
            problems.append(Problem(f"boxes.{i}.serial", "serial_invalid"))
        elif serial in seen:
            problems.append(Problem(f"boxes.{i}.serial", "serial_repeated", (("serial", serial),)))
        seen.add(serial)
        if len(" ".join(box.seals)) > SEALS_MAX or any(not s.strip() for s in box.seals):
            problems.append(Problem(f"boxes.{i}.seals", "seals_invalid"))
    return problems


@dataclass(frozen=True, slots=True)
class OpeningAssessment:
    late: bool
    gaps: tuple[str, ...]  # stable codes of what the record lacks

    @property
    def complete(self) -> bool:
        return not self.gaps


def opening_assess(entry: OpeningEntry, *, voting_opens: dt.time) -> OpeningAssessment:
    """Return whether the opening was late (after voting should start) and what it lacks.

    Gaps: ``no_stationary_box``, ``box_unsealed`` (a box without a seal number),
    ``ballots_not_announced`` (received ballots not counted and announced, [P] §XIII),
    ``no_issuing_member`` (nobody designated to issue ballots).
    """
    gaps: list[str] = []
    if not any(b.kind == "stationary" for b in entry.boxes):
        gaps.append("no_stationary_box")
    if any(not b.seals for b in entry.boxes):
        gaps.append("box_unsealed")
    if not entry.ballots_announced:
        gaps.append("ballots_not_announced")
    if not any(m.issues_ballots for m in entry.members):
        gaps.append("no_issuing_member")
    return OpeningAssessment(late=entry.opened_local.time() > voting_opens, gaps=tuple(gaps))
