"""The formal-decision rule (commissions/rules/decisions.py), as a table."""

from __future__ import annotations

import pytest

from psephos.commissions.rules.decisions import (
    DecisionProblem as P,
)
from psephos.commissions.rules.decisions import (
    DecisionVote,
    Quorum,
    decision_problems,
    majority_needed,
)

TWO_THIRDS = Quorum(2, 3)


@pytest.mark.parametrize(
    ("vote", "problems"),
    [
        (DecisionVote(7, 7, 7, 0), []),
        (DecisionVote(7, 5, 4, 1), []),  # 5 of 7 is a quorum (needs 5), 4 of 7 a majority
        (DecisionVote(7, 5, 4, 0, 1), []),
        (DecisionVote(7, 4, 4, 0), [P.NO_QUORUM]),  # 4 < ⌈14/3⌉ = 5
        (DecisionVote(7, 6, 3, 0), [P.NO_MAJORITY]),  # a majority of those present only
        (DecisionVote(7, 7, 999, 998), [P.VOTES_ABOVE_PRESENT]),  # the review's case
        (DecisionVote(7, 1, 1, 0), [P.NO_QUORUM, P.NO_MAJORITY]),  # "1 to 0"
        (DecisionVote(7, 9, 5, 0), [P.PRESENT_ABOVE_MEMBERS]),
        (DecisionVote(7, 5, 4, 1, 1), [P.VOTES_ABOVE_PRESENT]),
        (DecisionVote(0, 0, 0, 0), [P.NO_MEMBERS]),
        (DecisionVote(6, 4, 4, 0), []),  # 4 = ⌈12/3⌉; 4 > 6/2
        (DecisionVote(6, 4, 3, 1), [P.NO_MAJORITY]),  # 3 is half of 6, not a majority
    ],
)
def test_decision_problems(vote: DecisionVote, problems: list[P]) -> None:
    assert decision_problems(vote, TWO_THIRDS) == problems


def test_the_quorum_is_the_profiles_fraction() -> None:
    assert [TWO_THIRDS.needed(n) for n in (5, 6, 7, 9, 11)] == [4, 4, 5, 6, 8]
    assert [Quorum(1, 2).needed(n) for n in (5, 6, 7)] == [3, 3, 4]
    assert decision_problems(DecisionVote(7, 4, 4, 0), Quorum(1, 2)) == []
    assert [majority_needed(n) for n in (5, 6, 7)] == [3, 4, 4]


# Cases that kill the mutants a Cosmic Ray run left alive (scripts/mutation.sh commissions,
# docs/security.md): each fails when the rule's line is changed as the comment says.
@pytest.mark.parametrize(
    ("vote", "problems"),
    [
        (DecisionVote(-1, 0, 0, 0), [P.NO_MEMBERS]),  # `members <= 0` as `== 0`
        (DecisionVote(1, 1, 1, 0), []),  # a commission of one; `<= 0` as `<= 1`
        # 5 + 1 + 2 = 8 > 7 present; `(5 + 1) | 2` would be 6
        (DecisionVote(9, 7, 5, 1, 2), [P.VOTES_ABOVE_PRESENT]),
    ],
)
def test_decision_problems_at_the_edges(vote: DecisionVote, problems: list[P]) -> None:
    assert decision_problems(vote, TWO_THIRDS) == problems


@pytest.mark.parametrize(("members", "needed"), [(7, 5), (9, 6), (10, 7), (11, 8)])
def test_the_default_quorum_is_two_thirds_rounded_up(members: int, needed: int) -> None:
    assert Quorum().needed(members) == needed


def test_votes_and_quorums_are_values_that_cannot_change() -> None:
    """A profile's quorum and a recorded vote are shared; nobody may alter them in place."""
    import dataclasses

    with pytest.raises(dataclasses.FrozenInstanceError):
        TWO_THIRDS.numerator = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        DecisionVote(7, 7, 7, 0).votes_for = 8  # type: ignore[misc]
