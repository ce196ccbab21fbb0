"""Tabulation: sums of accepted protocols at every commission, from PEC up to the CEC."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import F

from psephos.core import clock
from psephos.core.sql import db_value, qn
from psephos.ledger.actors import SYSTEM
from psephos.ledger.services.events import event_record
from psephos.results.models import Tally, TallyVote
from psephos.results.rules.lines import LINE_NAMES
from psephos.results.selectors.tabulation import TabulationReport, tally_sums
from psephos.results.services.seals import tally_seals_write

if TYPE_CHECKING:
    from psephos.commissions.models import Commission
    from psephos.elections.models import Election


def _tally_received_add(election: Election, ancestor_ids: list[int], now: Any) -> int:
    """Count one more received protocol in the tallies above a station; return how many exist."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(Tally._meta.db_table)} SET updated_at = %s, received = received + 1"  # noqa: S608
            f" WHERE election_id = %s AND commission_id IN ({', '.join(['%s'] * len(ancestor_ids))})",
            [db_value(Tally, "updated_at", now), election.pk, *ancestor_ids],
        )
        found = int(cursor.rowcount)
    tally_seals_write(election_id=election.pk, commission_ids=ancestor_ids)
    return found


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
    """Add figures and counters to the tallies above a station (one UPDATE per option).

    Return how many of the ancestors' tallies exist; fewer than ``ancestor_ids``
    means the caller must rebuild them with ``tally_recompute``. The changed tallies
    are sealed again (``tally_seals_write``).
    """
    changes: dict[str, Any] = {"updated_at": clock.now()}
    if lines is not None:
        changes |= {name: F(name) + value for name, value in lines.items() if value}
    if received:
        changes["received"] = F("received") + received
    if accepted:
        changes["accepted"] = F("accepted") + accepted
    if cancelled:
        changes["cancelled"] = F("cancelled") + cancelled
    found = Tally.objects.filter(election=election, commission_id__in=ancestor_ids).update(
        **changes
    )
    for option_id, count in votes.items():
        if count:
            TallyVote.objects.filter(
                tally__election=election,
                tally__commission_id__in=ancestor_ids,
                option_id=option_id,
            ).update(votes=F("votes") + count)
    tally_seals_write(election_id=election.pk, commission_ids=ancestor_ids)
    return found


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
    with transaction.atomic():
        Tally.objects.filter(election=election).delete()
        tallies = [
            Tally(
                election=election,
                commission_id=pk,
                **dict(zip(LINE_NAMES, sums[pk][:n_lines], strict=True)),
                expected=sums[pk][off_expected],
                received=sums[pk][off_expected + 1],
                accepted=sums[pk][off_expected + 2],
                cancelled=sums[pk][off_expected + 3],
            )
            for pk in non_pec
        ]
        Tally.objects.bulk_create(tallies, batch_size=2000)
        created = {
            t.commission_id: t.pk
            for t in Tally.objects.filter(election=election).only("pk", "commission_id")
        }
        TallyVote.objects.bulk_create(
            [
                TallyVote(tally_id=created[pk], option_id=o.pk, votes=sums[pk][n_lines + i])
                for pk in non_pec
                for i, o in enumerate(options)
            ],
            batch_size=5000,
        )
        tally_seals_write(election_id=election.pk)
        report.nodes = len(tallies)
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
