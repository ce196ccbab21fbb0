"""The TEC's review of election-day additions: counts per station, flagged when unusual."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count

from psephos.commissions.selectors import commission_list_children

from ..enums import AdditionBasis, EntrySource
from ..models import ListEntry
from ..rules.additions import additions_unusual

if TYPE_CHECKING:
    from psephos.commissions.models import Commission
    from psephos.elections.models import Election


@dataclass(frozen=True, slots=True)
class AdditionsRow:
    station: str
    residence: int
    unregistered: int
    total: int
    flagged: bool


def additions_review(*, election: Election, tec: Commission) -> list[AdditionsRow]:
    """Return the election-day additions of every station directly below ``tec``.

    Counts by basis (additions later removed again still count: the review is of what
    the PEC did); ``flagged`` by ``rules.additions`` with ``VOTERS_ADDITIONS_FLAG_MIN``
    and ``VOTERS_ADDITIONS_FLAG_FACTOR``. Two queries.
    """
    stations = {
        c.station_id: c.code
        for c in commission_list_children(commission=tec)
        if c.station_id is not None
    }
    counts: dict[tuple[int, str], int] = {
        (row["station_id"], row["basis"]): row["n"]
        for row in ListEntry.objects.filter(
            election=election, source=EntrySource.ELECTION_DAY, station_id__in=list(stations)
        )
        .values("station_id", "basis")
        .annotate(n=Count("id"))
        .order_by()
    }
    rows = [
        (
            code,
            counts.get((pk, AdditionBasis.RESIDENCE), 0),
            counts.get((pk, AdditionBasis.UNREGISTERED), 0),
        )
        for pk, code in sorted(stations.items(), key=lambda item: item[1])
    ]
    flags = additions_unusual(
        [r + u for _c, r, u in rows],
        floor=int(getattr(settings, "VOTERS_ADDITIONS_FLAG_MIN", 10)),
        factor=int(getattr(settings, "VOTERS_ADDITIONS_FLAG_FACTOR", 3)),
    )
    return [
        AdditionsRow(code, r, u, r + u, flag)
        for (code, r, u), flag in zip(rows, flags, strict=True)
    ]
