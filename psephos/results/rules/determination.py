"""Who won: the outcome of a presidential election or a constitutional referendum.

Pure functions over tabulated totals and a rule profile (kazakhstan-rules.md §4,
§5). Every comparison is strict where the law says "more than"; a share exactly
at the threshold does not pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from math import ceil

from psephos.elections.rules.profiles import (
    Comparator,
    MajorityBase,
    PresidentialProfile,
    ReferendumProfile,
)


@dataclass(frozen=True, slots=True)
class Candidate:
    key: str
    votes: int
    against_all: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    """The determination: ``status`` is elected, runoff, undecided, adopted or rejected."""

    status: str
    winner: str | None = None
    runoff: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    figures: dict[str, object] = field(default_factory=dict)


def determine_presidential(
    candidates: list[Candidate], *, valid: int, issued: int, profile: PresidentialProfile
) -> Outcome:
    """Return the first-round outcome: elected by absolute majority, or a runoff of the top two."""
    base = valid if profile.majority_base is MajorityBase.VALID_VOTES else issued
    other_base = issued if profile.majority_base is MajorityBase.VALID_VOTES else valid
    eligible = [c for c in candidates if profile.against_all_can_win or not c.against_all]
    ranked = sorted(eligible, key=lambda c: (-c.votes, c.key))
    figures: dict[str, object] = {"majority_base": profile.majority_base.value, "base": base}
    if not ranked or base <= 0:
        return Outcome("undecided", reasons=("No votes have been tabulated.",), figures=figures)
    leader = ranked[0]
    warnings: list[str] = []
    # The law says "more than half" (50 % + 1): strictly greater, checked in integers.
    wins = 2 * leader.votes > base
    wins_other = 2 * leader.votes > other_base if other_base > 0 else wins
    if wins != wins_other:
        warnings.append(
            "The two readings of “all votes cast” disagree: the leader has "
            f"{leader.votes} of {valid} valid votes and of {issued} ballots issued."
        )
    figures |= {
        "leader": leader.key,
        "leader_votes": leader.votes,
        "leader_share": float(Fraction(leader.votes, base)),
    }
    tied_lead = len(ranked) > 1 and ranked[1].votes == leader.votes
    if wins and not tied_lead:
        return Outcome(
            "elected",
            winner=leader.key,
            reasons=(f"{leader.key} has {leader.votes} of {base} votes, more than half.",),
            warnings=tuple(warnings),
            figures=figures,
        )
    size = profile.runoff_size
    pool = ranked if profile.against_all_in_runoff else [c for c in ranked if not c.against_all]
    if len(pool) < size:
        return Outcome("undecided", reasons=("Too few candidates for a runoff.",), figures=figures)
    cutoff = pool[size - 1].votes
    tied_at_cut = [c.key for c in pool if c.votes == cutoff]
    above = [c.key for c in pool if c.votes > cutoff]
    if len(above) + len(tied_at_cut) > size:
        return Outcome(
            "undecided",
            reasons=(
                f"No candidate has more than half of {base} votes, and {', '.join(tied_at_cut)} tie "
                f"at {cutoff} votes for a runoff place; the law gives no tie-break.",
            ),
            warnings=tuple(warnings),
            figures=figures,
        )
    finalists = tuple(above + tied_at_cut)
    return Outcome(
        "runoff",
        runoff=finalists,
        reasons=(
            f"No candidate has more than half of {base} votes (leader: {leader.votes}); "
            f"runoff between {' and '.join(finalists)}.",
        ),
        warnings=tuple(warnings),
        figures=figures,
    )


@dataclass(frozen=True, slots=True)
class UnitTotals:
    """One first-level unit's referendum totals."""

    code: str
    registered: int
    cast: int
    yes: int
    no: int
    both_marked: int


def _passes(numerator: int, denominator: int, threshold: Fraction, comparator: Comparator) -> bool:
    if denominator <= 0:
        return False
    share = Fraction(numerator, denominator)
    return share > threshold if comparator is Comparator.GREATER else share >= threshold


def determine_referendum(units: list[UnitTotals], *, profile: ReferendumProfile) -> Outcome:
    """Return adopted or rejected, with the count of units in favour and the reasons."""
    n = len(units)
    required = ceil(profile.region_share_numerator * n / profile.region_share_denominator)
    registered = sum(u.registered for u in units)
    cast = sum(u.cast for u in units)
    yes = sum(u.yes for u in units)
    no = sum(u.no for u in units)
    both = sum(u.both_marked for u in units)
    threshold = Fraction(profile.turnout_threshold).limit_denominator(1000)

    def valid_of(y: int, n_: int, b: int) -> int:
        return y + n_ + (b if profile.both_marked_in_valid else 0)

    turnout_ok = _passes(cast, registered, threshold, profile.turnout_comparator)
    units_yes = [u.code for u in units if 2 * u.yes > valid_of(u.yes, u.no, u.both_marked)]
    units_turnout = [
        u.code
        for u in units
        if _passes(u.cast, u.registered, threshold, profile.turnout_comparator)
    ]
    national_yes = 2 * yes > valid_of(yes, no, both)
    reasons = [
        f"Turnout {cast} of {registered} registered voters"
        + (" is above" if turnout_ok else " is not above")
        + f" {profile.turnout_comparator.value} {threshold}.",
        f"“Yes” has more than half of the valid votes in {len(units_yes)} of {n} units; {required} are required.",
    ]
    adopted = turnout_ok and len(units_yes) >= required
    if profile.require_national_majority:
        reasons.append(
            f"Nationally “yes” has {yes} of {valid_of(yes, no, both)} valid votes"
            + (", more than half." if national_yes else ", not more than half.")
        )
        adopted = adopted and national_yes
    if profile.require_regional_turnout:
        reasons.append(
            f"Turnout passes in {len(units_turnout)} of {n} units; {required} are required."
        )
        adopted = adopted and len(units_turnout) >= required
    return Outcome(
        "adopted" if adopted else "rejected",
        reasons=tuple(reasons),
        figures={
            "units": n,
            "units_required": required,
            "units_in_favour": len(units_yes),
            "units_in_favour_codes": units_yes,
            "turnout": float(Fraction(cast, registered)) if registered else 0.0,
        },
    )
