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
    null with ``reason`` when not measurable."""

    indicator: str
    election: str
    recommendations: list[str]
    measurable: bool
    numerator: int | None
    denominator: int | None
    share: str | None
    reason: str | None
    feature: str
    setting: str
    title: str


class RecommendationOut(Schema):
    key: str
    number: int
    priority: bool
    area: str
    text: str
    text_kk: str
    text_ru: str
    text_en: str
    assessments: list[AssessmentOut]
    evidence: list[IndicatorFigureOut]


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
