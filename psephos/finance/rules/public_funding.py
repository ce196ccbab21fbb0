"""The state allowance of a fund: what is left per purpose, and an invoice that overdraws it.

Pure functions over exact decimals; nothing here imports Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")


@dataclass(frozen=True, slots=True)
class Balance:
    """One purpose of the allowance: granted, approved invoices, invoices awaiting a decision."""

    purpose: str
    allowance: Decimal
    approved: Decimal
    pending: Decimal

    @property
    def remaining(self) -> Decimal:
        """What is left to approve: the allowance less the approved invoices."""
        return self.allowance - self.approved

    @property
    def uncommitted(self) -> Decimal:
        """What a new invoice may still claim: the remaining less the pending invoices."""
        return self.remaining - self.pending


@dataclass(frozen=True, slots=True)
class Overdraw:
    """An invoice larger than what is left of its purpose: the numbers of the refusal."""

    purpose: str
    allowance: Decimal
    committed: Decimal  # approved (and, at entry, pending) invoices before this one
    amount: Decimal

    @property
    def excess(self) -> Decimal:
        return self.committed + self.amount - self.allowance


def balances(
    allowance: dict[str, Decimal],
    approved: dict[str, Decimal],
    pending: dict[str, Decimal],
) -> list[Balance]:
    """Return the balance of every purpose of ``allowance``, in its order."""
    return [
        Balance(p, a, approved.get(p, ZERO), pending.get(p, ZERO)) for p, a in allowance.items()
    ]


def overdraw(balance: Balance, amount: Decimal, *, with_pending: bool) -> Overdraw | None:
    """Return the overdraw when ``amount`` does not fit what is left of ``balance``.

    At entry (``with_pending``) the invoices still awaiting a decision count as
    committed; at approval only the approved ones do.
    """
    committed = balance.approved + (balance.pending if with_pending else ZERO)
    if committed + amount <= balance.allowance:
        return None
    return Overdraw(balance.purpose, balance.allowance, committed, amount)
