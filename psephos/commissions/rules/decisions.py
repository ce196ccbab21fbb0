"""When a commission's vote makes a valid formal decision (issue 16, item 2).

Pure rule, no Django. A decision binds only if it was taken against the commission's
actual membership on its date: a quorum of the members present (two thirds in the
Kazakhstan 2022 profile, a fraction of the rule profile), a majority of all the
members (not only of those present) voting for, and no more votes than members
present, nor more members present than members. The vote is one record of the
decision; the document and the second operator's confirmation are the services'.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DecisionReview(StrEnum):
    """Who confirms a formal decision before it takes effect (a rule-profile switch)."""

    SECOND_OPERATOR = "second_operator"  # another operator of the same commission
    CEC = "cec"  # an operator of the central commission


class DecisionProblem(StrEnum):
    NO_MEMBERS = "no_members"  # nobody was a member on the decision's date
    PRESENT_ABOVE_MEMBERS = "present_above_members"
    VOTES_ABOVE_PRESENT = "votes_above_present"
    NO_QUORUM = "no_quorum"
    NO_MAJORITY = "no_majority"


@dataclass(frozen=True, slots=True)
class DecisionVote:
    members: int  # members of the commission on the decision's date
    present: int
    votes_for: int
    votes_against: int
    abstentions: int = 0


@dataclass(frozen=True, slots=True)
class Quorum:
    numerator: int = 2
    denominator: int = 3

    def needed(self, members: int) -> int:
        """Return the fewest members present that make a quorum (rounded up)."""
        return -(-members * self.numerator // self.denominator)


def majority_needed(members: int) -> int:
    """Return the fewest votes for that are a majority of all the members."""
    return members // 2 + 1


def decision_problems(vote: DecisionVote, quorum: Quorum) -> list[DecisionProblem]:
    """Return why ``vote`` does not make a valid decision; empty when it does."""
    if vote.members <= 0:
        return [DecisionProblem.NO_MEMBERS]
    problems = []
    if vote.present > vote.members:
        problems.append(DecisionProblem.PRESENT_ABOVE_MEMBERS)
    if vote.votes_for + vote.votes_against + vote.abstentions > vote.present:
        problems.append(DecisionProblem.VOTES_ABOVE_PRESENT)
    if vote.present < quorum.needed(vote.members):
        problems.append(DecisionProblem.NO_QUORUM)
    if vote.votes_for < majority_needed(vote.members):
        problems.append(DecisionProblem.NO_MAJORITY)
    return problems
