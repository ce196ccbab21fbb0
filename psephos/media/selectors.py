"""Reads of the media domain: outlets, plans and the frame items are checked against."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, DateField, F, Func, Max, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.elections.enums import OptionKind
from psephos.elections.selectors import election_options, election_profile

from .enums import BROADCAST, Medium, Programme, Subject
from .errors import OutletNotFound, PlanNotFound
from .models import (
    AdRate,
    AirtimeDraw,
    AirtimeSlot,
    Broadcast,
    CheckAssignment,
    CodedItem,
    Debate,
    MonitoringPlan,
    Outlet,
    PaidAd,
)
from .rules.agreement import Agreement, Coding, agreement
from .rules.airtime import OutletUse, Record, SlotFrame, airtime_tally
from .rules.coding import PlanFrame, volume_unit
from .rules.draw import Slot, allocate, commitment, inputs_digest
from .rules.paid import Ad, AdCheck, Rate, price_check
from .rules.report import CoverageRow, OutletCoverage, ReportSetup, coverage_report

if TYPE_CHECKING:
    from psephos.elections.models import Election


def outlet_get(*, key: str) -> Outlet:
    """Return the outlet with this key or raise ``OutletNotFound``."""
    try:
        return Outlet.objects.get(key=key)
    except Outlet.DoesNotExist:
        raise OutletNotFound(
            _("No media outlet “%(key)s”.") % {"key": key}, data={"outlet": key}
        ) from None


def plan_get(*, election: Election, key: str) -> MonitoringPlan:
    """Return the election's monitoring plan with this key or raise ``PlanNotFound``."""
    try:
        return MonitoringPlan.objects.select_related("election").get(election=election, key=key)
    except MonitoringPlan.DoesNotExist:
        raise PlanNotFound(
            _("Election “%(election)s” has no monitoring plan “%(key)s”.")
            % {"election": election.key, "key": key},
            data={"election": election.key, "plan": key},
        ) from None


def plan_list_for_election(*, election: Election) -> list[MonitoringPlan]:
    return list(MonitoringPlan.objects.filter(election=election).order_by("key"))


def subject_keys(*, election: Election) -> list[str]:
    """Return the subjects an item may have: the ballot's candidates or sides, then the rest."""
    options = [
        o.key for o in election_options(election=election) if o.kind != OptionKind.AGAINST_ALL
    ]
    return options + [s.value for s in Subject]


def candidate_keys(*, election: Election) -> list[str]:
    """Return the option keys of the ballot's candidates (none in a referendum)."""
    return [o.key for o in election_options(election=election) if o.kind == OptionKind.CANDIDATE]


def plan_frame(*, plan: MonitoringPlan) -> PlanFrame:
    """Return what the plan's items are checked against (two queries)."""
    return PlanFrame(
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        window_start=plan.window_start,
        window_end=plan.window_end,
        windows=plan.daily_windows(),
        timezone=plan.timezone,
        outlets=dict(plan.outlets.values_list("key", "medium")),
        subjects=frozenset(subject_keys(election=plan.election)),
        coders=frozenset(plan.coders),
    )


@dataclass(frozen=True, slots=True)
class CheckTask:
    """What a second coder sees of an item: where and when, never the first coding."""

    item: str
    outlet: str
    aired_at: dt.datetime
    programme: str


def check_list_for_coder(*, plan: MonitoringPlan, coder: str) -> list[CheckTask]:
    """Return the items drawn for ``coder`` to code again, without the first coding."""
    items = list(
        CheckAssignment.objects.filter(plan=plan, coder=coder)
        .order_by("item")
        .values_list("item", flat=True)
    )
    first: dict[str, CheckTask] = {}
    for start in range(0, len(items), 500):
        for item, outlet, aired_at, programme in (
            CodedItem.objects.filter(plan=plan, second=False, item__in=items[start : start + 500])
            .order_by("item", "id")
            .values_list("item", "outlet__key", "aired_at", "programme")
        ):
            first.setdefault(item, CheckTask(item, outlet, aired_at, programme))
    return [first[i] for i in items if i in first]


def plan_agreement(*, plan: MonitoringPlan) -> Agreement:
    """Return Krippendorff's alpha for volume and tone over the plan's second codings."""
    rows = (
        CodedItem.objects.filter(plan=plan)
        .filter(item__in=CodedItem.objects.filter(plan=plan, second=True).values("item"))
        .annotate(volume=Coalesce("seconds", "area", "characters", Value(0)))
        .values_list("item", "subject", "volume", "tone", "second")
    )
    first: list[Coding] = []
    second: list[Coding] = []
    for item, subject, volume, tone, is_second in rows.iterator(chunk_size=5000):
        coding = Coding(item, subject, volume, tone)
        (second if is_second else first).append(coding)
    return agreement(first, second)


def _local_day(plan: MonitoringPlan, *, generic: bool) -> Func:
    """Return the SQL expression of an item's local day in the plan's time zone.

    Django's ``TruncDate`` with a time zone runs a Python function per row on SQLite
    (five times the cost of the whole query over 100,000 items); when the zone keeps one
    UTC offset over the plan's period (Kazakhstan has no daylight saving time), SQLite's
    own ``date(aired_at, '+N minutes')`` gives the same day. ``generic`` forces
    ``TruncDate`` (the tests compare both).
    """
    zone = ZoneInfo(plan.timezone)
    first, last = (
        dt.datetime.combine(d, dt.time(12), tzinfo=zone).utcoffset()
        for d in (plan.starts_on - dt.timedelta(days=1), plan.ends_on + dt.timedelta(days=1))
    )
    if generic or connection.vendor != "sqlite" or first != last or first is None:
        return TruncDate("aired_at", tzinfo=zone)
    minutes = int(first.total_seconds() // 60)
    return Func(
        F("aired_at"), Value(f"{minutes:+d} minutes"), function="date", output_field=DateField()
    )


def coverage_rows(*, plan: MonitoringPlan, generic: bool = False) -> list[CoverageRow]:
    """Return the plan's first codings summed by outlet, subject, programme, tone and local day.

    One SQL ``GROUP BY`` query.
    """
    rows = (
        CodedItem.objects.filter(plan=plan, second=False)
        .annotate(
            day=_local_day(plan, generic=generic),
            # Seconds (TV, radio), cm² (print) or characters (online): one per medium.
            volume=Coalesce("seconds", "area", "characters", Value(0)),
        )
        .values_list("outlet__key", "subject", "programme", "tone", "day")
        .annotate(Sum("volume"), Count("id"), Sum("women"), Sum("men"))
        .order_by()
    )
    return [CoverageRow(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class PlanReport:
    """A plan's report as computed at ``computed_at`` from the items stored then.

    Nothing is precomputed: an import is in the next report. ``last_imported_at`` is
    when the newest stored coding was imported (None before any, or for codings stored
    before psephos kept the time); ``period_ended_at`` is the end of the last daily
    window of the period, the moment from which the 48 hours of issue 20 count.
    """

    plan: MonitoringPlan
    outlets: dict[str, Outlet]
    coverage: list[OutletCoverage]
    agreement: Agreement
    items: int
    computed_at: dt.datetime
    last_imported_at: dt.datetime | None
    period_ended_at: dt.datetime


def period_end(*, plan: MonitoringPlan) -> dt.datetime:
    """Return when the plan's period ends: its last day's window end, local time."""
    midnight = dt.datetime.combine(plan.ends_on, dt.time(), tzinfo=ZoneInfo(plan.timezone))
    return midnight + dt.timedelta(minutes=plan.window_end)


def plan_report(*, plan: MonitoringPlan) -> PlanReport:
    """Return the plan's coverage report and coder agreement (a bounded number of queries)."""
    election = plan.election
    subjects = subject_keys(election=election)
    outlets = {o.key: o for o in plan.outlets.order_by("key")}
    setup = ReportSetup(
        starts_on=plan.starts_on,
        subjects=subjects,
        candidates=candidate_keys(election=election),
        incumbent=plan.incumbent,
        weights={str(k): int(v) for k, v in plan.weights.items()},
        tolerance=plan.tolerance,
        units={o.key: volume_unit(o.medium) for o in outlets.values()},
    )
    stored = CodedItem.objects.filter(plan=plan).aggregate(
        items=Count("item", distinct=True, filter=Q(second=False)), last=Max("imported_at")
    )
    return PlanReport(
        plan=plan,
        outlets=outlets,
        coverage=coverage_report(coverage_rows(plan=plan), setup),
        agreement=plan_agreement(plan=plan),
        items=stored["items"],
        computed_at=clock.now(),
        last_imported_at=stored["last"],
        period_ended_at=period_end(plan=plan),
    )


def plan_list() -> list[MonitoringPlan]:
    """Return every monitoring plan with its election, by election and key."""
    return list(MonitoringPlan.objects.select_related("election").order_by("election__key", "key"))


def draw_inputs(*, election: Election) -> list[Slot]:
    """Return the slots offered for the election's draw, as the draw's rules read them."""
    zone = dt.UTC
    return [
        Slot(key, outlet, starts_at.astimezone(zone).isoformat(), seconds, articles)
        for key, outlet, starts_at, seconds, articles in AirtimeSlot.objects.filter(
            election=election
        )
        .order_by("key")
        .values_list("key", "outlet__key", "starts_at", "seconds", "articles")
    ]


@dataclass(frozen=True, slots=True)
class DrawCheck:
    """What ``psephos media draw --verify`` recomputes."""

    drawn: bool
    commitment_ok: bool  # SHA-256(seed) is the published commitment
    inputs_ok: bool  # the slots and candidates are those committed
    allocation_ok: bool  # the stored allocation is allocate(seed, inputs)
    mismatches: list[str]  # slot keys whose stored candidate differs


def draw_get(*, election: Election) -> AirtimeDraw | None:
    return AirtimeDraw.objects.filter(election=election).first()


def draw_verify(*, election: Election) -> DrawCheck:
    """Recompute the election's draw from its seed and inputs and compare with what is stored."""
    draw = draw_get(election=election)
    if draw is None or draw.drawn_at is None:
        return DrawCheck(False, False, False, False, [])
    slots = draw_inputs(election=election)
    expected = allocate(draw.seed, draw.candidates, slots)
    stored = dict(AirtimeSlot.objects.filter(election=election).values_list("key", "candidate"))
    mismatches = sorted(k for k in stored if stored[k] != expected.get(k))
    return DrawCheck(
        drawn=True,
        commitment_ok=commitment(draw.seed) == draw.commitment,
        inputs_ok=inputs_digest(draw.candidates, slots) == draw.inputs_sha256,
        allocation_ok=not mismatches,
        mismatches=mismatches,
    )


@dataclass(frozen=True, slots=True)
class AirtimeUse:
    """A candidate's free airtime per medium (TV seconds, radio seconds, articles):
    entitled, allocated by the draw, used as aired (broadcast records) and as coded by
    the monitoring (items of programme ``free_airtime``)."""

    candidate: str
    entitled: tuple[int, int, int]
    allocated: tuple[int, int, int]
    aired: tuple[int, int, int]
    coded: tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class AirtimeReport:
    """``state``: ``none`` (no slot offered), ``offered``, ``committed`` (the seed's
    SHA-256 published) or ``drawn``; before ``drawn`` nothing is allocated or aired."""

    state: str
    candidates: list[AirtimeUse]
    outlets: list[OutletUse]  # per candidate and outlet
    disagreements: list[str]  # slots whose outlet and monitor records differ
    names: dict[str, Outlet]  # the outlets named in ``outlets``


def slot_frames(*, election: Election) -> list[SlotFrame]:
    """Return the election's slots as the draw left them, by key."""
    return [
        SlotFrame(*row)
        for row in AirtimeSlot.objects.filter(election=election)
        .order_by("key")
        .values_list("key", "outlet__key", "outlet__medium", "seconds", "articles", "candidate")
    ]


def _by_medium(table: dict[tuple[str, str], int], c: str) -> tuple[int, int, int]:
    return (
        table.get((c, Medium.TV), 0),
        table.get((c, Medium.RADIO), 0),
        table.get((c, Medium.PRINT), 0) + table.get((c, Medium.ONLINE), 0),
    )


def airtime_report(*, election: Election) -> AirtimeReport:
    """Return free airtime entitled, allocated, aired and coded per candidate, and the use
    per candidate and outlet (five queries)."""
    profile = election_profile(election=election)
    entitled = (
        getattr(profile, "free_airtime_tv_seconds", 0),
        getattr(profile, "free_airtime_radio_seconds", 0),
        getattr(profile, "free_airtime_articles", 0),
    )
    candidates = candidate_keys(election=election)
    slots = slot_frames(election=election)
    records = [
        Record(slot, source, candidate, seconds if seconds is not None else articles or 0)
        for slot, source, candidate, seconds, articles in Broadcast.objects.filter(
            slot__election=election
        ).values_list("slot__key", "source", "candidate", "seconds", "articles")
    ]
    outlets, disagreements = airtime_tally(slots, records, candidates)
    state = _airtime_state(election, slots)
    allocated: dict[tuple[str, str], int] = {}
    aired: dict[tuple[str, str], int] = {}
    for u in outlets:
        allocated[(u.candidate, u.medium)] = allocated.get((u.candidate, u.medium), 0) + u.allocated
        aired[(u.candidate, u.medium)] = aired.get((u.candidate, u.medium), 0) + u.used
    coded: dict[tuple[str, str], int] = {}
    for subject, medium, volume, items in (
        CodedItem.objects.filter(
            plan__election=election, second=False, programme=Programme.FREE_AIRTIME
        )
        .values_list("subject", "outlet__medium")
        .annotate(Sum("seconds"), Count("id"))
        .order_by()
    ):
        coded[(subject, medium)] = items if medium not in BROADCAST else volume or 0
    return AirtimeReport(
        state=state,
        candidates=[
            AirtimeUse(
                c,
                entitled,
                _by_medium(allocated, c),
                _by_medium(aired, c),
                _by_medium(coded, c),
            )
            for c in candidates
        ],
        outlets=outlets,
        disagreements=disagreements,
        names={o.key: o for o in Outlet.objects.filter(key__in={u.outlet for u in outlets})},
    )


def _airtime_state(election: Election, slots: list[SlotFrame]) -> str:
    """Where the election's free airtime stands (a query only between offer and draw)."""
    if not slots:
        return "none"
    if any(s.candidate for s in slots):
        return "drawn"
    return "committed" if AirtimeDraw.objects.filter(election=election).exists() else "offered"


def airtime_use(*, election: Election) -> list[AirtimeUse]:
    """Return each candidate's free airtime entitlement, allocation, airing and coding."""
    return airtime_report(election=election).candidates


@dataclass(frozen=True, slots=True)
class DrawSlotRow:
    """One line of the published draw table."""

    slot: str
    outlet: str
    medium: str
    starts_at: dt.datetime
    seconds: int | None
    articles: int | None
    candidate: str  # empty before the draw


@dataclass(frozen=True, slots=True)
class DrawTable:
    """The draw as published: its state, commitment, seed, decision and allocation.

    ``state`` is ``offered`` (no commitment yet), ``committed`` (the seed's SHA-256 is
    published, the seed not yet revealed) or ``drawn``; ``check`` is the recomputation
    ``draw --verify`` does, once drawn.
    """

    state: str
    draw: AirtimeDraw | None
    slots: list[DrawSlotRow]
    check: DrawCheck | None
    outlets: dict[str, Outlet]


def draw_table(*, election: Election) -> DrawTable:
    """Return the election's draw table (slots by outlet and time) and its verification."""
    draw = draw_get(election=election)
    slots = [
        DrawSlotRow(*row)
        for row in AirtimeSlot.objects.filter(election=election)
        .order_by("outlet__key", "starts_at", "key")
        .values_list(
            "key", "outlet__key", "outlet__medium", "starts_at", "seconds", "articles", "candidate"
        )
    ]
    outlets = {o.key: o for o in Outlet.objects.filter(key__in={s.outlet for s in slots})}
    if draw is None:
        return DrawTable("offered", None, slots, None, outlets)
    if draw.drawn_at is None:
        return DrawTable("committed", draw, slots, None, outlets)
    return DrawTable("drawn", draw, slots, draw_verify(election=election), outlets)


@dataclass(frozen=True, slots=True)
class PaidTotal:
    """A candidate's paid advertising: ads, seconds, placements, price paid, ads flagged."""

    candidate: str
    ads: int
    seconds: int
    placements: int
    paid: Decimal
    flagged: int


@dataclass(frozen=True, slots=True)
class PaidReport:
    rates: list[Rate]  # by outlet, placement, day
    checks: list[AdCheck]  # every ad, by day, outlet and key
    totals: list[PaidTotal]  # per candidate in ballot order
    names: dict[str, Outlet]


def paid_report(*, election: Election) -> PaidReport:
    """Return the published rates, every paid ad checked against them and the totals per
    candidate (four queries)."""
    rates = [
        Rate(*row)
        for row in AdRate.objects.filter(election=election)
        .order_by("outlet__key", "placement", "published_on")
        .values_list("outlet__key", "placement", "unit", "price", "published_on")
    ]
    ads = [
        Ad(*row)
        for row in PaidAd.objects.filter(election=election)
        .order_by("aired_on", "outlet__key", "key")
        .values_list(
            "key",
            "outlet__key",
            "candidate",
            "placement",
            "aired_on",
            "seconds",
            "placements",
            "price",
        )
    ]
    checks = price_check(ads, rates)
    totals = []
    for c in candidate_keys(election=election):
        mine = [k for k in checks if k.ad.candidate == c]
        totals.append(
            PaidTotal(
                c,
                len(mine),
                sum(k.ad.seconds or 0 for k in mine),
                sum(k.ad.placements or 0 for k in mine),
                sum((k.ad.price for k in mine), Decimal(0)),
                sum(1 for k in mine if k.status != "published_rate"),
            )
        )
    keys = {r.outlet for r in rates} | {a.outlet for a in ads}
    return PaidReport(
        rates, checks, totals, {o.key: o for o in Outlet.objects.filter(key__in=keys)}
    )


@dataclass(frozen=True, slots=True)
class DebateRecord:
    key: str
    held_at: dt.datetime
    outlet: Outlet
    answers: list[tuple[str, str]]  # (candidate, answer) in ballot order; not invited: ""


def debate_list(*, election: Election) -> list[DebateRecord]:
    """Return the election's debates by time, every candidate with what they did (two queries)."""
    candidates = candidate_keys(election=election)
    out = []
    for d in (
        Debate.objects.filter(election=election)
        .select_related("outlet")
        .prefetch_related("participants")
    ):
        given = {p.candidate: p.answer for p in d.participants.all()}
        out.append(
            DebateRecord(d.key, d.held_at, d.outlet, [(c, given.get(c, "")) for c in candidates])
        )
    return out
