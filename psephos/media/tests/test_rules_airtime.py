"""Broadcasts as aired against the drawn slots, and the tally per candidate and outlet."""

from __future__ import annotations

from psephos.media.rules.airtime import (
    Record,
    SlotFrame,
    airtime_tally,
    broadcasts_read,
)
from psephos.media.rules.coding import Problem

SLOTS = {
    "kh-1": SlotFrame("kh-1", "khabar", "tv", 450, None, "abden"),
    "kh-2": SlotFrame("kh-2", "khabar", "tv", 450, None, "tokayev"),
    "vl-1": SlotFrame("vl-1", "vlast", "online", None, 1, "abden"),
    "kh-9": SlotFrame("kh-9", "khabar", "tv", 300, None, ""),
}
CANDIDATES = frozenset({"abden", "tokayev"})
HEADER = "slot,candidate,aired_at,seconds,articles\n"


def test_good_lines_are_read_in_local_time() -> None:
    rows, problems = broadcasts_read(
        (HEADER + "kh-1,abden,2022-11-01T20:00,440,\nvl-1,abden,2022-11-02T09:00,,1\n").encode(),
        "Asia/Almaty",
        SLOTS,
        CANDIDATES,
        frozenset(),
    )
    assert problems == []
    assert [(r.line, r.slot, r.seconds, r.articles) for r in rows] == [
        (2, "kh-1", 440, None),
        (3, "vl-1", None, 1),
    ]
    assert rows[0].aired_at.isoformat() == "2022-11-01T20:00:00+06:00"


def test_every_problem_is_named_with_line_and_column() -> None:
    lines = (
        "kh-1,abden,2022-11-01T20:00,451,\n"  # beyond the slot
        "kh-7,abden,2022-11-01T20:00,60,\n"  # no such slot
        "kh-9,abden,2022-11-01T20:00,60,\n"  # not drawn
        "kh-2,nobody,2022-11-02T20:00,,\n"  # unknown candidate, no seconds
        "vl-1,abden,yesterday,1,1\n"  # seconds on an online slot, bad time
        "kh-2,tokayev,2022-11-02T20:00,60,\n"  # recorded before by this source
        "vl-1,abden,2022-11-02T09:00,,1\n"  # repeated in the file
    )
    _, problems = broadcasts_read(
        (HEADER + lines).encode(), "Asia/Almaty", SLOTS, CANDIDATES, frozenset({"kh-2"})
    )
    assert problems == [
        Problem(2, "seconds", "beyond_slot"),
        Problem(3, "slot", "unknown_slot"),
        Problem(4, "slot", "not_drawn"),
        Problem(5, "seconds", "volume_missing"),
        Problem(5, "slot", "recorded"),
        Problem(5, "candidate", "unknown_candidate"),
        Problem(6, "aired_at", "datetime"),
        Problem(6, "articles", "volume_missing"),
        Problem(7, "slot", "recorded"),
        Problem(8, "slot", "repeated_slot"),
    ]
    _, header = broadcasts_read(b"slot,aired_at\n", "Asia/Almaty", SLOTS, CANDIDATES, frozenset())
    assert header == [Problem(1, "candidate", "header")]
    _, empty = broadcasts_read(HEADER.encode(), "Asia/Almaty", SLOTS, CANDIDATES, frozenset())
    assert empty == [Problem(1, "*", "empty")]


def test_the_tally_prefers_the_monitor_and_shows_airtime_used_off_the_draw() -> None:
    records = [
        Record("kh-1", "outlet", "abden", 450),
        Record("kh-1", "monitor", "abden", 430),  # differs: a disagreement
        Record("kh-2", "outlet", "abden", 450),  # tokayev's slot used by abden
        Record("vl-1", "monitor", "abden", 1),
    ]
    uses, disagreements = airtime_tally(list(SLOTS.values()), records, ["abden", "tokayev"])
    table = {(u.candidate, u.outlet): u for u in uses}
    abden = table[("abden", "khabar")]
    assert (abden.allocated, abden.by_outlet, abden.by_monitor, abden.used, abden.off_draw) == (
        450,
        900,
        430,
        880,
        450,
    )
    tokayev = table[("tokayev", "khabar")]
    assert (tokayev.allocated, tokayev.used) == (450, 0)
    assert (table[("abden", "vlast")].medium, table[("abden", "vlast")].used) == ("online", 1)
    assert [(u.candidate, u.outlet) for u in uses] == [
        ("abden", "khabar"),
        ("abden", "vlast"),
        ("tokayev", "khabar"),
    ]
    assert disagreements == ["kh-1"]
