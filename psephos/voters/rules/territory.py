"""Where an election-day addition on proof of residence may be made (issue 16, item 3).

A PEC adds a registered voter who proves residence in its precinct, moving them from
the list of their registered station. The profile's scope bounds how far: the same
district (the lowest administrative unit, Kazakhstan 2022), the same first-level
region, or anywhere in the country.
"""

from __future__ import annotations

from dataclasses import dataclass

from psephos.elections.rules.profiles import AdditionScope

__all__ = ["AdditionScope", "Place", "residence_addition_allowed"]


@dataclass(frozen=True, slots=True)
class Place:
    """A station's administrative unit and the first-level unit above it (ids)."""

    unit: int
    region: int


def residence_addition_allowed(scope: AdditionScope, *, registered: Place, here: Place) -> bool:
    """Return whether a voter registered at ``registered`` may be added at ``here``."""
    if scope == AdditionScope.COUNTRY:
        return True
    if scope == AdditionScope.REGION:
        return registered.region == here.region
    return registered.unit == here.unit
