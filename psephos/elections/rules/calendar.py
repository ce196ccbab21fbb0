"""The legal calendar: every deadline of an election from its calling date and profile.

Pure functions over dates. Days are calendar days; a period ``start … end``
includes both days; a time, where the law gives one, is local to the election's
territory. ``election_calendar`` returns the events in date order with the
rule each was computed by, and warnings where a recorded event (an
inauguration, a gazette publication) came before a challenge window closed.
"""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from dataclasses import dataclass, field

from .calendar_profiles import CalendarProfile, DisputeProfile

DAY = dt.timedelta(days=1)


class CalendarError(ValueError):
    """The dates cannot form a lawful calendar under the profile."""


@dataclass(frozen=True, slots=True)
class CalendarEvent:
    key: str
    title: str
    start: dt.date
    end: dt.date | None = None  # last day, inclusive; None for a one-day event
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    basis: str = ""  # how the date follows from the calling date or voting day
    source: str = ""

    @property
    def last_day(self) -> dt.date:
        return self.end or self.start


@dataclass(frozen=True, slots=True)
class ElectionCalendar:
    called: dt.date
    voting: dt.date
    timezone: str
    events: tuple[CalendarEvent, ...]
    challengeable_until: dt.date  # last day a results challenge may be filed
    warnings: tuple[str, ...] = field(default=())

    def get(self, key: str) -> CalendarEvent:
        """Return the event with this key; raise ``KeyError`` if the profile has none."""
        for event in self.events:
            if event.key == key:
                return event
        raise KeyError(key)


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the same day ``months`` later, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, monthrange(year, month)[1]))


def election_calendar(
    *,
    called: dt.date,
    voting: dt.date,
    calendar: CalendarProfile,
    disputes: DisputeProfile,
    timezone: str = "Asia/Almaty",
    results_announced: dt.date | None = None,
    recorded: tuple[tuple[str, dt.date], ...] = (),
) -> ElectionCalendar:
    """Return the calendar of an election called on ``called`` for voting on ``voting``.

    ``results_announced`` is the day final results were announced, when known;
    otherwise the profile's statutory day is used. Raise ``CalendarError`` when
    the voting day is not after the call, falls outside the profile's window, or
    leaves a period empty.
    """
    if voting <= called:
        raise CalendarError(f"voting day {voting} must come after the calling date {called}")
    c = calendar
    if c.min_months_after_calling is not None:
        earliest = add_months(called, c.min_months_after_calling)
        if voting < earliest:
            raise CalendarError(
                f"voting day {voting} is earlier than {c.min_months_after_calling} month(s) "
                f"after the call ({earliest})"
            )
    if c.max_months_after_calling is not None:
        latest = add_months(called, c.max_months_after_calling)
        if voting > latest:
            raise CalendarError(
                f"voting day {voting} is later than {c.max_months_after_calling} months "
                f"after the call ({latest})"
            )

    def before(days: int) -> dt.date:
        return voting - days * DAY

    events: list[CalendarEvent] = [
        CalendarEvent("called", "Election called", called, basis="calling date", source="decree")
    ]
    add = events.append
    if c.calendar_plan_after_calling is not None:
        add(
            CalendarEvent(
                "calendar_plan",
                "Commission approves the calendar plan",
                called + c.calendar_plan_after_calling * DAY,
                basis=f"call + {c.calendar_plan_after_calling}",
                source="Astana Times 22.09.2022",
            )
        )
    if c.list_extraction_days_after_calling is not None:
        add(
            CalendarEvent(
                "list_extraction",
                "Akimats extract voter lists per precinct",
                called,
                called + c.list_extraction_days_after_calling * DAY,
                basis=f"call … call + {c.list_extraction_days_after_calling}",
                source="[R] §VI",
            )
        )
    if c.stations_published_after_calling is not None:
        published = called + c.stations_published_after_calling * DAY
        add(
            CalendarEvent(
                "stations_published",
                "Polling station boundaries and commission composition published",
                published,
                basis=f"call + {c.stations_published_after_calling}",
                source="[R] fn27",
            )
        )
        if c.list_verification:
            add(
                CalendarEvent(
                    "list_verification",
                    "Precinct commissions verify the voter lists",
                    published,
                    before(1),
                    basis="publication … voting − 1",
                    source="[R] §VI",
                )
            )
    nomination_close: dt.date | None = None
    if c.nomination_opens_after_calling is not None and c.nomination_closes_before_voting:
        nomination_open = called + c.nomination_opens_after_calling * DAY
        nomination_close = before(c.nomination_closes_before_voting)
        if nomination_close < nomination_open:
            raise CalendarError(
                f"voting day {voting} leaves no nomination period: nomination would open "
                f"{nomination_open} and close {nomination_close}"
            )
        add(
            CalendarEvent(
                "nomination",
                "Nomination of candidates",
                nomination_open,
                nomination_close,
                end_time=c.nomination_closes_at,
                basis=f"call + {c.nomination_opens_after_calling} … voting − {c.nomination_closes_before_voting}",
                source="Kazinform 22.09.2022",
            )
        )
    campaign_start = called
    campaign_start_time: dt.time | None = None
    if c.registration_closes_before_voting is not None:
        registration_close = before(c.registration_closes_before_voting)
        if nomination_close is not None and registration_close <= nomination_close:
            raise CalendarError(
                f"registration would close {registration_close}, not after nomination ({nomination_close})"
            )
        add(
            CalendarEvent(
                "registration_closes",
                "Registration of candidates closes",
                registration_close,
                start_time=c.registration_closes_at,
                basis=f"voting − {c.registration_closes_before_voting}",
                source="Kazinform 21.10.2022",
            )
        )
        if c.campaign_starts_with_registration_close:
            campaign_start, campaign_start_time = registration_close, c.registration_closes_at
        if c.registration_challenge_days is not None:
            filing_end = registration_close + c.registration_challenge_days * DAY
            add(
                CalendarEvent(
                    "registration_challenges",
                    "Registration decisions may be challenged at the Supreme Court",
                    registration_close,
                    filing_end,
                    basis=f"last registration decision + {c.registration_challenge_days}",
                    source="[P] fn77",
                )
            )
            if c.registration_ruling_days is not None:
                add(
                    CalendarEvent(
                        "registration_rulings_due",
                        "Last day for the Supreme Court to rule on registration",
                        filing_end + c.registration_ruling_days * DAY,
                        basis=f"last filing day + {c.registration_ruling_days}",
                        source="[P] fn77",
                    )
                )
    silence_start = before(c.silence_days)
    add(
        CalendarEvent(
            "campaign",
            "Campaign period",
            campaign_start,
            silence_start - DAY,
            start_time=campaign_start_time,
            basis="registration close … the day before the silence day"
            if c.campaign_starts_with_registration_close
            else "call … the day before the silence day",
            source="[P] §VIII; [R] §VII",
        )
    )
    if c.place_of_stay_before_voting is not None:
        add(
            CalendarEvent(
                "place_of_stay_deadline",
                "Last day to apply for inclusion at the place of stay",
                before(c.place_of_stay_before_voting),
                basis=f"voting − {c.place_of_stay_before_voting}",
                source="[P] §VI",
            )
        )
    if c.list_display_before_voting is not None:
        add(
            CalendarEvent(
                "list_display",
                "Voter lists open for public checking",
                before(c.list_display_before_voting),
                before(1),
                basis=f"voting − {c.list_display_before_voting} … voting − 1",
                source="[P] §VI",
            )
        )
    add(
        CalendarEvent(
            "avc",
            "Absentee voting certificates issued",
            before(c.avc_opens_before_voting),
            before(1),
            end_time=c.avc_closes_at,
            basis=f"voting − {c.avc_opens_before_voting} … 18:00 on voting − 1",
            source="§8; [R] §VI; [P] §VI, fn38",
        )
    )
    if c.observer_rules_before_voting is not None:
        add(
            CalendarEvent(
                "observer_rules",
                "Commission decides which associations may observe",
                before(c.observer_rules_before_voting),
                basis=f"voting − {c.observer_rules_before_voting}",
                source="[R] §X",
            )
        )
    if c.eday_registration_announced_before_voting is not None:
        add(
            CalendarEvent(
                "eday_registration_announced",
                "Stations with election-day registration announced",
                before(c.eday_registration_announced_before_voting),
                basis=f"voting − {c.eday_registration_announced_before_voting}",
                source="[P] §VI",
            )
        )
    d = disputes
    add(
        CalendarEvent(
            "immediate_complaints",
            "Complaints are considered immediately",
            before(d.immediate_days_before_voting),
            voting,
            basis=f"voting − {d.immediate_days_before_voting} … voting day",
            source="[R] fn62",
        )
    )
    add(
        CalendarEvent(
            "silence",
            "Silence day: no campaigning",
            silence_start,
            before(1) if c.silence_days > 1 else None,
            basis=f"voting − {c.silence_days}",
            source="[R] §VII",
        )
    )
    add(
        CalendarEvent(
            "voting",
            "Voting day",
            voting,
            start_time=c.voting_opens,
            end_time=c.voting_closes,
            basis="voting day",
            source="decree",
        )
    )
    add(
        CalendarEvent(
            "preliminary_results",
            "Preliminary results",
            voting + c.preliminary_results_after_voting * DAY,
            basis=f"voting + {c.preliminary_results_after_voting}",
            source="[P] §XIV; [R] §XI",
        )
    )
    results = results_announced or voting + c.results_after_voting * DAY
    add(
        CalendarEvent(
            "results",
            "Final results announced",
            results,
            basis="announced" if results_announced else f"voting + {c.results_after_voting}",
            source="[P] §XIV; [R] §XI",
        )
    )
    if c.gazette_after_voting is not None:
        add(
            CalendarEvent(
                "gazette",
                "Results published in the official gazette",
                voting + c.gazette_after_voting * DAY,
                basis=f"voting + {c.gazette_after_voting}",
                source="[R] §XI",
            )
        )
    if c.finance_reports_after_results is not None:
        add(
            CalendarEvent(
                "finance_reports",
                "Candidates' finance reports due",
                results + c.finance_reports_after_results * DAY,
                basis=f"results + {c.finance_reports_after_results}",
                source="[P] §IX",
            )
        )
    add(
        CalendarEvent(
            "voting_day_complaints",
            "Complaints about voting-day actions may be filed",
            voting,
            voting + d.filing_days * DAY,
            basis=f"voting + {d.filing_days}",
            source="[R] §IX; [P] fn76",
        )
    )
    challengeable_until = results + d.results_challenge_days * DAY
    add(
        CalendarEvent(
            "results_challenge",
            f"Results may be challenged ({d.results_challenge_body})",
            results,
            challengeable_until,
            basis=f"results + {d.results_challenge_days}",
            source="[P] §XI; [R] §IX",
        )
    )
    warnings = tuple(
        f"{key} on {day.isoformat()} came before the results challenge window closed "
        f"(until {challengeable_until.isoformat()})"
        for key, day in recorded
        if day <= challengeable_until
    )
    events.sort(key=lambda e: (e.start, e.last_day))
    return ElectionCalendar(
        called=called,
        voting=voting,
        timezone=timezone,
        events=tuple(events),
        challengeable_until=challengeable_until,
        warnings=warnings,
    )
