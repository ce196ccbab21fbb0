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

import functools
import hashlib
import hmac
from collections.abc import Mapping, Sequence


def tally_message(
    *,
    election_id: int,
    commission_id: int,
    counters: Sequence[int],
    lines: Sequence[int],
    votes: Mapping[int, int],
) -> bytes:
    """Return the canonical bytes of a tally's figures (row identity, counters, lines, votes).

    Votes are ordered by option id, so the text does not depend on the order the
    database returns them in; every number is written in decimal (as ``int`` would
    give it), separated by ``|`` and ``,`` so that no two different tallies share a
    text. Every read of a result page builds one text per tally it shows, so the
    text comes from one ``%`` format per shape instead of a join per figure.
    """
    head = _head_format(len(counters), len(lines)) % (
        int(election_id),
        int(commission_id),
        *counters,
        *lines,
    )
    return (head + ",".join([f"{o}:{int(votes[o])}" for o in sorted(votes)])).encode("ascii")


@functools.cache
def _head_format(n_counters: int, n_lines: int) -> str:
    """Return ``tally|%d|%d|%d,…|%d,…|`` for that many counters and lines."""
    return f"tally|%d|%d|{','.join(['%d'] * n_counters)}|{','.join(['%d'] * n_lines)}|"


def seal_of(key: bytes, message: bytes) -> str:
    """Return the hex HMAC-SHA256 of ``message`` under ``key``."""
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def seal_matches(key: bytes, message: bytes, seal: str) -> bool:
    """Return whether ``seal`` is the seal of ``message`` (compared in constant time).

    The HMAC of a text is remembered (the last 4,096 key and text pairs): every result
    page checks the same unchanged tallies again, and the HMAC of the same text under
    the same key is the same, so the stored seal is still compared on every read.
    """
    return hmac.compare_digest(_seal_remembered(key, message), seal)


@functools.lru_cache(maxsize=4096)
def _seal_remembered(key: bytes, message: bytes) -> str:
    return seal_of(key, message)
