"""Write a legal calendar as JSON-ready data or as iCalendar (RFC 5545)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vText

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


def _utc(day: dt.date, time: dt.time, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=tz).astimezone(dt.UTC)


def _event(
    e: CalendarEvent, *, election: str, tz: ZoneInfo, stamp: dt.datetime, source_word: str
) -> Event:
    event = Event()
    event.add("uid", f"{e.key}.{election}@psephos")
    event.add("dtstamp", stamp)
    if e.start_time is None and e.end_time is None:
        event.add("dtstart", e.start)
        event.add("dtend", e.last_day + dt.timedelta(days=1))
    else:
        start = _utc(e.start, e.start_time or dt.time(0), tz)
        if e.end_time is not None:
            end = _utc(e.last_day, e.end_time, tz)
        elif e.end is None:
            end = start  # an instant: registration closes at 18:00
        else:
            end = _utc(e.last_day + dt.timedelta(days=1), dt.time(0), tz)
        event.add("dtstart", start)
        event.add("dtend", end)
    event.add("summary", e.title)
    parts = [e.basis, f"{source_word}: {e.source}" if e.source else ""]
    event.add("description", ". ".join(p for p in parts if p))
    return event


def calendar_as_ics(
    cal: ElectionCalendar, *, election: str, name: str, source_word: str = "Source"
) -> str:
    """Return the calendar as an iCalendar document (built by the ``icalendar`` library).

    All-day events use dates; timed ones are written in UTC so that no
    VTIMEZONE block is needed. DTSTAMP is the calling date, so the output is
    the same each time for the same calendar. Each event's DESCRIPTION is its basis and
    ``source_word``: its source (the voter calendar passes both in the reader's
    language). The library escapes text, folds
    lines at 75 octets and ends them with CRLF; properties keep the order added.
    """
    tz = ZoneInfo(cal.timezone)
    stamp = dt.datetime.combine(cal.called, dt.time(0), tzinfo=dt.UTC)
    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//psephos//legal calendar//EN")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", vText(name))
    for e in cal.events:
        calendar.add_component(
            _event(e, election=election, tz=tz, stamp=stamp, source_word=source_word)
        )
    return calendar.to_ical(sorted=False).decode()
