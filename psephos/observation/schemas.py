"""Input and output schemas of the observation API (one per shape, each declared once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from psephos.commissions.schemas import DecisionVoteIn


class SubmissionIn(Schema):
    election: str
    form: str
    client_id: str
    station: str = ""
    tec: str = ""
    answers: dict[str, Any]
    submitted_at: dt.datetime | None = None


class SubmissionOut(Schema):
    id: int
    client_id: str
    created: bool
    place: str
    included: bool


class SmsIn(Schema):
    sender: str
    text: str


class SmsOut(Schema):
    reply: str
    recorded: bool


class AccreditationPublicOut(Schema):
    badge: str
    organisation: str
    organisation_kind: str
    region: str
    status: str
    decided_at: dt.datetime | None
    reasons: str
    decision: str | None = Field(
        default=None, description="The number of the central commission's decision."
    )


class BadgeOut(Schema):
    badge: str
    organisation: str
    election: str
    status: str
    valid: bool


class ObserverPersonalOut(Schema):
    """One observer's personal data, for an organisation admin (every read is logged)."""

    code: str
    region: str
    name: str
    phone: str
    document: str


class ApplyIn(Schema):
    election: str
    observer: str
    nomination_letter: str = ""


class ApplicationOut(Schema):
    badge: str
    status: str
    decide_by: dt.datetime


class DecideIn(Schema):
    """The central commission's decision on an accreditation: status, reasons, its vote."""

    status: str
    reasons: str
    date: dt.date | None = Field(
        default=None,
        description="The day the commission voted; today (in the map's time zone) when not given.",
    )
    vote: DecisionVoteIn


class AccreditationDecisionOut(Schema):
    badge: str
    status: str
    reasons: str


class AssignIn(Schema):
    election: str
    observer: str
    kind: str = "fixed"
    station: str = ""
    tec: str = ""


class AssignmentOut(Schema):
    id: int
    kind: str
    starts_at: dt.datetime


class CoverageOut(Schema):
    region: str
    assigned: int
    reported: int
    missing: int
    late: int


class IncidentIn(Schema):
    election: str
    category: str
    description: str
    station: str = ""
    occurred_at: dt.datetime | None = None


class IncidentOut(Schema):
    number: int
    status: str
    complaint_url: str


class TransitionIn(Schema):
    status: str
    escalated_to: str = ""
    note: str = ""


class IncidentStatusOut(Schema):
    number: int
    status: str
    escalated_to: str


class FormOut(Schema):
    key: str
    version: int
    sms_code: str


class SampleIn(Schema):
    election: str
    size: int
    # Stored in a BigIntegerField: a larger seed must be refused here, not by the database.
    seed: int = Field(ge=-(2**63), le=2**63 - 1)


class SampleOut(Schema):
    seed: int
    size: int
    strata: int


class ObserverIn(Schema):
    name: str
    phone: str = ""
    document: str = ""
    region: str


class ObserverCreatedOut(Schema):
    badge: str
    region: str


class RulesOut(Schema):
    """The inclusion rules as set; only the keys that were given appear."""

    exclude_late: bool | None = None
    exclude_conflict: bool | None = None
    exclude_inconsistent: bool | None = None
    deadlines: dict[str, str] | None = None


class FindingRowOut(Schema):
    phase: str
    question: str
    name: str
    label: str
    measure: str
    dimension: str
    group: str
    count: int
    denominator: int
    percent: float | None
    ci_low: float | None
    ci_high: float | None
    text: str


class FindingsReportOut(Schema):
    election: str
    organisation: str
    form: str
    phase: str
    basis: str
    observations: int
    excluded: int
    excluded_reasons: dict[str, int]
    rows: list[FindingRowOut]


class QuickCountMeasureOut(Schema):
    name: str
    estimate: float
    moe95: float
    moe99: float
    official: float | None
    outside_margin: bool
    thin_strata: list[str]
    missing_strata: list[str]


class StationCheckOut(Schema):
    """A sampled station whose observer copy differs from its published protocol."""

    station: str
    published: bool
    differences: dict[str, dict[str, Any]]


class QuickCountOut(Schema):
    election: str
    organisation: str
    seed: int
    sample_size: int
    reported: int
    measures: list[QuickCountMeasureOut]
    stations_compared: int
    stations_differing: list[StationCheckOut]
