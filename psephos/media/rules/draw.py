"""The free-airtime draw: commit-reveal, and the allocation as a function anyone can recompute.

Pure Python (``hashlib``, ``hmac``). The procedure:

1. The commission publishes the inputs (the candidates in ballot order and the slots
   the outlets offer) and the SHA-256 of a secret seed (``commitment``) before the draw.
2. At the draw the seed is revealed (e.g. the digits of public dice rolls); anyone
   checks SHA-256(seed) against the commitment.
3. The allocation is ``allocate(seed, candidates, slots)``: for each outlet (by key), the
   candidates are shuffled by a Fisher–Yates shuffle driven by HMAC-SHA256 keyed with the
   seed (message ``"<outlet>:<counter>"``, each output read as a 64-bit integer, uniform
   by rejection), and the outlet's slots, in time order, go to the shuffled candidates in
   turn (slot i to candidate i mod n). Every candidate thus gets the same number of
   slots on an outlet, ±1, and the order differs from outlet to outlet.

``inputs_digest`` is the SHA-256 of the inputs' canonical JSON, recorded with the
commitment so that the inputs cannot be changed after the seed is known.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

_MAX = 1 << 64


@dataclass(frozen=True, slots=True)
class Slot:
    key: str
    outlet: str
    starts_at: str  # ISO date and time, as offered
    seconds: int | None  # broadcast airtime
    articles: int | None  # print or online space


def commitment(seed: str) -> str:
    """Return the SHA-256 (hex) of the seed, as published before the draw."""
    return hashlib.sha256(seed.encode()).hexdigest()


def inputs_digest(candidates: Sequence[str], slots: Sequence[Slot]) -> str:
    """Return the SHA-256 of the draw's inputs in canonical JSON."""
    data = {
        "candidates": list(candidates),
        "slots": [
            [s.key, s.outlet, s.starts_at, s.seconds, s.articles]
            for s in sorted(slots, key=lambda s: s.key)
        ],
    }
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def _numbers(seed: str, label: str) -> Iterator[int]:
    counter = 0
    while True:
        mac = hmac.new(seed.encode(), f"{label}:{counter}".encode(), hashlib.sha256).digest()
        for i in range(0, 32, 8):
            yield int.from_bytes(mac[i : i + 8], "big")
        counter += 1


def shuffle(items: Sequence[str], seed: str, label: str) -> list[str]:
    """Return ``items`` shuffled by Fisher–Yates driven by HMAC-SHA256(seed, label:counter)."""
    out = list(items)
    numbers = _numbers(seed, label)
    for i in range(len(out) - 1, 0, -1):
        bound = i + 1
        limit = _MAX - _MAX % bound  # reject the biased top of the range
        while (value := next(numbers)) >= limit:
            pass
        j = value % bound
        out[i], out[j] = out[j], out[i]
    return out


def allocate(seed: str, candidates: Sequence[str], slots: Sequence[Slot]) -> dict[str, str]:
    """Return slot key → candidate: per outlet, its slots in time order to the shuffled candidates."""
    if not candidates:
        return {}
    out: dict[str, str] = {}
    for outlet in sorted({s.outlet for s in slots}):
        order = shuffle(candidates, seed, outlet)
        mine = sorted((s for s in slots if s.outlet == outlet), key=lambda s: (s.starts_at, s.key))
        for i, slot in enumerate(mine):
            out[slot.key] = order[i % len(order)]
    return out


@dataclass(frozen=True, slots=True)
class SlotRow:
    key: str
    outlet: str
    starts_at: dt.datetime  # aware
    seconds: int | None
    articles: int | None


SLOT_COLUMNS = ("slot", "outlet", "starts_at", "seconds", "articles")


def slots_read(data: bytes, timezone: str) -> tuple[list[SlotRow], list[tuple[int, str, str]]]:
    """Read a CSV of offered slots; return the rows and every (line, column, code) problem.

    Columns ``slot, outlet, starts_at`` (local time in ``timezone`` unless it carries an
    offset), ``seconds`` (TV, radio) or ``articles`` (print, online). Codes: ``encoding``,
    ``header``, ``required``, ``integer``, ``datetime``.
    """
    try:
        lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    except UnicodeDecodeError:
        return [], [(1, "*", "encoding")]
    header = [h.strip() for h in lines[0]] if lines else []
    missing = [c for c in SLOT_COLUMNS[:3] if c not in header]
    if missing:
        return [], [(1, c, "header") for c in missing]
    at = {name: i for i, name in enumerate(header)}
    zone = ZoneInfo(timezone)
    rows: list[SlotRow] = []
    problems: list[tuple[int, str, str]] = []
    for n, cells in enumerate(lines[1:], start=2):
        cell = {
            c: cells[at[c]].strip() if c in at and at[c] < len(cells) else "" for c in SLOT_COLUMNS
        }
        if not any(cell.values()):
            continue
        found = [(n, c, "required") for c in SLOT_COLUMNS[:3] if not cell[c]]
        numbers: dict[str, int | None] = {}
        for c in ("seconds", "articles"):
            numbers[c] = None
            if cell[c]:
                if not cell[c].isdigit():
                    found.append((n, c, "integer"))
                else:
                    numbers[c] = int(cell[c])
        moment: dt.datetime | None = None
        if cell["starts_at"]:
            try:
                moment = dt.datetime.fromisoformat(cell["starts_at"])
            except ValueError:
                found.append((n, "starts_at", "datetime"))
            else:
                moment = moment if moment.tzinfo else moment.replace(tzinfo=zone)
        problems.extend(found)
        if not found and moment is not None:
            rows.append(
                SlotRow(
                    cell["slot"], cell["outlet"], moment, numbers["seconds"], numbers["articles"]
                )
            )
    return rows, problems
