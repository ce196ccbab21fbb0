"""Read complaints: the public register, statistics and single complaints.

Public reads go through ``ComplaintPublic``: a private complainant's name is
replaced by a mask, and contacts and evidence content are never included.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from psephos.commissions.selectors import decision_pending_list
from psephos.core import clock
from psephos.core.errors import NotFound
from psephos.core.i18n import localized
from psephos.elections.rules.calendar_profiles import PRIVATE_COMPLAINANTS
from psephos.elections.selectors import elections_list

from ..enums import DECISION_ACTION, ComplaintStatus
from ..models import Complaint, Evidence
from ..rules.deadlines import is_overdue

if TYPE_CHECKING:
    from psephos.commissions.models import Decision


@dataclass(frozen=True, slots=True)
class EvidencePublic:
    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class DecisionPublic:
    decided_at: dt.datetime
    decided_by: str
    facts: str
    law: str
    outcome: str
    outcome_label: str
    remedy_ordered: str


@dataclass(frozen=True, slots=True)
class ComplaintPublic:
    key: str
    election: str
    complainant: str  # masked for private persons
    complainant_kind: str
    complainant_kind_label: str
    respondent: str
    respondent_kind: str
    subject_kind: str
    subject_kind_label: str
    subject_date: dt.date
    summary: str
    remedy: str
    filed_at: dt.datetime
    timezone: str
    body: str
    body_kind: str
    status: str
    status_label: str
    decide_by: dt.datetime
    immediate: bool
    overdue: bool
    deadline_rule: str
    out_of_time: bool
    out_of_time_rule: str
    no_standing: bool
    standing_rule: str
    also_in_court: bool
    court_reference: str
    appeal_of: str | None
    source_incident: str
    evidence: tuple[EvidencePublic, ...]
    decision: DecisionPublic | None


def election_choices() -> list[tuple[str, str]]:
    """Return (key, name in the active language) of every election, newest first, for the forms."""
    return [(e.key, localized(e)) for e in elections_list()]


def mask_complainant(kind: str, name: str) -> str:
    """Return the name as the public may see it: private persons are masked."""
    if kind in PRIVATE_COMPLAINANTS:
        return _("private person (name withheld)")
    return name


def _public(c: Complaint, now: dt.datetime) -> ComplaintPublic:
    d = getattr(c, "decision", None) if c.status == ComplaintStatus.DECIDED else None
    return ComplaintPublic(
        key=c.key,
        election=c.election.key,
        complainant=mask_complainant(c.complainant_kind, c.complainant_name),
        complainant_kind=c.complainant_kind,
        complainant_kind_label=c.get_complainant_kind_display(),
        respondent=c.respondent_commission.code if c.respondent_commission else c.respondent_name,
        respondent_kind=c.respondent_kind,
        subject_kind=c.subject_kind,
        subject_kind_label=c.get_subject_kind_display(),
        subject_date=c.subject_date,
        summary=c.summary,
        remedy=c.remedy,
        filed_at=c.filed_at,
        timezone=c.timezone,
        body=c.body_commission.code if c.body_commission else c.body_court,
        body_kind=c.body_kind,
        status=c.status,
        status_label=c.get_status_display(),
        decide_by=c.decide_by,
        immediate=c.immediate,
        overdue=is_overdue(decide_by=c.decide_by, now=now, open_=c.status == ComplaintStatus.OPEN),
        deadline_rule=c.deadline_rule,
        out_of_time=c.out_of_time,
        out_of_time_rule=c.out_of_time_rule,
        no_standing=c.no_standing,
        standing_rule=c.standing_rule,
        also_in_court=c.also_in_court,
        court_reference=c.court_reference,
        appeal_of=c.appeal_of.key if c.appeal_of else None,
        source_incident=c.source_incident,
        evidence=tuple(
            EvidencePublic(e.filename, e.content_type, e.size, e.sha256) for e in c.evidence.all()
        ),
        decision=DecisionPublic(
            decided_at=d.decided_at,
            decided_by=d.decided_by,
            facts=d.facts,
            law=d.law,
            outcome=d.outcome,
            outcome_label=d.get_outcome_display(),
            remedy_ordered=d.remedy_ordered,
        )
        if d
        else None,
    )


def _base() -> QuerySet[Complaint]:
    return (
        Complaint.objects.select_related(
            "election", "respondent_commission", "body_commission", "appeal_of", "decision"
        )
        .prefetch_related(
            # Evidence metadata only (the content is in the storage, never in a row).
            "evidence"
        )
        .defer("complainant_contact")
    )


def complaint_get(*, key: str) -> Complaint:
    """Return the complaint with this key or raise ``NotFound``."""
    try:
        return _base().get(key=key)
    except Complaint.DoesNotExist:
        raise NotFound(
            _("No complaint “%(key)s”.") % {"key": key}, data={"complaint": key}
        ) from None


def complaint_public_get(*, key: str, now: dt.datetime | None = None) -> ComplaintPublic:
    """Return the public view of one complaint or raise ``NotFound``."""
    return _public(complaint_get(key=key), now or clock.now())


def complaint_list_public(
    *,
    election_key: str | None = None,
    status: str | None = None,
    overdue_only: bool = False,
    now: dt.datetime | None = None,
    limit: int = 500,
) -> list[ComplaintPublic]:
    """Return the public register, newest first, optionally filtered."""
    now = now or clock.now()
    qs = _base()
    if election_key:
        qs = qs.filter(election__key=election_key)
    if status:
        qs = qs.filter(status=status)
    if overdue_only:
        qs = qs.filter(status=ComplaintStatus.OPEN, decide_by__lte=now)
    return [_public(c, now) for c in qs[:limit]]


@dataclass(frozen=True, slots=True)
class ComplaintStatistics:
    total: int
    by_subject: dict[str, int]
    by_body: dict[str, int]
    by_outcome: dict[str, int]
    by_status: dict[str, int]
    overdue: int
    out_of_time: int
    decided: int
    decided_in_time: int
    median_hours_to_decide: float | None
    max_hours_to_decide: float | None


def complaint_statistics(
    *, election_key: str | None = None, now: dt.datetime | None = None
) -> ComplaintStatistics:
    """Return counts by subject, body, outcome and status, and the time taken to decide."""
    now = now or clock.now()
    qs = Complaint.objects.select_related("body_commission", "decision").only(
        "subject_kind",
        "body_kind",
        "body_court",
        "body_commission__code",
        "body_commission__level",
        "status",
        "decide_by",
        "filed_at",
        "out_of_time",
        "decision__decided_at",
        "decision__outcome",
    )
    if election_key:
        qs = qs.filter(election__key=election_key)
    by_subject: Counter[str] = Counter()
    by_body: Counter[str] = Counter()
    by_outcome: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    hours: list[float] = []
    overdue = out_of_time = in_time = 0
    for c in qs:
        by_subject[c.subject_kind] += 1
        body = c.body_commission.level if c.body_commission else c.body_court
        by_body[body] += 1
        by_status[c.status] += 1
        out_of_time += c.out_of_time
        if c.status == ComplaintStatus.DECIDED:
            d = c.decision
            by_outcome[d.outcome] += 1
            hours.append((d.decided_at - c.filed_at).total_seconds() / 3600)
            in_time += d.decided_at < c.decide_by
        elif c.status == ComplaintStatus.OPEN and now >= c.decide_by:
            overdue += 1
    return ComplaintStatistics(
        total=sum(by_status.values()),
        by_subject=dict(sorted(by_subject.items())),
        by_body=dict(sorted(by_body.items())),
        by_outcome=dict(sorted(by_outcome.items())),
        by_status=dict(sorted(by_status.items())),
        overdue=overdue,
        out_of_time=out_of_time,
        decided=len(hours),
        decided_in_time=in_time,
        median_hours_to_decide=round(statistics.median(hours), 1) if hours else None,
        max_hours_to_decide=round(max(hours), 1) if hours else None,
    )


def evidence_content(*, key: str, position: int) -> Evidence:
    """Return one evidence file with its content, for the deciding body (not public)."""
    try:
        return Evidence.objects.get(complaint__key=key, position=position)
    except Evidence.DoesNotExist:
        raise NotFound(
            _("No evidence file %(n)d on complaint “%(key)s”.") % {"n": position, "key": key},
            data={"complaint": key},
        ) from None


def complaint_decisions_pending(*, complaint: Complaint) -> list[Decision]:
    """Return the deciding commission's decisions on the complaint that await confirmation."""
    if complaint.body_commission_id is None:
        return []
    return decision_pending_list(
        commission_id=complaint.body_commission_id, kind=DECISION_ACTION, complaint=complaint.key
    )


def complaint_decision_counts(*, election_key: str) -> tuple[int, int]:
    """Count the election's complaints whose decision is public (the complaint shows as
    decided in the register) stating the facts found and the law applied, and all
    complaints with a decision (one query)."""
    rows = Complaint.objects.filter(election__key=election_key, decision__isnull=False).values_list(
        "status", "decision__facts", "decision__law"
    )
    total = public = 0
    for status, facts, law in rows:
        total += 1
        public += status == ComplaintStatus.DECIDED and bool(facts.strip() and law.strip())
    return public, total
