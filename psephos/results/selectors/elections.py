"""Elections as the results pages list them: newest first, names in the active language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from psephos.core.i18n import localized
from psephos.elections.selectors import elections_list

if TYPE_CHECKING:
    from psephos.commissions.models import Commission
    from psephos.elections.models import Election


@dataclass(frozen=True, slots=True)
class ElectionItem:
    key: str
    kind: str
    name: str
    date: dt.date
    status: str
    certified_at: dt.datetime | None


def _items(elections: list[Election]) -> list[ElectionItem]:
    return [
        ElectionItem(
            key=e.key,
            kind=e.kind,
            name=localized(e),
            date=e.date,
            status=e.status,
            certified_at=e.certified_at,
        )
        for e in elections
    ]


def election_list() -> list[ElectionItem]:
    """Return every election, newest first, with its name in the active language."""
    return _items(elections_list())


def election_list_for_commission(*, commission: Commission) -> list[ElectionItem]:
    """Return the elections run on the commission's map, newest first."""
    return _items(elections_list(geography_id=commission.geography_id))
