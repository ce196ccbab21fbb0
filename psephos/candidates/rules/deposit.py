"""The election deposit: its amount and whether it is returned (kazakhstan-rules.md §4).

50 minimum wages (KZT 3,000,000 in 2022), returned to a candidate who is elected or
wins at least 5 % of the votes of those who took part ([EL-old] Art. 59), or who
died; otherwise it goes to the budget.

With a runoff, "elected" is the runoff's winner, and the share is met in either round
the candidate stood in (every nominee stood in the first; the two finalists also in the
runoff). The law does not say which round counts (kazakhstan-rules.md §4 gives the
rule for one round): DERIVED, so a finalist under 5 % in the first round who wins the
runoff is never refused the deposit.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction


def deposit_amount(minimum_wages: int, minimum_wage: int) -> int:
    return minimum_wages * minimum_wage


def deposit_returned(
    *,
    rounds: Sequence[tuple[int, int]],
    share: float,
    elected: bool,
    deceased: bool = False,
) -> bool:
    """Return whether the deposit goes back: elected, deceased, or ``votes/base >= share``
    in one of ``rounds`` (votes, base: those who took part).

    Compared in exact fractions (5 % of 8,300,046 is 415,002.3: 415,002 votes keep it).
    """
    if elected or deceased:
        return True
    return any(base > 0 and Fraction(votes, base) >= Fraction(str(share)) for votes, base in rounds)
