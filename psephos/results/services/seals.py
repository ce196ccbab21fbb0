"""Write the seals of stored tallies after the results services change them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from psephos.ledger.services.keys import derived_key
from psephos.results.models import Tally, TallyVote
from psephos.results.rules.seals import seal_of
from psephos.results.selectors.seals import SEAL_PURPOSE, SEALED_FIELDS, tally_row_message


def tally_seals_write(*, election_id: int, commission_ids: Iterable[int] | None = None) -> int:
    """Recompute and store the seals of the election's tallies (all, or these commissions').

    Precondition: called inside the transaction of the service that changed the tallies,
    after its last write to them, so the figures sealed are the ones committed. Three
    queries whatever the number of tallies; returns how many were sealed.
    """
    tallies = Tally.objects.filter(election_id=election_id)
    if commission_ids is not None:
        tallies = tallies.filter(commission_id__in=list(commission_ids))
    rows = list(tallies.values(*SEALED_FIELDS))
    if not rows:
        return 0
    votes: dict[int, dict[int, int]] = defaultdict(dict)
    for tally_id, option_id, count in TallyVote.objects.filter(
        tally_id__in=[r["id"] for r in rows]
    ).values_list("tally_id", "option_id", "votes"):
        votes[tally_id][option_id] = count
    key = derived_key(SEAL_PURPOSE)
    sealed = [
        Tally(
            pk=row["id"],
            seal=seal_of(
                key, tally_row_message(election_id=election_id, row=row, votes=votes[row["id"]])
            ),
        )
        for row in rows
    ]
    Tally.objects.bulk_update(sealed, ["seal"], batch_size=2000)
    return len(sealed)
