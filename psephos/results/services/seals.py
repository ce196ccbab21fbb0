"""Write the seals of stored tallies after the results services change them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection

from psephos.core.sql import qn
from psephos.ledger.services.keys import derived_key
from psephos.results.models import Tally, TallyVote
from psephos.results.rules.seals import seal_of
from psephos.results.selectors.seals import SEAL_PURPOSE, SEALED_FIELDS, tally_row_message

_READ = [name for name in SEALED_FIELDS if name != "seal"]


def tally_seals_write(*, election_id: int, commission_ids: Iterable[int] | None = None) -> int:
    """Recompute and store the seals of the election's tallies (all, or these commissions').

    Precondition: called inside the transaction of the service that changed the tallies,
    after its last write to them, so the figures sealed are the ones committed. Three
    plain statements whatever the number of tallies (read the rows, read their votes,
    write the seals); this runs on every submission, so it bypasses the ORM's statement
    building. Returns how many tallies were sealed.
    """
    table = qn(Tally._meta.db_table)
    fields = {f.attname: f.column for f in Tally._meta.concrete_fields}
    columns = ", ".join(qn(fields[name]) for name in _READ)
    params: list[int] = [election_id]
    where = "election_id = %s"
    if commission_ids is not None:
        ids = list(commission_ids)
        if not ids:
            return 0
        where += f" AND commission_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE {where}", params)  # noqa: S608
        rows = [dict(zip(_READ, row, strict=True)) for row in cursor.fetchall()]
        if not rows:
            return 0
        votes: dict[int, dict[int, int]] = defaultdict(dict)
        tally_ids = [row["id"] for row in rows]
        cursor.execute(
            f"SELECT tally_id, option_id, votes FROM {qn(TallyVote._meta.db_table)}"  # noqa: S608
            f" WHERE tally_id IN ({', '.join(['%s'] * len(tally_ids))})",
            tally_ids,
        )
        for tally_id, option_id, count in cursor.fetchall():
            votes[tally_id][option_id] = count
        key = derived_key(SEAL_PURPOSE)
        cursor.executemany(
            f"UPDATE {table} SET seal = %s WHERE id = %s",  # noqa: S608
            [
                (
                    seal_of(
                        key,
                        tally_row_message(election_id=election_id, row=row, votes=votes[row["id"]]),
                    ),
                    row["id"],
                )
                for row in rows
            ],
        )
    return len(rows)
