"""Output schemas of the integrity API (the report's shape: docs/integrity.md)."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field


class ReportSummaryOut(Schema):
    election: str
    report_id: int
    created_at: str
    stations_used: int
    digest: str


class IntegrityReportOut(Schema):
    """A stored ``psephos.integrity.report/1``: each method's section as its rule wrote it.

    The sections' inner keys are listed in docs/integrity.md ("report.json schema");
    ``stations_excluded_by_kind`` and ``observers`` are present only when the table has
    station kinds or an observed flag (the endpoint leaves unset keys out).
    """

    schema_: str = Field(alias="schema")
    disclaimer: str
    source: dict[str, Any]
    parameters: dict[str, Any]
    leader: str
    options: list[str]
    stations_total: int
    stations_used: int
    stations_dropped: int
    stations_excluded_by_kind: dict[str, int] | None = None
    dropped: list[dict[str, Any]]
    totals: dict[str, Any]
    turnout: float | None
    leader_share: float | None
    integer_test: dict[str, Any]
    fingerprint: dict[str, Any]
    cumulative: dict[str, Any]
    klimek: dict[str, Any]
    shpilkin: dict[str, Any]
    benford_2bl: dict[str, Any]
    last_digit: dict[str, Any]
    spikes: dict[str, Any]
    outliers: dict[str, Any]
    histograms: dict[str, Any]
    by_region: list[dict[str, Any]]
    observers: dict[str, Any] | None = None
