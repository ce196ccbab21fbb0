"""The accepted protocols of an election as other apps read them (integrity, voters)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from ..enums import ProtocolStatus
from ..models import Protocol, ProtocolVote

if TYPE_CHECKING:
    from psephos.elections.models import Election


def protocols_accepted(*, election: Election) -> list[Protocol]:
    """Return the election's accepted protocols with a current version, by station code.

    Each comes with its current version, station, TEC and region loaded.
    """
    return list(
        Protocol.objects.filter(
            election=election, status=ProtocolStatus.ACCEPTED, current__isnull=False
        )
        .select_related("current", "station", "tec", "region")
        .order_by("station__code")
    )


def protocol_votes_by_version(*, version_ids: list[int]) -> dict[int, dict[int, int]]:
    """Return version id → option id → votes for these protocol versions (one query)."""
    votes: dict[int, dict[int, int]] = defaultdict(dict)
    for vid, oid, n in ProtocolVote.objects.filter(version_id__in=version_ids).values_list(
        "version_id", "option_id", "votes"
    ):
        votes[vid][oid] = n
    return dict(votes)


def station_figures_accepted(*, election: Election) -> list[tuple[int, int, int]]:
    """Return (station id, voters on the list, ballots issued) of each accepted protocol.

    In station id order; a figure missing from the current version counts as 0.
    """
    rows = (
        Protocol.objects.filter(election=election, status=ProtocolStatus.ACCEPTED)
        .order_by("station_id")
        .values_list("station_id", "current__voters_on_list", "current__ballots_issued")
    )
    return [(sid, int(on_list or 0), int(issued or 0)) for sid, on_list, issued in rows]
