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


class ReportOut(Schema):
    key: str
    title: str
    mission: str
    election: str
    published_on: dt.date | None
    language: str
    document_sha256: str


class ReportDetailOut(ReportOut):
    recommendations: list[RecommendationOut]
