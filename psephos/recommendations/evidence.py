"""Evidence that psephos measures itself: indicators computed from its own data for an election.

Each indicator names the recommendations it measures (stable keys), the feature of psephos
that implements them and the setting it reads, and its definition. Its value is a share
(``rules.evidence.share_measure``) of counts that the other apps' selectors return;
without data it is “not measurable” with a stable reason, never zero.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from psephos.candidates.selectors import signature_rejection_counts
from psephos.commissions.selectors import session_notice_counts
from psephos.complaints.selectors import complaint_decision_counts
from psephos.complaints.selectors.finality import election_finality_check
from psephos.core.errors import NotFound
from psephos.elections.enums import ElectionKind
from psephos.elections.selectors import election_get
from psephos.finance.selectors import receipt_disclosure_figures
from psephos.ledger.selectors import ledger_head_hash
from psephos.results.selectors.transparency import protocols_public_within

from .rules.evidence import Measured, MedianHours, NotMeasurable, median_measure, share_measure

if TYPE_CHECKING:
    from psephos.elections.models import Election

    from .models import Report

# The windows the recommendations and the rule profiles name.
RESULTS_PUBLIC_HOURS = 2
SESSION_NOTICE_HOURS = 24
DISCLOSURE_HOURS = 24
# Sessions count for an election from its calling (else this many days before voting day)
# to this many days after voting day.
SESSIONS_BEFORE_DAYS = 60
SESSIONS_AFTER_DAYS = 30

Counts = tuple[int, int]
# An indicator with a median delay counts the same items and gives their median in hours.
CountsAndMedian = tuple[int, int, Decimal | None]
# The certification indicator also names the windows still open when the results were
# certified (``results_challenge:DAY``, ``complaint:KEY``).
CountsAndWindows = tuple[int, int, tuple[str, ...]]
# An indicator's measured value, median (or None) and windows (or None), as cached.
Figures = tuple[
    Measured | NotMeasurable, MedianHours | NotMeasurable | None, tuple[str, ...] | None
]


@dataclass(frozen=True)
class Indicator:
    key: str
    recommendations: tuple[str, ...]
    feature: str  # where psephos implements it: a page, an API operation, a ledger action
    setting: str  # the rule or window it reads
    title: str | Promise
    definition: str | Promise
    # The feature's public page for an election ({election}: its key, {map}: its map's).
    link: str
    count: Callable[[Election], Counts | CountsAndMedian | CountsAndWindows]
    median_title: str | Promise = ""  # set when ``count`` also gives a median in hours
    windows: bool = False  # ``count`` also names the windows open (certification)
    # The election kinds it applies to (all when empty); another kind is not measurable
    # with the reason ``not_for_this_kind``, and nothing is counted.
    kinds: tuple[str, ...] = ()
    # Why the figure is not measurable when there is nothing to count.
    empty_reason: str = "nothing_to_count"


@dataclass(frozen=True)
class Evidence:
    indicator: Indicator
    election: str
    value: Measured | NotMeasurable
    median: MedianHours | NotMeasurable | None = None  # None: the indicator has no median
    windows_open: tuple[str, ...] | None = None  # None: the indicator names no windows
    link: str = ""  # the feature's page for this election (``Indicator.link``)

    @property
    def measurable(self) -> bool:
        return isinstance(self.value, Measured)


def _sessions(election: Election) -> Counts:
    first = election.called_on or election.date - dt.timedelta(days=SESSIONS_BEFORE_DAYS)
    last = election.date + dt.timedelta(days=SESSIONS_AFTER_DAYS + 1)
    start, end = (timezone.make_aware(dt.datetime.combine(d, dt.time())) for d in (first, last))
    return session_notice_counts(
        geography=election.geography, start=start, end=end, hours=SESSION_NOTICE_HOURS
    )


def _receipts(election: Election) -> CountsAndMedian:
    figures = receipt_disclosure_figures(election=election, hours=DISCLOSURE_HOURS)
    return figures.in_time, figures.total, figures.median_hours


def _certification(election: Election) -> CountsAndWindows:
    """1 of 1 when the results were certified after the window to challenge them closed
    with no challenge or appeal open, 0 of 1 before, with the windows open then: the
    results challenge window (``results_challenge:DAY``, its last day on the election's
    clock) and each results challenge undecided or still open to appeal
    (``complaint:KEY``); nothing to count while uncertified."""
    at = election.certified_at
    if at is None:
        return 0, 0, ()
    check = election_finality_check(election, at=at)
    open_: list[str] = []
    if at < check.challengeable_until:
        last = check.challengeable_until.astimezone(ZoneInfo(election.geography.timezone)).date()
        open_.append(f"results_challenge:{last - dt.timedelta(days=1)}")
    open_ += [f"complaint:{key}" for key in check.blocking_complaints]
    return int(not open_), 1, tuple(open_)


P = "odihr-kz-2022-presidential"
R = "odihr-kz-2022-referendum"

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        key="results-public-2h",
        recommendations=(f"{P}-r10", f"{R}-r7"),
        feature="/e/<election>/c/<code>/ · GET /api/v1/elections/<election>/feed",
        link="/e/{election}/",
        setting="protocol.accept",
        title=_("Polling station results public within 2 hours of acceptance"),
        definition=_(
            "Accepted protocols whose first protocol.accept ledger event (the moment the "
            "feed and the station page show them) came at most 2 hours after the "
            "territorial commission accepted them, of all accepted protocols."
        ),
        count=lambda e: protocols_public_within(election=e, hours=RESULTS_PUBLIC_HOURS),
    ),
    Indicator(
        key="sessions-announced-24h",
        recommendations=(f"{P}-r12",),
        feature="/commissions/<map>/<code>/sessions/ · session.announce",
        link="/commissions/{map}/composition/",
        setting="session_notice_hours",
        title=_("Commission sessions announced with their agenda 24 hours ahead"),
        definition=_(
            "Sessions of the election's commissions, from its calling to 30 days after "
            "voting day, announced with an agenda at least 24 hours before they started, "
            "of all those sessions."
        ),
        count=_sessions,
    ),
    Indicator(
        key="signature-rejections-reasoned",
        recommendations=(f"{P}-r14",),
        feature="/candidates/<election>/",
        link="/candidates/{election}/",
        setting="candidates.rules.signatures",
        title=_("Rejected signatures with a stated reason"),
        definition=_(
            "Checked signature lines found invalid that carry at least one reason code, "
            "of all checked lines found invalid."
        ),
        count=lambda e: signature_rejection_counts(election=e),
        kinds=(ElectionKind.PRESIDENTIAL,),
    ),
    Indicator(
        key="receipts-disclosed-24h",
        recommendations=(f"{P}-r15",),
        feature="/finance/<election>/",
        link="/finance/{election}/",
        setting="finance.services.statements",
        title=_("Fund receipts disclosed itemised within 24 hours of the bank statement"),
        definition=_(
            "Receipts matched to a bank statement that were public, one by one, no later "
            "than 24 hours after the statement was imported, of all receipts matched to "
            "a statement."
        ),
        count=_receipts,
        median_title=_("Median hours from the bank statement to itemised disclosure"),
        kinds=(ElectionKind.PRESIDENTIAL,),
    ),
    Indicator(
        key="complaint-decisions-public-reasoned",
        recommendations=(f"{P}-r21",),
        feature="/complaints/",
        link="/complaints/",
        setting="complaint_decision_has_reasons",
        title=_("Complaint decisions public with their reasons"),
        definition=_(
            "Decided complaints whose decision is in the public register with the facts "
            "found and the law applied, of all complaints with a decision."
        ),
        count=lambda e: complaint_decision_counts(election_key=e.key),
    ),
    Indicator(
        key="certification-after-appeals",
        # [R] Rec 13 (results-related appeals, an effective remedy): the referendum's
        # results were published before the window for complaints and appeals closed
        # ([R] §XI, fn 79).
        recommendations=(f"{P}-r24", f"{R}-r13"),
        feature="/complaints/finality/<election>/",
        link="/complaints/finality/{election}/",
        setting="results_challenge_days",
        title=_("Results certified after every appeal window closed"),
        definition=_(
            "1 of 1 when the results were certified after the window to challenge them "
            "had closed and no challenge or appeal was open, 0 of 1 when certified earlier."
        ),
        count=_certification,
        windows=True,
        empty_reason="not_certified",
    ),
)


# Why a figure is not measurable, as the pages say it.
REASONS: dict[str, str | Promise] = {
    "nothing_to_count": _("nothing to count yet for this election"),
    "no_data_source": _("psephos holds no data for it"),
    "not_certified": _("the results are not certified yet"),
    "not_for_this_kind": _("there is no such data in this kind of election"),
}


def window_label(window: str) -> str:
    """A window open at certification (``_certification``) in words, in the active language."""
    kind, _sep, what = window.partition(":")
    if kind == "results_challenge":
        return _("the window to challenge the results, open until 24:00 on %(day)s") % {"day": what}
    return _("results challenge %(key)s, undecided or open to appeal") % {"key": what}


def indicators_for_recommendation(key: str) -> list[Indicator]:
    """The indicators that measure the recommendation ``key``."""
    return [i for i in INDICATORS if key in i.recommendations]


def evidence_for_election(*, election: Election) -> list[Evidence]:
    """Every indicator measured on ``election``'s data, in the order of ``INDICATORS``."""
    return [_measure(i, election) for i in INDICATORS]


def _link(indicator: Indicator, election: Election) -> str:
    """The feature's page for ``election``; none where the indicator does not apply."""
    if indicator.kinds and election.kind not in indicator.kinds:
        return ""
    return indicator.link.format(election=election.key, map=election.geography.key)


def _evidence(indicator: Indicator, election: Election, figures: Figures) -> Evidence:
    value, median, windows = figures
    return Evidence(
        indicator=indicator,
        election=election.key,
        value=value,
        median=median,
        windows_open=windows,
        link=_link(indicator, election),
    )


def _measure(indicator: Indicator, election: Election) -> Evidence:
    if indicator.kinds and election.kind not in indicator.kinds:
        other = NotMeasurable("not_for_this_kind")
        figures: Figures = (
            other,
            other if indicator.median_title else None,
            () if indicator.windows else None,
        )
        return _evidence(indicator, election, figures)
    counted = indicator.count(election)
    extra = counted[2] if len(counted) == 3 else None
    median, windows = None, None
    if indicator.median_title:
        assert not isinstance(extra, tuple)
        median = median_measure(extra, counted[1])
    if indicator.windows:
        assert isinstance(extra, tuple)
        windows = extra
    value = share_measure(counted[0], counted[1])
    if isinstance(value, NotMeasurable) and value.reason == "nothing_to_count":
        value = NotMeasurable(indicator.empty_reason)
    return _evidence(indicator, election, (value, median, windows))


# A figure changes only with the data, and every change to the data appends a ledger event:
# the figures are kept per election and ledger head, computed once per change.
EVIDENCE_CACHE_SECONDS = 3600


def evidence_cached(*, election: Election) -> list[Evidence]:
    """``evidence_for_election`` as of the ledger's head, from the cache when still current.

    The key holds the election and the hash of the ledger's last event
    (``ledger.selectors.ledger_head_hash``, one query): a new event — a protocol accepted,
    a session announced, a complaint decided — makes a new key, so the figures are
    measured again. The head is read before the figures, so what is kept under a head
    is never older than it. Pages and the API read this; the command measures afresh.
    """
    key = f"recommendations:evidence:v3:{election.key}:{ledger_head_hash()}"
    values: list[Figures] | None = cache.get(key)
    if values is None or len(values) != len(INDICATORS):
        values = [
            (e.value, e.median, e.windows_open) for e in evidence_for_election(election=election)
        ]
        cache.set(key, values, EVIDENCE_CACHE_SECONDS)
    return [_evidence(i, election, f) for i, f in zip(INDICATORS, values, strict=True)]


def evidence_election_for_report(*, report: Report, key: str = "") -> Election | None:
    """The election to measure a report's recommendations on: ``key`` when given, else the
    election the report names, else the one its key names (``odihr-kz-2022-presidential``
    → ``kz-2022-presidential``); None when psephos holds no such election.

    Raises ``NotFound`` for a ``key`` that names no election.
    """
    if key:
        return election_get(key=key)
    for candidate in (report.election, report.key.removeprefix("odihr-")):
        if not candidate:
            continue
        try:
            return election_get(key=candidate)
        except NotFound:
            continue
    return None


def evidence_by_recommendation(evidence: list[Evidence]) -> dict[str, list[Evidence]]:
    """Each recommendation's measured figures, by its key."""
    out: dict[str, list[Evidence]] = {}
    for e in evidence:
        for key in e.indicator.recommendations:
            out.setdefault(key, []).append(e)
    return out


EVIDENCE_COLUMNS = [
    "indicator",
    "election",
    "recommendations",
    "measurable",
    "numerator",
    "denominator",
    "share",
    "reason",
    "median_hours",
    "median_count",
    "median_reason",
    "windows_open",
    "feature",
    "link",
    "setting",
    "title",
]


def evidence_row(evidence: Evidence) -> dict[str, object]:
    """One indicator's figure with stable keys (CLI, API and CSV); the share as a string
    with four decimal places, None with the reason when not measurable; the median hours
    (a string with two places) and how many it is the median of, for an indicator that has a
    median, None with ``median_reason`` when not measurable, all three None for the others."""
    i, v, m = evidence.indicator, evidence.value, evidence.median
    return {
        "indicator": i.key,
        "election": evidence.election,
        "recommendations": list(i.recommendations),
        "measurable": isinstance(v, Measured),
        "numerator": v.numerator if isinstance(v, Measured) else None,
        "denominator": v.denominator if isinstance(v, Measured) else None,
        "share": str(v.share) if isinstance(v, Measured) else None,
        "reason": v.reason if isinstance(v, NotMeasurable) else None,
        "median_hours": str(m.hours) if isinstance(m, MedianHours) else None,
        "median_count": m.count if isinstance(m, MedianHours) else None,
        "median_reason": m.reason if isinstance(m, NotMeasurable) else None,
        "windows_open": list(evidence.windows_open) if evidence.windows_open is not None else None,
        "feature": i.feature,
        "link": evidence.link,
        "setting": i.setting,
        "title": str(i.title),
    }


def evidence_csv(rows: list[dict[str, object]]) -> str:
    """The rows as CSV (``EVIDENCE_COLUMNS``; recommendations joined with spaces)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EVIDENCE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        recs, windows = row["recommendations"], row["windows_open"]
        assert isinstance(recs, list)
        writer.writerow(
            row
            | {
                "recommendations": " ".join(recs),
                "measurable": int(bool(row["measurable"])),
                "windows_open": " ".join(windows) if isinstance(windows, list) else "",
            }
        )
    return out.getvalue()
