"""Tabulation: sums of accepted protocols at every commission, from PEC up to the CEC."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from psephos.core import clock
from psephos.core.sql import db_value, insert_many, qn
from psephos.ledger.actors import SYSTEM
from psephos.ledger.services.events import event_record
from psephos.ledger.services.keys import derived_key
from psephos.results.models import Tally, TallyVote
from psephos.results.rules.lines import LINE_NAMES
from psephos.results.selectors.seals import COUNTERS, SEAL_PURPOSE
from psephos.results.selectors.tabulation import TabulationReport, tally_sums
from psephos.results.services.seals import tally_returning, tally_rows_seal, tally_seal

if TYPE_CHECKING:
    from psephos.commissions.models import Commission
    from psephos.elections.models import Election

_TALLY = Tally._meta.db_table
_COLUMN = {f.name: f.column for f in Tally._meta.concrete_fields}


def _in(ids: list[int]) -> str:
    return f"({', '.join(['%s'] * len(ids))})"


def _tally_update(
    cursor: CursorWrapper,
    election: Election,
    ancestor_ids: list[int],
    changes: dict[str, int],
    now: Any,
) -> list[tuple[Any, ...]]:
    """Add ``changes`` (field → amount) to the ancestors' tallies; return their sealed columns.

    One ``UPDATE … RETURNING``: the rows come back as this transaction leaves them, ready
    for ``tally_rows_seal``. A tally that does not exist is not returned.
    """
    if not ancestor_ids:
        return []
    sets = ["updated_at = %s"] + [
        f"{qn(_COLUMN[name])} = {qn(_COLUMN[name])} + %s" for name in changes
    ]
    cursor.execute(
        f"UPDATE {qn(_TALLY)} SET {', '.join(sets)}"  # noqa: S608
        f" WHERE election_id = %s AND commission_id IN {_in(ancestor_ids)}"
        f" RETURNING {tally_returning()}",
        [db_value(Tally, "updated_at", now), *changes.values(), election.pk, *ancestor_ids],
    )
    return list(cursor.fetchall())


def _tally_received_add(election: Election, ancestor_ids: list[int], now: Any) -> int:
    """Count one more received protocol in the tallies above a station; return how many exist.

    The changed tallies are sealed again in the same transaction (three statements in
    all: the ``UPDATE … RETURNING``, their votes, their seals).
    """
    with connection.cursor() as cursor:
        rows = _tally_update(cursor, election, ancestor_ids, {"received": 1}, now)
        tally_rows_seal(cursor, election_id=election.pk, rows=rows)
    return len(rows)


def _ancestor_ids(commission: Commission) -> list[int]:
    """Return the ids of every commission above, nearest first.

    Walks the parents loaded with ``select_related`` and ends with the last one's
    ``parent_id``: the tree is at most CEC → regional TEC → district TEC → PEC.
    """
    ids: list[int] = []
    node: Commission | None = commission
    while node is not None and node.parent_id is not None:
        ids.append(node.parent_id)
        node = node._state.fields_cache.get("parent")  # loaded parents only
    return ids


def _tally_add(
    *,
    election: Election,
    ancestor_ids: list[int],
    lines: dict[str, int] | None,
    votes: dict[int, int],
    received: int = 0,
    accepted: int = 0,
    cancelled: int = 0,
) -> int:
    """Add figures and counters to the tallies above a station.

    Return how many of the ancestors' tallies exist; fewer than ``ancestor_ids``
    means the caller must rebuild them with ``tally_recompute``. One ``UPDATE …
    RETURNING`` of the tallies, one prepared UPDATE of their votes (a row per option
    that changes), then the changed tallies are sealed again (``tally_rows_seal``).
    """
    changes = {name: value for name, value in (lines or {}).items() if value}
    changes |= {
        name: value
        for name, value in (
            ("received", received),
            ("accepted", accepted),
            ("cancelled", cancelled),
        )
        if value
    }
    with connection.cursor() as cursor:
        rows = _tally_update(cursor, election, ancestor_ids, changes, clock.now())
        tally_ids = [row[0] for row in rows]  # SEALED_READ starts with the id
        changed = [(count, option_id, *tally_ids) for option_id, count in votes.items() if count]
        if tally_ids and changed:
            cursor.executemany(
                f"UPDATE {qn(TallyVote._meta.db_table)} SET votes = votes + %s"  # noqa: S608
                f" WHERE option_id = %s AND tally_id IN {_in(tally_ids)}",
                changed,
            )
        tally_rows_seal(cursor, election_id=election.pk, rows=rows)
    return len(rows)


def tally_recompute(
    *, election: Election, actor: str = SYSTEM, role: str = "system"
) -> TabulationReport:
    """Recompute every tally of the election from the accepted protocols, in one transaction.

    Writes what ``tally_sums`` computes (breaches of control relations are reported,
    and counted all the same), seals the new tallies and writes one ledger event.
    """
    computed = tally_sums(election=election)
    options, sums, report = computed.options, computed.sums, computed.report
    n_lines = len(LINE_NAMES)
    off_expected = n_lines + len(options)
    non_pec = computed.commission_ids
    now = clock.now()
    key = derived_key(SEAL_PURPOSE)
    rows = []
    for pk in non_pec:
        figures = dict(zip(LINE_NAMES, sums[pk][:n_lines], strict=True))
        figures |= dict(zip(COUNTERS, sums[pk][off_expected : off_expected + 4], strict=True))
        votes = {o.pk: sums[pk][n_lines + i] for i, o in enumerate(options)}
        seal = tally_seal(
            key, election_id=election.pk, row={"commission_id": pk} | figures, votes=votes
        )
        rows.append((election.pk, pk, *figures.values(), now, seal))
    with transaction.atomic():
        # Plain statements (TallyVote first: no cascade to collect), each prepared once:
        # the ORM's bulk_create spent longer building the INSERTs than running them.
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {qn(TallyVote._meta.db_table)} WHERE tally_id IN"  # noqa: S608
                f" (SELECT id FROM {qn(_TALLY)} WHERE election_id = %s)",
                [election.pk],
            )
            cursor.execute(f"DELETE FROM {qn(_TALLY)} WHERE election_id = %s", [election.pk])  # noqa: S608
        insert_many(
            Tally, ["election", "commission", *LINE_NAMES, *COUNTERS, "updated_at", "seal"], rows
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT commission_id, id FROM {qn(_TALLY)} WHERE election_id = %s",  # noqa: S608
                [election.pk],
            )
            created = dict(cursor.fetchall())
        insert_many(
            TallyVote,
            ["tally", "option", "votes"],
            [
                (created[pk], o.pk, sums[pk][n_lines + i])
                for pk in non_pec
                for i, o in enumerate(options)
            ],
        )
        report.nodes = len(rows)
        event_record(
            actor=actor,
            role=role,
            action="tally.recompute",
            object_key=election.key,
            payload={
                "election": election.key,
                "accepted": report.accepted,
                "expected": report.expected,
                "breaches": len(report.breaches),
            },
        )
    return report
