"""The donor key: a stable pseudonym of an IIN or BIN, the same in every fund.

A keyed HMAC-SHA-256 under the key the voters register keeps outside the database
(``psephos.voters.iin_hash``; docs/adr/0002-iin-storage.md, 0005, 0007), with a purpose
of its own, cut to 16 bytes and held as a UUID (ADR 0007's type). Without the key the
value does not reveal the number, and the number's birth-date structure cannot be
tested against it; with it, two receipts of one donor carry one key in any fund, so
unique donors are counted exactly and per-donor limits add up across a campaign. The
IIN or BIN itself is never stored, logged or put in an error message.
"""

from __future__ import annotations

import uuid

from psephos.voters.iin_hash import link_digest

PURPOSE = "psephos/finance/donor/v1"


def donor_key(donor_id: str) -> uuid.UUID:
    """Return the donor key of a checked IIN or BIN (12 digits)."""
    return uuid.UUID(hex=link_digest(PURPOSE, donor_id))


def donor_key_hexes(donor_ids: list[str]) -> list[str]:
    """Return the donor keys of checked IINs/BINs as 32 hex digits (PostgreSQL reads them)."""
    return [link_digest(PURPOSE, donor_id) for donor_id in donor_ids]
