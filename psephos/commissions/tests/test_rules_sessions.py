"""The notice and attendance rules of commission sessions, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from psephos.commissions.rules.sessions import (
    AttendanceProblem,
    attendance_problems,
    notice_hours_given,
    notice_short,
)

START = dt.datetime(2022, 11, 1, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("hours_before", "notice", "short"),
    [(24, 24, False), (23.5, 24, True), (48, 24, False), (0, 0, False), (-1, 0, True)],
)
def test_notice(hours_before, notice, short):
    announced = START - dt.timedelta(hours=hours_before)
    assert notice_short(announced, START, notice) is short
    assert notice_hours_given(announced, START) == hours_before


@pytest.mark.parametrize(
    ("present", "problems"),
    [
        ([1, 2, 3], {}),
        ([], {AttendanceProblem.NOBODY: []}),
        ([1, 9], {AttendanceProblem.NOT_A_MEMBER: [9]}),
        ([1, 2, 1, 8], {AttendanceProblem.TWICE: [1], AttendanceProblem.NOT_A_MEMBER: [8]}),
    ],
)
def test_attendance(present, problems):
    assert attendance_problems(present, {1, 2, 3}) == problems
