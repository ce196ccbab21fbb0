"""Write a legal calendar as JSON-ready data or as iCalendar (RFC 5545)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from .rules.calendar import CalendarEvent, ElectionCalendar


def calendar_as_dict(cal: ElectionCalendar, *, election: str) -> dict[str, Any]:
    """Return the calendar as plain JSON-ready data."""
    return {
        "election": election,
        "called": cal.called.isoformat(),
        "voting": cal.voting.isoformat(),
        "timezone": cal.timezone,
        "challengeable_until": cal.challengeable_until.isoformat(),
        "events": [
            {
                "key": e.key,
                "title": e.title,
                "start": e.start.isoformat(),
                "end": e.end.isoformat() if e.end else None,
                "start_time": e.start_time.strftime("%H:%M") if e.start_time else None,
                "end_time": e.end_time.strftime("%H:%M") if e.end_time else None,
                "basis": e.basis,
                "source": e.source,
            }
            for e in cal.events
        ],
        "warnings": list(cal.warnings),
    }


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character."""
    out: list[str] = []
    current = b""
    for ch in line:
        b = ch.encode()
        if len(current) + len(b) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += b
    out.append(current.decode())
    return "\r\n ".join(out)


def _utc(day: dt.date, time: dt.time, tz: ZoneInfo) -> str:
    return dt.datetime.combine(day, time, tzinfo=tz).astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(e: CalendarEvent, *, election: str, tz: ZoneInfo, stamp: str) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{e.key}.{election}@psephos", f"DTSTAMP:{stamp}"]
    if e.start_time is None and e.end_time is None:
        lines.append(f"DTSTART;VALUE=DATE:{e.start:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{e.last_day + dt.timedelta(days=1):%Y%m%d}")
    else:
        start = _utc(e.start, e.start_time or dt.time(0), tz)
        if e.end_time is not None:
            end = _utc(e.last_day, e.end_time, tz)
        elif e.end is None:
            end = start  # an instant: registration closes at 18:00
        else:
            end = _utc(e.last_day + dt.timedelta(days=1), dt.time(0), tz)
        lines.append(f"DTSTART:{start}")
        lines.append(f"DTEND:{end}")
    lines.append(f"SUMMARY:{_escape(e.title)}")
    lines.append(f"DESCRIPTION:{_escape(f'{e.basis}. Source: {e.source}')}")
    lines.append("END:VEVENT")
    return lines


def calendar_as_ics(cal: ElectionCalendar, *, election: str, name: str) -> str:
    """Return the calendar as an iCalendar document with CRLF line endings.

    All-day events use dates; timed ones are written in UTC so that no
    VTIMEZONE block is needed. DTSTAMP is the calling date, so the output is
    the same each time for the same calendar.
    """
    tz = ZoneInfo(cal.timezone)
    stamp = f"{cal.called:%Y%m%d}T000000Z"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//psephos//legal calendar//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(name)}",
    ]
    for e in cal.events:
        lines.extend(_event_lines(e, election=election, tz=tz, stamp=stamp))
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
