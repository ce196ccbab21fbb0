"""Write the seals of stored tallies after the results services change them."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper

from psephos.core.sql import qn
from psephos.ledger.services.keys import derived_key
from psephos.results.models import Tally, TallyVote
from psephos.results.rules.seals import seal_of
from psephos.results.selectors.seals import SEAL_PURPOSE, SEALED_FIELDS, tally_row_message

#: The sealed columns but the seal itself, in ``SEALED_FIELDS`` order: what
#: ``tally_rows_seal`` needs of each row (``tally_returning`` selects them).
SEALED_READ = [name for name in SEALED_FIELDS if name != "seal"]


@functools.cache
def tally_returning() -> str:
    """Return the column list of ``SEALED_READ`` for a SELECT or an ``UPDATE … RETURNING``."""
    fields = {f.attname: f.column for f in Tally._meta.concrete_fields}
    return ", ".join(qn(fields[name]) for name in SEALED_READ)


def tally_rows_seal(
    cursor: CursorWrapper, *, election_id: int, rows: Sequence[Sequence[Any]]
) -> int:
    """Seal these tally rows (tuples of ``SEALED_READ``, as stored now); return how many.

    Reads the rows' votes in one statement and writes every seal in one prepared
    statement. Precondition: runs in the transaction of the service that changed the
    tallies, after its last write to them (the figures in ``rows`` are the ones it
    commits: read back, or returned by its ``UPDATE … RETURNING``).
    """
    if not rows:
        return 0
    mapped = [dict(zip(SEALED_READ, row, strict=True)) for row in rows]
    votes: dict[int, dict[int, int]] = defaultdict(dict)
    tally_ids = [row["id"] for row in mapped]
    cursor.execute(
        f"SELECT tally_id, option_id, votes FROM {qn(TallyVote._meta.db_table)}"  # noqa: S608
        f" WHERE tally_id IN ({', '.join(['%s'] * len(tally_ids))})",
        tally_ids,
    )
    for tally_id, option_id, count in cursor.fetchall():
        votes[tally_id][option_id] = count
    key = derived_key(SEAL_PURPOSE)
    cursor.executemany(
        f"UPDATE {qn(Tally._meta.db_table)} SET seal = %s WHERE id = %s",  # noqa: S608
        [
            (tally_seal(key, election_id=election_id, row=row, votes=votes[row["id"]]), row["id"])
            for row in mapped
        ],
    )
    return len(mapped)


def tally_seal(
    key: bytes, *, election_id: int, row: Mapping[str, Any], votes: Mapping[int, int]
) -> str:
    """Return the seal of one tally's figures under ``key`` (``derived_key(SEAL_PURPOSE)``).

    ``row`` maps the sealed fields (``id`` and ``seal`` not needed) to the values stored.
    """
    return seal_of(key, tally_row_message(election_id=election_id, row=row, votes=votes))


def tally_seals_write(*, election_id: int, commission_ids: Iterable[int] | None = None) -> int:
    """Recompute and store the seals of the election's tallies (all, or these commissions').

    Precondition: called inside the transaction of the service that changed the tallies,
    after its last write to them, so the figures sealed are the ones committed. Three
    plain statements whatever the number of tallies (read the rows, read their votes,
    write the seals). Returns how many tallies were sealed.
    """
    params: list[int] = [election_id]
    where = "election_id = %s"
    if commission_ids is not None:
        ids = list(commission_ids)
        if not ids:
            return 0
        where += f" AND commission_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {tally_returning()} FROM {qn(Tally._meta.db_table)} WHERE {where}",  # noqa: S608
            params,
        )
        return tally_rows_seal(cursor, election_id=election_id, rows=cursor.fetchall())
