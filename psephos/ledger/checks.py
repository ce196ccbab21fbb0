"""Checks that other apps add to ``psephos ledger verify``, so the ledger imports no app.

An app whose records must equal what its ledger events fixed (results: the accepted
protocols' figures) registers a check from its ``AppConfig.ready``; the command runs
every registered check after verifying the chain, the tree and the signed heads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    """What a check covered (``summary``, e.g. "the accepted protocols of 2 election(s) …")
    and every disagreement it found (``faults``, empty when all agree)."""

    summary: str
    faults: list[str] = field(default_factory=list)


type LedgerCheck = Callable[[], CheckOutcome]

_checks: list[LedgerCheck] = []


def ledger_check_register(check: LedgerCheck) -> None:
    """Add a check to ``psephos ledger verify`` (once, however often it is registered)."""
    if check not in _checks:
        _checks.append(check)


def ledger_checks() -> list[LedgerCheck]:
    """Return the registered checks in registration order."""
    return list(_checks)
