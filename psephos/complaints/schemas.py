"""Input and output schemas of the complaints API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from psephos.commissions.schemas import DecisionVoteIn


class EvidenceOut(Schema):
    filename: str
    content_type: str
    size: int
    sha256: str


class ComplaintDecisionOut(Schema):
    decided_at: dt.datetime
    decided_by: str
    facts: str
    law: str
    outcome: str
    remedy_ordered: str


class ComplaintOut(Schema):
    key: str
    election: str
    complainant: str
    complainant_kind: str
    respondent: str
    respondent_kind: str
    subject_kind: str
    subject_date: dt.date
    summary: str
    remedy: str
    filed_at: dt.datetime
    timezone: str
    body: str
    body_kind: str
    status: str
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
    evidence: list[EvidenceOut]
    decision: ComplaintDecisionOut | None


class ComplaintIn(Schema):
    election: str
    complainant_kind: str
    complainant_name: str
    complainant_contact: str = ""
    respondent_kind: str
    respondent_commission: str = ""
    respondent_name: str = ""
    addressed_to: str = ""
    subject_kind: str
    subject_date: dt.date
    summary: str
    remedy: str
    to_court: bool = False
    also_in_court: bool = False
    court_reference: str = ""
    source_incident: str = ""


class AppealIn(Schema):
    complainant_kind: str
    complainant_name: str
    complainant_contact: str = ""
    summary: str
    remedy: str


class ComplaintDecisionIn(Schema):
    """A reasoned decision; a commission's also says how it was adopted (``vote``)."""

    facts: str
    law: str
    outcome: str
    remedy_ordered: str = ""
    decided_at: dt.datetime | None = Field(
        default=None, description="When the body decided (its vote); now when not given."
    )
    vote: DecisionVoteIn | None = Field(
        default=None,
        description="The commission's decision number, vote and signed document; "
        "not for a court's ruling.",
    )


class ResumeIn(Schema):
    court_ruling_in_force_on: dt.date
    court_reference: str = ""


class StatisticsOut(Schema):
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


class FinalityOut(Schema):
    election: str
    allowed: bool
    reasons: list[str]
    challengeable_until: dt.datetime
    blocking_complaints: list[str]
    waits_for_challenges: bool
