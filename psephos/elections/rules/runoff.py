"""The second round of a presidential election: its key, names and legal period."""

from __future__ import annotations

import calendar
import datetime as dt


def months_after(day: dt.date, months: int) -> dt.date:
    """Return the same day ``months`` later (the month's last day when it has no such day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def runoff_day_problem(first_round: dt.date, runoff: dt.date, *, within_months: int) -> str | None:
    """Return why ``runoff`` cannot be the second round's voting day, or ``None``.

    ``before_first_round`` when it is not after the first round, ``too_late`` when it
    is after the legal period (``within_months`` from the first round, inclusive).
    """
    if runoff <= first_round:
        return "before_first_round"
    if runoff > months_after(first_round, within_months):
        return "too_late"
    return None


def runoff_key(first_round_key: str) -> str:
    """Return the natural key of a first round's runoff: ``<key>-runoff``."""
    return f"{first_round_key}-runoff"


def runoff_names(names: tuple[str, str, str]) -> tuple[str, str, str]:
    """Return the second round's names from the first's (English, Kazakh, Russian)."""
    en, kk, ru = names
    return (f"{en}: second round", f"{kk}: екінші тур", f"{ru}: второй тур")
