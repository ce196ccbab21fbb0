"""Complaint deadlines in the territory's time zone (reference §11).

Pure functions. A window of N days "from" a day ends at 24:00 local time on
day + N; the functions return that instant as an aware datetime (the first
instant that is too late), so a filing at ``t`` is in time when ``t < closes``.
Wall-clock midnight is resolved with ``zoneinfo``, so daylight-saving
transitions and historical offsets come out right.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from psephos.elections.rules.calendar_profiles import DisputeProfile

DAY = dt.timedelta(days=1)


def local_day(at: dt.datetime, tz: ZoneInfo) -> dt.date:
    """Return the calendar day of the aware instant ``at`` in ``tz``."""
    if at.tzinfo is None:
        raise ValueError("an aware datetime is needed to find the local day")
    return at.astimezone(tz).date()


def last_day(start: dt.date, days: int, *, extend_to_monday: bool = False) -> dt.date:
    """Return the last day of a ``days``-day window counted from ``start``."""
    end = start + days * DAY
    if extend_to_monday:
        while end.weekday() >= 5:
            end += DAY
    return end


def end_of_day(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """Return 24:00 local time on ``day`` (the first instant of the next day) in UTC."""
    return dt.datetime.combine(day + DAY, dt.time(0), tzinfo=tz).astimezone(dt.UTC)


def window_closes(
    start: dt.date, days: int, tz: ZoneInfo, *, extend_to_monday: bool = False
) -> dt.datetime:
    """Return the instant a ``days``-day window counted from ``start`` closes."""
    return end_of_day(last_day(start, days, extend_to_monday=extend_to_monday), tz)


@dataclass(frozen=True, slots=True)
class FilingCheck:
    in_time: bool
    closes_at: dt.datetime  # UTC
    rule: str  # the rule applied, cited on the complaint when out of time


def filing_check(
    *,
    subject_date: dt.date,
    filed_at: dt.datetime,
    tz: ZoneInfo,
    profile: DisputeProfile,
    results: bool = False,
) -> FilingCheck:
    """Return whether a complaint about an act of ``subject_date`` was filed in time.

    With ``results`` the act is the announcement of the results and the
    results challenge window applies.
    """
    days = profile.results_challenge_days if results else profile.filing_days
    closes = window_closes(subject_date, days, tz, extend_to_monday=profile.extend_to_monday)
    last = last_day(subject_date, days, extend_to_monday=profile.extend_to_monday)
    what = "results are challenged" if results else "complaints are filed"
    rule = (
        f"{what.capitalize()} within {days} days of the {'announcement' if results else 'decision, action or inaction'} "
        f"(ODIHR [P] fn76, §XI; [R] §IX): for {subject_date.isoformat()} the window closed "
        f"at 24:00 on {last.isoformat()} ({tz.key})."
    )
    return FilingCheck(in_time=filed_at < closes, closes_at=closes, rule=rule)


def appeal_check(
    *, decided_at: dt.datetime, filed_at: dt.datetime, tz: ZoneInfo, profile: DisputeProfile
) -> FilingCheck:
    """Return whether an appeal against a decision taken at ``decided_at`` is in time."""
    decided_on = local_day(decided_at, tz)
    closes = window_closes(
        decided_on, profile.appeal_days, tz, extend_to_monday=profile.extend_to_monday
    )
    last = last_day(decided_on, profile.appeal_days, extend_to_monday=profile.extend_to_monday)
    rule = (
        f"Appeals are filed within {profile.appeal_days} days of the decision (ODIHR [P] fn76, "
        f"[R] fn62): for a decision of {decided_on.isoformat()} the window closed at 24:00 on "
        f"{last.isoformat()} ({tz.key})."
    )
    return FilingCheck(in_time=filed_at < closes, closes_at=closes, rule=rule)


@dataclass(frozen=True, slots=True)
class DecisionDeadline:
    decide_by: dt.datetime  # UTC
    immediate: bool
    rule: str


def decision_deadline(
    *,
    filed_at: dt.datetime,
    voting_day: dt.date,
    tz: ZoneInfo,
    profile: DisputeProfile,
    appeal: bool = False,
) -> DecisionDeadline:
    """Return when the body must decide a complaint (or an appeal) filed at ``filed_at``.

    A complaint filed in the last ``immediate_days_before_voting`` days up to
    and including voting day is considered immediately: the body has
    ``immediate_hours`` from filing. Otherwise it has ``decide_days`` (or
    ``appeal_decide_days``) calendar days counted from the local day of filing.
    """
    filed_on = local_day(filed_at, tz)
    first_immediate = voting_day - profile.immediate_days_before_voting * DAY
    if first_immediate <= filed_on <= voting_day:
        return DecisionDeadline(
            decide_by=(filed_at + dt.timedelta(hours=profile.immediate_hours)).astimezone(dt.UTC),
            immediate=True,
            rule=(
                f"Filed within {profile.immediate_days_before_voting} days before voting day: "
                f"considered immediately ([R] fn62), within {profile.immediate_hours} hours."
            ),
        )
    days = profile.appeal_decide_days if appeal else profile.decide_days
    return DecisionDeadline(
        decide_by=window_closes(filed_on, days, tz, extend_to_monday=profile.extend_to_monday),
        immediate=False,
        rule=(
            f"{'Appeals' if appeal else 'Complaints'} are decided within {days} days "
            f"([P] fn76, [R] fn62)."
        ),
    )


def is_overdue(*, decide_by: dt.datetime, now: dt.datetime, open_: bool) -> bool:
    """Return whether an open complaint has passed its decision deadline."""
    return open_ and now >= decide_by


def has_results_standing(complainant_kind: str, profile: DisputeProfile) -> bool:
    """Return whether a complainant of this kind may challenge the results."""
    return complainant_kind in profile.results_challenge_standing
