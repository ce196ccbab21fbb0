"""Rule profiles: the legal parameters of one election type, as plain data.

Every value the reference tags UNVERIFIED or CONFLICT is a field here, so a
profile can be changed without touching code (``shared/reference``
kazakhstan-rules.md §4, §5, §17).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MajorityBase(StrEnum):
    """What the presidential absolute majority is counted against."""

    VALID_VOTES = "valid_votes"  # valid votes incl. "against all" (ODIHR annex percentages)
    BALLOTS_ISSUED = "ballots_issued"  # voters who received ballots


class Comparator(StrEnum):
    GREATER = ">"
    GREATER_OR_EQUAL = ">="


@dataclass(frozen=True, slots=True)
class PresidentialProfile:
    key: str = "kz-presidential-2022"
    majority_base: MajorityBase = MajorityBase.VALID_VOTES
    against_all_in_runoff: bool = False
    against_all_can_win: bool = False
    runoff_size: int = 2
    minimum_age: int = 18
    exclude_incapacitated: bool = True
    exclude_prisoners: bool = True


@dataclass(frozen=True, slots=True)
class ReferendumProfile:
    key: str = "kz-referendum-2022"
    turnout_threshold: float = 0.5
    turnout_comparator: Comparator = Comparator.GREATER
    region_share_numerator: int = 2  # two thirds of the first-level units
    region_share_denominator: int = 3
    both_marked_in_valid: bool = True  # "valid but not counted" (CRC communiqué 06.06.2022)
    require_national_majority: bool = True  # [R] §I reading, added to §IV
    require_regional_turnout: bool = False  # the 2026 reading, off for 2022
    minimum_age: int = 18
    exclude_incapacitated: bool = True
    exclude_prisoners: bool = True


Profile = PresidentialProfile | ReferendumProfile

PROFILES: dict[str, Profile] = {
    "kz-presidential-2022": PresidentialProfile(),
    "kz-referendum-2022": ReferendumProfile(),
}


def profile_for(key: str) -> Profile:
    """Return the profile with this key; raise ``KeyError`` naming the known ones."""
    try:
        return PROFILES[key]
    except KeyError:
        raise KeyError(
            f"unknown rule profile {key!r}; known: {', '.join(sorted(PROFILES))}"
        ) from None
