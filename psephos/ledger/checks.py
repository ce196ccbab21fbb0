"""Checks that other apps add to ``psephos ledger verify``, so the ledger imports no app.

An app whose records must equal what its ledger events fixed (results: the accepted
protocols' figures) registers a check at ``LEDGER_CHECKS`` (``core.hooks``) from its
``AppConfig.ready``; the command runs every registered check, in their order, after
verifying the chain, the tree and the signed heads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from psephos.core.hooks import HookPoint


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """What a check covered (``summary``, e.g. "the accepted protocols of 2 election(s) …")
    and every disagreement it found (``faults``, empty when all agree)."""

    summary: str
    faults: list[str] = field(default_factory=list)


type LedgerCheck = Callable[[], CheckOutcome]

#: The checks ``psephos ledger verify`` runs after the chain, in their order.
LEDGER_CHECKS: HookPoint[LedgerCheck] = HookPoint("ledger.verify_checks")


def ledger_checks() -> tuple[LedgerCheck, ...]:
    """Return the registered checks in their order."""
    return LEDGER_CHECKS.functions()
