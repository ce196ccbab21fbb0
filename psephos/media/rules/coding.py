"""Read and check coded items: a CSV of items against a monitoring plan.

Pure Python. A coded item is checked against its plan (``PlanFrame``): the outlet is in
the plan, the local time falls in the daily window and the date in the period, the
subject is a known one, the volume fits the programme, the tone is on the scale. The
volume is seconds for TV and radio, the area in cm² for print (characters may be given
too) and characters online. Every
problem names its field (the CSV column) with a stable code; a file is read whole and
every problem of every line is listed, so an import is all or nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

COLUMNS = (
    "item",
    "outlet",
    "aired_at",
    "programme",
    "programme_seconds",
    "subject",
    "seconds",
    "characters",
    "area",
    "tone",
    "women",
    "men",
    "language",
    "coder",
)
REQUIRED = frozenset(
    {"item", "outlet", "aired_at", "programme", "subject", "tone", "language", "coder"}
)
# The values of the app's enums (``media.enums``; a test keeps them equal).
PROGRAMMES = (
    "news",
    "current_affairs",
    "paid",
    "free_airtime",
    "debate",
    "voter_information",
    "other",
)
LANGUAGES = ("kk", "ru", "other")
BROADCAST = frozenset({"tv", "radio"})
PRINT = "print"  # volume in cm² of the page (``area``); online in characters
DAY_MINUTES = 1440


def volume_unit(medium: str) -> str:
    """Return the unit an item's volume is counted in for ``medium``.

    Seconds for TV and radio, cm² for print, characters for online: volumes in
    different units are never added together.
    """
    if medium in BROADCAST:
        return "second"
    return "cm2" if medium == PRINT else "character"


# A coder is a pseudonymous code the team issues, never a name: one to four letters, an
# optional hyphen, one to four digits (c1, EOM-12, KZ07). The digits are required and
# the letters too few for a name, so what enters the public ledger names nobody.
CODER_CODE = re.compile(r"^[A-Za-z]{1,4}-?[0-9]{1,4}$")


def coder_code_ok(code: str) -> bool:
    """Return whether ``code`` has the pseudonymous coder code's format (``CODER_CODE``)."""
    return CODER_CODE.fullmatch(code) is not None


@dataclass(frozen=True, slots=True)
class PlanFrame:
    """What a coded item is checked against."""

    starts_on: dt.date
    ends_on: dt.date
    window_start: int  # minutes after local midnight
    window_end: int  # exclusive; 1440 is the midnight that ends the day
    timezone: str
    outlets: Mapping[str, str]  # outlet key → medium
    subjects: frozenset[str]
    coders: frozenset[str]
    tone_min: int = -1
    tone_max: int = 1
    # Several daily windows, (start, end) in order; empty: window_start–window_end.
    windows: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class ItemRow:
    item: str
    outlet: str
    aired_at: dt.datetime  # aware
    programme: str
    programme_seconds: int | None
    subject: str
    seconds: int | None
    characters: int | None
    tone: int
    women: int
    men: int
    language: str
    coder: str
    area: int | None = None  # cm², print
    line: int = 0  # the file's line it was read from (0: not from a file)


@dataclass(frozen=True, slots=True)
class Problem:
    line: int  # the file's line; the header is line 1
    column: str  # the field, or "*" for the whole file
    code: str


def windows_ok(windows: tuple[tuple[int, int], ...]) -> bool:
    """Return whether daily windows are usable: at least one, each within the day
    (0–1440 minutes, 1440 the midnight that ends it) and starting before it ends, in
    order and not overlapping (one may end where the next starts)."""
    previous_end = 0
    for start, end in windows:
        if not previous_end <= start < end <= DAY_MINUTES:
            return False
        previous_end = end
    return bool(windows)


def minute_of_day(moment: dt.datetime, timezone: str) -> tuple[dt.date, float]:
    """Return the local date of ``moment`` and its minute after local midnight."""
    local = moment.astimezone(ZoneInfo(timezone))
    return local.date(), local.hour * 60 + local.minute + local.second / 60


def item_problems(row: ItemRow, frame: PlanFrame) -> list[tuple[str, str]]:
    """Return (field, code) for every way ``row`` breaks ``frame``; empty when it fits.

    Codes: ``unknown_outlet``, ``outside_period``, ``outside_window``, ``unknown_choice``,
    ``unknown_subject``, ``volume_missing``, ``beyond_programme``, ``outside_scale``,
    ``coder_format`` (not a pseudonymous code, ``CODER_CODE``), ``unknown_coder``.
    """
    out: list[tuple[str, str]] = []
    medium = frame.outlets.get(row.outlet)
    if medium is None:
        out.append(("outlet", "unknown_outlet"))
    day, minute = minute_of_day(row.aired_at, frame.timezone)
    if not frame.starts_on <= day <= frame.ends_on:
        out.append(("aired_at", "outside_period"))
    elif not any(
        start <= minute < end
        for start, end in frame.windows or ((frame.window_start, frame.window_end),)
    ):
        out.append(("aired_at", "outside_window"))
    if row.programme not in PROGRAMMES:
        out.append(("programme", "unknown_choice"))
    if row.subject not in frame.subjects:
        out.append(("subject", "unknown_subject"))
    if medium in BROADCAST and row.seconds is None:
        out.append(("seconds", "volume_missing"))
    if medium == PRINT and row.area is None:
        out.append(("area", "volume_missing"))
    if medium is not None and medium not in BROADCAST | {PRINT} and row.characters is None:
        out.append(("characters", "volume_missing"))
    if (
        row.seconds is not None
        and row.programme_seconds is not None
        and row.seconds > row.programme_seconds
    ):
        out.append(("seconds", "beyond_programme"))
    if not frame.tone_min <= row.tone <= frame.tone_max:
        out.append(("tone", "outside_scale"))
    if row.language not in LANGUAGES:
        out.append(("language", "unknown_choice"))
    if not coder_code_ok(row.coder):
        out.append(("coder", "coder_format"))
    elif row.coder not in frame.coders:
        out.append(("coder", "unknown_coder"))
    return out


def items_read(data: bytes, frame: PlanFrame) -> tuple[list[ItemRow], list[Problem]]:
    """Read a CSV of coded items (UTF-8, a header naming ``COLUMNS`` in any order).

    Return the rows and every problem; rows are meaningful only when there is none.
    Besides ``item_problems``' codes: ``encoding``, ``empty``, ``header``, ``required``,
    ``integer``, ``datetime`` and ``repeated`` (the item, subject and coder appear on an
    earlier line).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [Problem(1, "*", "encoding")]
    lines = list(csv.reader(io.StringIO(text)))
    if len(lines) < 2:
        return [], [Problem(1, "*", "empty")]
    header = [h.strip() for h in lines[0]]
    missing = [c for c in COLUMNS if c in REQUIRED and c not in header]
    if missing:
        return [], [Problem(1, c, "header") for c in missing]
    at = {name: i for i, name in enumerate(header)}
    zone = ZoneInfo(frame.timezone)
    rows: list[ItemRow] = []
    problems: list[Problem] = []
    seen: set[tuple[str, str, str]] = set()
    for n, cells in enumerate(lines[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        row, found = _row(cells, at, zone, n)
        problems.extend(Problem(n, column, code) for column, code in found)
        if row is None:
            continue
        problems.extend(Problem(n, column, code) for column, code in item_problems(row, frame))
        key = (row.item, row.subject, row.coder)
        if key in seen:
            problems.append(Problem(n, "item", "repeated"))
        seen.add(key)
        rows.append(row)
    return rows, problems


def _row(
    cells: list[str], at: dict[str, int], zone: ZoneInfo, line: int
) -> tuple[ItemRow | None, list[tuple[str, str]]]:
    def cell(name: str) -> str:
        i = at.get(name)
        return cells[i].strip() if i is not None and i < len(cells) else ""

    found: list[tuple[str, str]] = [
        (c, "required") for c in COLUMNS if c in REQUIRED and not cell(c)
    ]
    numbers: dict[str, int | None] = {}
    for name in ("programme_seconds", "seconds", "characters", "area", "women", "men", "tone"):
        text = cell(name)
        numbers[name] = None
        if text:
            try:
                numbers[name] = int(text)
            except ValueError:
                found.append((name, "integer"))
                continue
            if name != "tone" and numbers[name] < 0:  # type: ignore[operator]
                found.append((name, "integer"))
    aired: dt.datetime | None = None
    if cell("aired_at"):
        try:
            aired = dt.datetime.fromisoformat(cell("aired_at"))
        except ValueError:
            found.append(("aired_at", "datetime"))
        else:
            if aired.tzinfo is None:
                aired = aired.replace(tzinfo=zone)
    if found or aired is None or numbers["tone"] is None:
        return None, found
    return (
        ItemRow(
            item=cell("item"),
            outlet=cell("outlet"),
            aired_at=aired,
            programme=cell("programme"),
            programme_seconds=numbers["programme_seconds"],
            subject=cell("subject"),
            seconds=numbers["seconds"],
            characters=numbers["characters"],
            area=numbers["area"],
            tone=numbers["tone"],
            women=numbers["women"] or 0,
            men=numbers["men"] or 0,
            language=cell("language"),
            coder=cell("coder"),
            line=line,
        ),
        [],
    )
