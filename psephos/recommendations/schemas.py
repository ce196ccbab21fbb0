"""Typed shapes of the recommendations API."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class AssessmentOut(Schema):
    assessor_kind: str
    assessor: str
    assessed_on: dt.date
    level: str
    source: str
    evidence: str


class IndicatorFigureOut(Schema):
    """One indicator measured on an election; ``share`` is a decimal string (four places),
    null with ``reason`` when not measurable. An indicator of delays also gives
    ``median_hours`` (a decimal string, two places) of ``median_count`` items, null with
    ``median_reason`` when not measurable; all three are null for the other indicators.
    The certification indicator names in ``windows_open`` the windows still open when the
    results were certified (``results_challenge:DAY``, ``complaint:KEY``; empty when none,
    null for the other indicators)."""

    indicator: str
    election: str
    recommendations: list[str]
    measurable: bool
    numerator: int | None
    denominator: int | None
    share: str | None
    reason: str | None
    median_hours: str | None
    median_count: int | None
    median_reason: str | None
    windows_open: list[str] | None
    feature: str
    link: str  # the feature's public page for this election
    setting: str
    title: str


class FollowUpDocumentIn(Schema):
    title: str
    sha256: str
    url: str = ""


class FollowUpIn(Schema):
    done_on: dt.date
    text: str
    documents: list[FollowUpDocumentIn] = []


class FollowUpDocumentOut(Schema):
    title: str
    url: str
    sha256: str


class FollowUpOut(Schema):
    """A commission's follow-up note; ``text_sha256`` is what the ledger holds."""

    id: int
    recommendation: str
    commission: str
    done_on: dt.date
    text: str
    text_sha256: str
    entered_at: dt.datetime
    documents: list[FollowUpDocumentOut]


class RecommendationOut(Schema):
    key: str
    number: int
    priority: bool
    area: str
    text: str
    text_kk: str
    text_ru: str
    text_en: str
    text_kk_unofficial: bool
    text_ru_unofficial: bool
    assessments: list[AssessmentOut]
    evidence: list[IndicatorFigureOut]
    follow_ups: list[FollowUpOut]


class ReportOut(Schema):
    key: str
    title: str
    mission: str
    election: str
    published_on: dt.date | None
    language: str
    document_sha256: str


class ReportDetailOut(ReportOut):
    evidence_election: str | None
    recommendations: list[RecommendationOut]
