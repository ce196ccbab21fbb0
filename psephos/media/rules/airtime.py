"""Free airtime as aired: broadcasts recorded against the drawn slots, and use per candidate.

Pure Python. A broadcast is what an outlet or a monitor records for one drawn slot: the
candidate who used it, when it aired and the seconds (TV, radio) or articles (print,
online) used. ``broadcasts_check`` refuses, naming the column, a slot that does not
exist or was not drawn, an unknown candidate, a volume missing or beyond the slot, and a
slot recorded twice by the same source. A broadcast by another candidate than the one
drawn is not refused — it is what oversight must show — but counted apart
(``off_draw``).

``airtime_tally`` sums per candidate and outlet: allocated by the draw, recorded by the
outlet, recorded by the monitor, and used (the monitor's record of a slot where there is
one, else the outlet's); ``disagreements`` lists the slots whose two records differ.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from .coding import BROADCAST, Problem
from .table import integer, moment, table_read

COLUMNS = ("slot", "candidate", "aired_at", "seconds", "articles")
REQUIRED = frozenset({"slot", "candidate", "aired_at"})
SOURCES = ("outlet", "monitor")


@dataclass(frozen=True, slots=True)
class SlotFrame:
    """A slot as the draw left it."""

    key: str
    outlet: str
    medium: str
    seconds: int | None
    articles: int | None
    candidate: str  # drawn; empty before the draw


@dataclass(frozen=True, slots=True)
class BroadcastRow:
    line: int
    slot: str
    candidate: str
    aired_at: dt.datetime
    seconds: int | None
    articles: int | None


def broadcasts_read(
    data: bytes,
    timezone: str,
    slots: Mapping[str, SlotFrame],
    candidates: frozenset[str],
    recorded: frozenset[str],
) -> tuple[list[BroadcastRow], list[Problem]]:
    """Read and check a CSV of broadcasts of one source; return rows and every problem.

    ``recorded``: the slots this source recorded before. Codes besides the table's:
    ``unknown_slot``, ``not_drawn``, ``unknown_candidate``, ``volume_missing``,
    ``beyond_slot``, ``repeated_slot`` (the slot on an earlier line), ``recorded``.
    """
    cells, problems = table_read(data, COLUMNS, REQUIRED)
    zone = ZoneInfo(timezone)
    rows: list[BroadcastRow] = []
    seen: set[str] = set(recorded)
    for n, cell in cells:
        found: list[Problem] = []
        seconds = integer(cell, "seconds", n, found)
        articles = integer(cell, "articles", n, found)
        at = moment(cell, "aired_at", n, zone, found)
        slot = slots.get(cell["slot"])
        if cell["slot"] and slot is None:
            found.append(Problem(n, "slot", "unknown_slot"))
        elif slot is not None and not slot.candidate:
            found.append(Problem(n, "slot", "not_drawn"))
        elif slot is not None:
            found.extend(_volume_problems(slot, seconds, articles, n))
            if cell["slot"] in seen:
                code = "recorded" if cell["slot"] in recorded else "repeated_slot"
                found.append(Problem(n, "slot", code))
            seen.add(cell["slot"])
        if cell["candidate"] and cell["candidate"] not in candidates:
            found.append(Problem(n, "candidate", "unknown_candidate"))
        problems.extend(found)
        if not found and at is not None:
            rows.append(BroadcastRow(n, cell["slot"], cell["candidate"], at, seconds, articles))
    return rows, problems


def _volume_problems(
    slot: SlotFrame, seconds: int | None, articles: int | None, line: int
) -> list[Problem]:
    column, used, offered, other = (
        ("seconds", seconds, slot.seconds, articles)
        if slot.medium in BROADCAST
        else ("articles", articles, slot.articles, seconds)
    )
    if used is None or other is not None:
        return [Problem(line, column, "volume_missing")]
    if used > (offered or 0):
        return [Problem(line, column, "beyond_slot")]
    return []


@dataclass(frozen=True, slots=True)
class Record:
    """A stored broadcast, as the tally reads it."""

    slot: str
    source: str
    candidate: str
    volume: int  # seconds or articles


@dataclass(frozen=True, slots=True)
class OutletUse:
    candidate: str
    outlet: str
    medium: str
    allocated: int
    by_outlet: int
    by_monitor: int
    used: int
    off_draw: int  # used in slots drawn for another candidate


def airtime_tally(
    slots: Sequence[SlotFrame], records: Sequence[Record], candidates: Sequence[str]
) -> tuple[list[OutletUse], list[str]]:
    """Return the use per candidate and outlet (candidates in ballot order, outlets by key)
    and the slots whose outlet and monitor records differ (candidate or volume)."""
    by_slot = {s.key: s for s in slots}
    table: dict[tuple[str, str], list[int]] = {}  # allocated, outlet, monitor, used, off

    def row(candidate: str, outlet: str) -> list[int]:
        return table.setdefault((candidate, outlet), [0, 0, 0, 0, 0])

    for s in slots:
        if s.candidate:
            row(s.candidate, s.outlet)[0] += s.seconds or s.articles or 0
    per_slot: dict[str, dict[str, Record]] = {}
    for r in records:
        per_slot.setdefault(r.slot, {})[r.source] = r
        row(r.candidate, by_slot[r.slot].outlet)[1 if r.source == "outlet" else 2] += r.volume
    disagreements: list[str] = []
    for key, recs in sorted(per_slot.items()):
        chosen = recs.get("monitor") or recs["outlet"]
        slot = by_slot[key]
        cells = row(chosen.candidate, slot.outlet)
        cells[3] += chosen.volume
        if chosen.candidate != slot.candidate:
            cells[4] += chosen.volume
        if len(recs) == 2 and (
            (recs["outlet"].candidate, recs["outlet"].volume)
            != (recs["monitor"].candidate, recs["monitor"].volume)
        ):
            disagreements.append(key)
    media = {s.outlet: s.medium for s in slots}
    order = {c: i for i, c in enumerate(candidates)}
    uses = [
        OutletUse(c, o, media[o], *cells)
        for (c, o), cells in sorted(table.items(), key=lambda x: (order.get(x[0][0], 99), x[0][1]))
    ]
    return uses, disagreements
