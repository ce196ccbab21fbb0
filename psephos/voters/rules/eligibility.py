"""Who may vote on election day, from the rule profile's switches.

Eligibility needs the minimum age on election day (kazakhstan-rules.md §8) and,
where the profile keeps them, the two exclusions ODIHR recommends lifting:
court-declared incapacity and serving a prison sentence.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class Ineligibility(StrEnum):
    """Why a person is not on the voter list; the value is a stable code."""

    UNDER_AGE = "under_age"
    INCAPACITATED = "incapacitated"
    PRISONER = "prisoner"


@dataclass(frozen=True, slots=True)
class EligibilityRules:
    """The profile's eligibility switches (``elections.rules.profiles``)."""

    minimum_age: int = 18
    exclude_incapacitated: bool = True
    exclude_prisoners: bool = True


def age_on(birth_date: dt.date, day: dt.date) -> int:
    """Return the age in whole years on ``day``; a 29 February birthday falls on 1 March."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def latest_birth_date(election_day: dt.date, minimum_age: int) -> dt.date:
    """Return the last birth date that reaches ``minimum_age`` on ``election_day``."""
    year = election_day.year - minimum_age
    try:
        return election_day.replace(year=year)
    except ValueError:  # election on 29 February, target year not a leap year
        return dt.date(year, 2, 28)


def ineligibility(
    *,
    rules: EligibilityRules,
    birth_date: dt.date,
    election_day: dt.date,
    incapacitated: bool,
    prisoner: bool,
) -> list[Ineligibility]:
    """Return every reason the person may not vote; an empty list means eligible."""
    reasons: list[Ineligibility] = []
    if age_on(birth_date, election_day) < rules.minimum_age:
        reasons.append(Ineligibility.UNDER_AGE)
    if incapacitated and rules.exclude_incapacitated:
        reasons.append(Ineligibility.INCAPACITATED)
    if prisoner and rules.exclude_prisoners:
        reasons.append(Ineligibility.PRISONER)
    return reasons
