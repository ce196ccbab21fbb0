"""Which ledger events fix a station's published figures (no Django).

A protocol's figures enter the ledger in one of two ways: the acceptance (or a
correction or recount) event carries the lines and votes itself, or it names the
version whose submission event carries them. The latest such event for
``<election key>/<station code>`` is the one the published row must equal; a later
cancellation or return clears it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

FIGURE_ACTIONS = frozenset({"protocol.accept", "protocol.correct", "protocol.recount"})
CLEARING_ACTIONS = frozenset({"protocol.cancel", "protocol.return"})
SUBMIT_ACTION = "protocol.submit"
RELEVANT_ACTIONS = FIGURE_ACTIONS | CLEARING_ACTIONS | {SUBMIT_ACTION}


@dataclass(frozen=True, slots=True)
class StationFigures:
    """The decisive event of one station and the figures it fixes (``None`` if it fixes none)."""

    action: str
    seq: int
    sources: tuple[int, ...]  # positions in the event list of every event the figures rest on
    lines: dict[str, int] | None
    votes: dict[str, int] | None


def figures_from_payload(
    payload: dict[str, Any], lines: Sequence[str]
) -> tuple[dict[str, int], dict[str, int]] | None:
    """Return (lines, votes) carried by an event payload, or None if it carries none.

    Both shapes are read: ``{"lines": {...}, "votes": {...}}`` and the lines at the top
    level beside ``"votes"``.
    """
    votes = payload.get("votes")
    nested = payload.get("lines")
    source = nested if isinstance(nested, dict) else payload
    found = {n: source[n] for n in lines if n in source}
    if not isinstance(votes, dict) or len(found) != len(lines):
        return None
    return found, votes


def latest_figures(
    events: Sequence[dict[str, Any]], *, election: str, lines: Sequence[str]
) -> dict[str, StationFigures]:
    """Return, per station code, the latest decisive event and the figures it fixes.

    ``events`` are in sequence order, each with ``seq``, ``action``, ``object_key``
    and ``payload``; events of other elections and other actions are skipped.
    """
    prefix = election + "/"
    decisive: dict[str, int] = {}
    submitted: dict[tuple[str, Any], int] = {}
    for index, event in enumerate(events):
        key = event["object_key"]
        action = event["action"]
        if action not in RELEVANT_ACTIONS or not key.startswith(prefix):
            continue
        station = key[len(prefix) :]
        if action == SUBMIT_ACTION:
            submitted[(station, event["payload"].get("version"))] = index
        else:
            decisive[station] = index
    out: dict[str, StationFigures] = {}
    for station, index in decisive.items():
        event = events[index]
        sources: tuple[int, ...] = (index,)
        carried = None
        if event["action"] in FIGURE_ACTIONS:
            carried = figures_from_payload(event["payload"], lines)
            if carried is None:
                source = submitted.get((station, event["payload"].get("version")))
                if source is not None and source < index:
                    carried = figures_from_payload(events[source]["payload"], lines)
                    sources = (index, source)
        out[station] = StationFigures(
            action=event["action"],
            seq=int(event["seq"]),
            sources=sources,
            lines=carried[0] if carried else None,
            votes=carried[1] if carried else None,
        )
    return out


def figure_differences(
    row: dict[str, Any], figures: StationFigures, *, lines: Sequence[str], options: Sequence[str]
) -> list[tuple[str, Any, Any]]:
    """Return (column, row value, event value) for every column where they differ."""
    assert figures.lines is not None and figures.votes is not None
    out = [
        (n, row.get(n), figures.lines.get(n)) for n in lines if row.get(n) != figures.lines.get(n)
    ]
    out += [
        (k, row.get(k), figures.votes.get(k)) for k in options if row.get(k) != figures.votes.get(k)
    ]
    return out
