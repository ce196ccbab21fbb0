"""A station's double-entry round at its TEC: the entries so far and the lines that differ."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from psephos.accounts.access import access_protocol_decide
from psephos.results.models import KeyedEntry
from psephos.results.rules.lines import LINE_NAMES

from .protocols import station_pec_get

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from psephos.accounts.models import User
    from psephos.commissions.models import Commission
    from psephos.elections.models import Election


@dataclass
class KeyingOutcome:
    """``state``: ``awaiting_second``, ``mismatch``, ``submitted`` or ``refused``."""

    state: str
    station: str
    entries: int
    differences: list[str] = field(default_factory=list)
    version: int | None = None
    breaches: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "station": self.station,
            "entries": self.entries,
            "differences": self.differences,
            "version": self.version,
        }


def _round(election: Election, pec: Commission) -> QuerySet[KeyedEntry]:
    """Return the station's entries of the current round: neither submitted nor refused."""
    return KeyedEntry.objects.filter(
        election=election, commission=pec, version__isnull=True, refused=False
    )


def _figures(entry: KeyedEntry) -> dict[str, Any]:
    return {**entry.lines_dict(), "votes": dict(entry.votes)}


def differences(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Names of the lines (and ``votes.<option>``) on which two keyings differ."""
    out = [n for n in LINE_NAMES if a[n] != b[n]]
    keys = sorted(set(a["votes"]) | set(b["votes"]))
    out += [f"votes.{k}" for k in keys if a["votes"].get(k) != b["votes"].get(k)]
    return out


def keying_state(*, user: User, election: Election, station_code: str) -> KeyingOutcome:
    """The current round at a station for its TEC: entries so far and differing lines."""
    pec = station_pec_get(election=election, station_code=station_code)
    access_protocol_decide(user, pec)
    pending = list(_round(election, pec).order_by("pk"))
    if not pending:
        return KeyingOutcome("empty", station_code, 0)
    if len(pending) == 1:
        return KeyingOutcome("awaiting_second", station_code, 1)
    diff = differences(_figures(pending[0]), _figures(pending[1]))
    return KeyingOutcome("mismatch", station_code, len(pending), differences=diff)
