"""Errors of the ledger, each with a stable code."""

from __future__ import annotations

from psephos.core.errors import Conflict, DomainError, NotFound


class LedgerCorrupt(Conflict):
    """The stored ledger does not hold together (a gap, an edited row, a missing node)."""

    code = "ledger_corrupt"


class ProofUnavailable(NotFound):
    """A proof was asked for a leaf or tree size the log cannot prove (yet)."""

    code = "ledger_proof_unavailable"


class SigningKeyInvalid(DomainError):
    """The signing key in the environment or key file is not a raw Ed25519 key."""

    code = "ledger_signing_key_invalid"
    http_status = 503
