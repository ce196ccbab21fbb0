"""When a commission session is properly announced and attended (issue 17; ODIHR [P] Rec 12).

Pure rule, no Django. A session's agenda is public at least ``notice_hours`` before it
starts (a rule-profile switch); those present are members of the commission on the
session's date, each once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from enum import StrEnum


class AttendanceProblem(StrEnum):
    NOT_A_MEMBER = "not_a_member"  # not a member of the commission on the session's date
    TWICE = "twice"  # the same member listed more than once
    NOBODY = "nobody"


def notice_hours_given(announced_at: dt.datetime, starts_at: dt.datetime) -> float:
    """Return the hours between the announcement and the start (negative if after it)."""
    return (starts_at - announced_at).total_seconds() / 3600


def notice_short(announced_at: dt.datetime, starts_at: dt.datetime, notice_hours: int) -> bool:
    """Return whether an agenda announced at ``announced_at`` comes too late."""
    return starts_at - announced_at < dt.timedelta(hours=notice_hours)


def attendance_problems(
    present: Sequence[int], members: Collection[int]
) -> dict[AttendanceProblem, list[int]]:
    """Return, per problem, the member ids of ``present`` that break it; empty when valid.

    ``members`` are the ids of the commission's members on the session's date.
    """
    if not present:
        return {AttendanceProblem.NOBODY: []}
    problems: dict[AttendanceProblem, list[int]] = {}
    seen: set[int] = set()
    for member in present:
        if member not in members:
            problems.setdefault(AttendanceProblem.NOT_A_MEMBER, []).append(member)
        elif member in seen:
            problems.setdefault(AttendanceProblem.TWICE, []).append(member)
        seen.add(member)
    return problems
