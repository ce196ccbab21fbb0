"""Calendar and dispute parameters of an election type, and the dates of known elections.

Plain data, no Django. Each parameter names where its value comes from
(``shared/reference`` kazakhstan-rules.md §8, §11, §12; [P] presidential report,
[R] referendum report). Offsets are calendar days; ``None`` means the event does
not exist under that profile.

The calling date of an election is data, not a model field: ``ELECTION_DATES``
holds it per election key, with the voting day, the day final results were
announced and events that actually happened (an inauguration). A new election
adds one row here, or passes the calling date on the command line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Who may file a complaint (the complainant's capacity). The first three are
# private persons: their names are masked on every public page.
PRIVATE_COMPLAINANTS = frozenset({"voter", "observer", "citizen"})
COMPLAINANT_KINDS = (
    "voter",
    "observer",
    "citizen",
    "candidate",
    "nominating_body",
    "observer_organisation",
    "commission",
    "president",
    "chamber_speaker",
    "mps_one_fifth",
    "prime_minister",
)


@dataclass(frozen=True, slots=True)
class CalendarProfile:
    """Offsets that turn a calling date and a voting day into the legal calendar."""

    key: str
    kind: str  # "presidential" | "referendum"
    voting_opens: dt.time = dt.time(7, 0)
    voting_closes: dt.time = dt.time(20, 0)
    # Days before voting day on which ballots may also be issued; the 2022 law has no
    # early voting (kazakhstan-rules.md §8: one voting day, mobile boxes within its hours).
    early_voting_days: int = 0
    # Referendum: voting 1 to 3 months after the call ([R] §IV). None: no limit known.
    min_months_after_calling: int | None = None
    max_months_after_calling: int | None = None
    calendar_plan_after_calling: int | None = None
    nomination_opens_after_calling: int | None = None
    nomination_closes_before_voting: int | None = None
    nomination_closes_at: dt.time = dt.time(18, 0)
    registration_closes_before_voting: int | None = None
    registration_closes_at: dt.time = dt.time(18, 0)
    # The campaign starts when registration closes (presidential) or with the call.
    campaign_starts_with_registration_close: bool = True
    place_of_stay_before_voting: int | None = 30  # [P] §VI; same law for the referendum
    list_extraction_days_after_calling: int | None = None
    stations_published_after_calling: int | None = None
    list_verification: bool = False  # PRCs verify lists from publication to the day before
    list_display_before_voting: int | None = None
    avc_opens_before_voting: int = 15  # §8: "from 15 days before voting"
    avc_closes_at: dt.time = dt.time(18, 0)  # on the day before voting
    observer_rules_before_voting: int | None = None
    eday_registration_announced_before_voting: int | None = None
    silence_days: int = 1  # campaigning banned the day before and on voting day
    preliminary_results_after_voting: int = 1
    results_after_voting: int = 2
    gazette_after_voting: int | None = None
    finance_reports_after_results: int | None = None
    registration_challenge_days: int | None = None  # to the Supreme Court ([P] fn77)
    registration_ruling_days: int | None = None


@dataclass(frozen=True, slots=True)
class DisputeProfile:
    """Complaint deadlines, standing and the finality rule (§11)."""

    key: str
    filing_days: int = 10  # [P] fn76; [R] §IX
    decide_days: int = 5  # [P] fn76; [R] fn62
    appeal_days: int = 3  # [P] fn76; [R] fn62
    appeal_decide_days: int = 3  # [R] fn62
    immediate_days_before_voting: int = 5  # [R] fn62
    # "Immediately" has no figure in the law; psephos gives the body this many hours.
    immediate_hours: int = 24
    # Whether a deadline ending on a Saturday or Sunday moves to Monday: UNVERIFIED (§11).
    extend_to_monday: bool = False
    results_challenge_days: int = 10
    results_challenge_body: str = "Constitutional Council"
    results_challenge_standing: frozenset[str] = field(default_factory=frozenset)
    # ODIHR ([P] §XIV): no final declaration while a challenge is open or possible.
    finality_waits_for_challenges: bool = True
    # A complaint out of time or without standing is dismissed without consideration
    # on the merits when it is filed, and never blocks finality (issue 16, item 8):
    # the law gives neither a late complaint nor one without standing a hearing
    # ([P] fn76, fn80). False: it waits for the body like any other.
    summary_dismissal: bool = True


PRESIDENTIAL_CALENDAR = CalendarProfile(
    key="kz-presidential-2022",
    kind="presidential",
    calendar_plan_after_calling=1,  # CEC calendar plan 22 Sep (Astana Times 22.09.2022)
    nomination_opens_after_calling=2,  # 23 Sep (Kazinform 22.09.2022)
    nomination_closes_before_voting=40,  # 11 Oct 18:00
    registration_closes_before_voting=30,  # 21 Oct 18:00
    list_display_before_voting=15,  # 5 Nov ([P] §VI)
    avc_opens_before_voting=15,  # 5 Nov; CONFLICT with [P] §VI "by 5 November" (§8)
    eday_registration_announced_before_voting=6,  # ~14 Nov ([P] §VI)
    finance_reports_after_results=5,  # ~27 Nov ([P] §IX)
    registration_challenge_days=10,  # [P] fn77
    registration_ruling_days=10,
)

REFERENDUM_CALENDAR = CalendarProfile(
    key="kz-referendum-2022",
    kind="referendum",
    min_months_after_calling=1,
    max_months_after_calling=3,
    campaign_starts_with_registration_close=False,
    list_extraction_days_after_calling=10,  # 5–15 May ([R] §VI)
    stations_published_after_calling=10,  # by 15 May ([R] fn27)
    list_verification=True,  # 15 May – 4 Jun ([R] §VI)
    # [R] §VI reports AVC applications from 20 May, 16 days before voting; the
    # 15-day rule of §8 would give 21 May. Kept as reported.
    avc_opens_before_voting=16,
    observer_rules_before_voting=10,  # ~26 May ([R] §X)
    gazette_after_voting=3,  # 8 Jun ([R] §XI)
)

PRESIDENTIAL_DISPUTES = DisputeProfile(
    key="kz-presidential-2022",
    results_challenge_body="Constitutional Council",
    # [P] §XI, fn80: other candidates and voters have no standing.
    results_challenge_standing=frozenset(
        {"president", "chamber_speaker", "mps_one_fifth", "prime_minister"}
    ),
)

REFERENDUM_DISPUTES = DisputeProfile(
    key="kz-referendum-2022",
    # [R] §IX, fn66: any citizen may take the CRC's results decision to the Supreme Court.
    results_challenge_body="Supreme Court",
    results_challenge_standing=frozenset(COMPLAINANT_KINDS),
)

CALENDAR_PROFILES: dict[str, CalendarProfile] = {
    p.key: p for p in (PRESIDENTIAL_CALENDAR, REFERENDUM_CALENDAR)
}
DISPUTE_PROFILES: dict[str, DisputeProfile] = {
    p.key: p for p in (PRESIDENTIAL_DISPUTES, REFERENDUM_DISPUTES)
}


@dataclass(frozen=True, slots=True)
class ElectionDates:
    """The dates of one election that are facts, not computed."""

    called: dt.date
    voting: dt.date
    results_announced: dt.date | None = None
    # Events that happened and are checked against the calendar (key → date).
    recorded: tuple[tuple[str, dt.date], ...] = ()


ELECTION_DATES: dict[str, ElectionDates] = {
    "kz-2022-presidential": ElectionDates(
        called=dt.date(2022, 9, 21),  # decree, [P] §III
        voting=dt.date(2022, 11, 20),
        results_announced=dt.date(2022, 11, 22),  # [P] §XIV
        recorded=(("inauguration", dt.date(2022, 11, 26)),),  # [P] §XIV
    ),
    "kz-2022-referendum": ElectionDates(
        called=dt.date(2022, 5, 5),  # [R] §I
        voting=dt.date(2022, 6, 5),
        results_announced=dt.date(2022, 6, 7),  # final per-region results, [R] §XI
        recorded=(("results_published", dt.date(2022, 6, 8)),),  # gazette, [R] fn79
    ),
}


def calendar_profile_for(key: str) -> CalendarProfile:
    """Return the calendar profile with this key; raise ``KeyError`` naming the known ones."""
    try:
        return CALENDAR_PROFILES[key]
    except KeyError:
        raise KeyError(
            f"no calendar for rule profile {key!r}; known: {', '.join(sorted(CALENDAR_PROFILES))}"
        ) from None


def dispute_profile_for(key: str) -> DisputeProfile:
    """Return the dispute profile with this key; raise ``KeyError`` naming the known ones."""
    try:
        return DISPUTE_PROFILES[key]
    except KeyError:
        raise KeyError(
            f"no dispute rules for rule profile {key!r}; known: {', '.join(sorted(DISPUTE_PROFILES))}"
        ) from None
