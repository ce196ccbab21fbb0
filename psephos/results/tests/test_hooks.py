"""What the installed apps register at results' and the ledger's hook points."""

from __future__ import annotations

from psephos.ledger.checks import LEDGER_CHECKS
from psephos.results.hooks import CERTIFY_GUARDS, ELECTION_CERTIFIED


def test_the_installed_apps_register_at_certification_and_verification() -> None:
    assert CERTIFY_GUARDS.names() == ("complaints.finality",)
    assert ELECTION_CERTIFIED.names() == ("candidates.deposits",)
    assert LEDGER_CHECKS.names() == ("results.protocols", "results.tallies")
