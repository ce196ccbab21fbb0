"""Seals on stored tallies: a keyed digest that a database edit cannot forge.

A tally (the sums of accepted protocols at one commission) is what the portal, the API
and the determination read. Its figures are written only by the results services,
which also write its seal: HMAC-SHA256, under a key kept outside the database, of a
canonical text of every figure of the row and of its votes. Whoever edits the row (or
a vote) with SQL cannot write a matching seal without the key, so a reader that checks
the seal before serving the figures never serves an edited one. The check costs one
HMAC per tally read; ``psephos ledger verify`` goes further and recomputes every tally
from the accepted protocols.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping


def tally_message(
    *,
    election_id: int,
    commission_id: int,
    counters: Iterable[int],
    lines: Iterable[int],
    votes: Mapping[int, int],
) -> bytes:
    """Return the canonical bytes of a tally's figures (row identity, counters, lines, votes).

    Votes are ordered by option id, so the text does not depend on the order the
    database returns them in; every number is written in decimal, separated by ``|``
    and ``,`` so that no two different tallies share a text.
    """
    parts = [
        "tally",
        str(election_id),
        str(commission_id),
        ",".join(str(int(n)) for n in counters),
        ",".join(str(int(n)) for n in lines),
        ",".join(f"{option}:{int(votes[option])}" for option in sorted(votes)),
    ]
    return "|".join(parts).encode("ascii")


def seal_of(key: bytes, message: bytes) -> str:
    """Return the hex HMAC-SHA256 of ``message`` under ``key``."""
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def seal_matches(key: bytes, message: bytes, seal: str) -> bool:
    """Return whether ``seal`` is the seal of ``message`` (compared in constant time)."""
    return hmac.compare_digest(seal_of(key, message), seal)
