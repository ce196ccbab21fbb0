"""Check stored tallies against their seals before anyone reads their figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from psephos.ledger.services.keys import derived_key
from psephos.results.errors import TallyUnverified
from psephos.results.rules.lines import LINE_NAMES
from psephos.results.rules.seals import seal_matches, tally_message

#: The purpose under which the sealing key is derived from the signing key.
SEAL_PURPOSE = "tally seal"
COUNTERS = ("expected", "received", "accepted", "cancelled")
#: The columns a reader must select for ``tallies_verify`` (besides what it shows).
SEALED_FIELDS = ("id", "commission_id", *COUNTERS, *LINE_NAMES, "seal")


def tally_row(tally: Any) -> dict[str, Any]:
    """Return a ``Tally`` instance's sealed fields as the mapping ``tallies_verify`` reads."""
    return {name: getattr(tally, name) for name in SEALED_FIELDS}


def tally_row_message(
    *, election_id: int, row: Mapping[str, Any], votes: Mapping[int, int]
) -> bytes:
    """Return the sealed text of one tally row (``SEALED_FIELDS``) and its votes."""
    return tally_message(
        election_id=election_id,
        commission_id=row["commission_id"],
        counters=[row[c] for c in COUNTERS],
        lines=[row[n] for n in LINE_NAMES],
        votes=votes,
    )


def tallies_unsealed(
    *, election_id: int, rows: Sequence[Mapping[str, Any]], votes: Mapping[int, Mapping[int, int]]
) -> list[int]:
    """Return the commission ids of the tally rows whose seal does not match their figures.

    ``rows`` hold ``SEALED_FIELDS``; ``votes`` maps a tally id to option id → votes.
    """
    if not rows:
        return []
    key = derived_key(SEAL_PURPOSE)
    return [
        row["commission_id"]
        for row in rows
        if not seal_matches(
            key,
            tally_row_message(election_id=election_id, row=row, votes=votes.get(row["id"], {})),
            row["seal"],
        )
    ]


def tallies_verify(
    *,
    election_id: int,
    election_key: str,
    rows: Sequence[Mapping[str, Any]],
    votes: Mapping[int, Mapping[int, int]],
) -> None:
    """Raise ``TallyUnverified`` unless every tally row's seal matches its figures.

    Every reader of stored tallies that serves or decides on their figures (the pages,
    the API, the determination, certification) calls this first: a row or vote edited
    outside psephos is withheld, never served.
    """
    bad = tallies_unsealed(election_id=election_id, rows=rows, votes=votes)
    if bad:
        raise TallyUnverified(
            _(
                "The stored results of %(count)d commission(s) of election “%(election)s” do "
                "not match their seals: they were changed outside psephos and are withheld "
                "until the tallies are rebuilt from the accepted protocols (psephos tabulate)."
            )
            % {"count": len(bad), "election": election_key},
            data={"election": election_key, "commissions": sorted(bad)},
        )
