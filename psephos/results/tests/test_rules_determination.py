"""Who won: presidential majority and runoff, referendum adoption (no database)."""

from __future__ import annotations

import dataclasses

import pytest

from psephos.elections.rules.profiles import MajorityBase, PresidentialProfile, ReferendumProfile
from psephos.results.rules.determination import (
    Candidate,
    UnitTotals,
    determine_presidential,
    determine_referendum,
)

PRES = PresidentialProfile()
REF = ReferendumProfile()


def cands(*pairs, against=None):
    out = [Candidate(k, v) for k, v in pairs]
    if against is not None:
        out.append(Candidate("against-all", against, against_all=True))
    return out


@pytest.mark.parametrize(
    ("candidates", "valid", "status", "winner", "runoff"),
    [
        # More than half of the valid votes: elected.
        (cands(("a", 501), ("b", 499)), 1000, "elected", "a", ()),
        # Exactly half is not "more than half": runoff of the top two.
        (cands(("a", 500), ("b", 300), ("c", 200)), 1000, "runoff", None, ("a", "b")),
        # 50 % + 1 vote.
        (cands(("a", 501), ("b", 300), ("c", 199)), 1000, "elected", "a", ()),
        # Two tied leaders at exactly half: both go to the runoff.
        (cands(("a", 500), ("b", 500)), 1000, "runoff", None, ("a", "b")),
        # Tie for second place: the law has no tie-break, so undecided.
        (cands(("a", 400), ("b", 300), ("c", 300)), 1000, "undecided", None, ()),
        # Three-way tie at the top.
        (cands(("a", 300), ("b", 300), ("c", 300)), 900, "undecided", None, ()),
        # "Against all" leading cannot win and does not enter the runoff.
        (cands(("a", 300), ("b", 200), against=500), 1000, "runoff", None, ("a", "b")),
        # "Against all" inside the valid votes pulls the leader under half.
        (cands(("a", 500), ("b", 400), against=100), 1000, "runoff", None, ("a", "b")),
        # One candidate only, with no majority: too few for a runoff.
        (cands(("a", 400), against=600), 1000, "undecided", None, ()),
        # Nothing tabulated.
        (cands(("a", 0), ("b", 0)), 0, "undecided", None, ()),
    ],
)
def test_presidential(candidates, valid, status, winner, runoff):
    outcome = determine_presidential(candidates, valid=valid, issued=valid, profile=PRES)
    assert (outcome.status, outcome.winner, outcome.runoff) == (status, winner, runoff)


def test_presidential_2022_national_figures():
    votes = {
        "dairabayev": 206_206,
        "kosanov": 176_116,
        "ospanov": 271_641,
        "auyesbayev": 200_907,
        "tokayev": 6_456_392,
        "turgynbekov": 168_731,
    }
    outcome = determine_presidential(
        cands(*votes.items(), against=460_484), valid=7_940_477, issued=8_300_046, profile=PRES
    )
    assert outcome.status == "elected"
    assert outcome.winner == "tokayev"
    assert outcome.warnings == ()
    assert outcome.figures["leader_share"] == pytest.approx(0.8131, abs=1e-4)


def test_presidential_bases_disagree_warns():
    # 520 of 1000 valid (elected) but only 520 of 1100 issued (not more than half).
    outcome = determine_presidential(
        cands(("a", 520), ("b", 480)), valid=1000, issued=1100, profile=PRES
    )
    assert outcome.status == "elected"
    assert outcome.warnings == (
        "The two readings of “all votes cast” disagree: the leader has 520 of 1000 valid "
        "votes and of 1100 ballots issued.",
    )
    issued_base = dataclasses.replace(PRES, majority_base=MajorityBase.BALLOTS_ISSUED)
    outcome = determine_presidential(
        cands(("a", 520), ("b", 480)), valid=1000, issued=1100, profile=issued_base
    )
    assert outcome.status == "runoff"


def units(n: int, in_favour: int, *, turnout_ok: bool = True) -> list[UnitTotals]:
    """Return ``n`` units, the first ``in_favour`` with a yes majority, the rest 50/50."""
    out = []
    for i in range(n):
        yes, no = (60, 40) if i < in_favour else (50, 50)
        out.append(
            UnitTotals(
                code=f"U{i:02d}",
                registered=150,
                cast=100 if turnout_ok else 75,
                yes=yes,
                no=no,
                both_marked=0,
            )
        )
    return out


@pytest.mark.parametrize(
    ("n", "in_favour", "status", "required"),
    [
        (20, 13, "rejected", 14),
        (20, 14, "adopted", 14),
        (17, 11, "rejected", 12),
        (17, 12, "adopted", 12),
        (17, 17, "adopted", 12),
    ],
)
def test_referendum_two_thirds_of_units(n, in_favour, status, required):
    outcome = determine_referendum(units(n, in_favour), profile=REF)
    assert outcome.status == status
    assert outcome.figures["units_required"] == required
    assert outcome.figures["units_in_favour"] == in_favour


def test_referendum_turnout_exactly_half_is_not_enough():
    outcome = determine_referendum(units(17, 17, turnout_ok=False), profile=REF)
    # 75 of 150 is exactly 50 %: the law says more than half.
    assert outcome.status == "rejected"
    assert outcome.reasons[0] == "Turnout 1275 of 2550 registered voters is not above > 1/2."


def test_referendum_turnout_at_or_above_half_with_ge_comparator():
    from psephos.elections.rules.profiles import Comparator

    ge = dataclasses.replace(REF, turnout_comparator=Comparator.GREATER_OR_EQUAL)
    assert determine_referendum(units(17, 17, turnout_ok=False), profile=ge).status == "adopted"


def test_referendum_unit_at_exactly_half_yes_is_not_in_favour():
    both = [UnitTotals("U1", 100, 80, 40, 38, 2)]  # yes 40 of valid 80 (both-marked counted)
    outcome = determine_referendum(both, profile=REF)
    assert outcome.figures["units_in_favour"] == 0
    excluded = dataclasses.replace(REF, both_marked_in_valid=False)
    assert determine_referendum(both, profile=excluded).figures["units_in_favour"] == 1


def test_referendum_needs_national_majority_too():
    # 12 small units say yes narrowly, 5 big ones say no heavily.
    small = [UnitTotals(f"S{i}", 100, 60, 31, 29, 0) for i in range(12)]
    big = [UnitTotals(f"B{i}", 1000, 600, 100, 500, 0) for i in range(5)]
    outcome = determine_referendum(small + big, profile=REF)
    assert outcome.figures["units_in_favour"] == 12
    assert outcome.status == "rejected"
    lenient = dataclasses.replace(REF, require_national_majority=False)
    assert determine_referendum(small + big, profile=lenient).status == "adopted"


def test_referendum_2022_national_figures():
    unit = UnitTotals(
        "KZ",
        registered=11_734_642,
        cast=7_985_769,
        yes=6_163_516,
        no=1_490_470,
        both_marked=125_859,
    )
    outcome = determine_referendum([unit], profile=REF)
    assert outcome.status == "adopted"
    assert outcome.figures["turnout"] == pytest.approx(0.6805, abs=1e-4)
