"""Refusals of the integrity app, each with a stable code."""

from __future__ import annotations

from psephos.core.errors import NotFound, ValidationFailed


class NoUsableRows(ValidationFailed):
    """Every row of the data was dropped."""

    code = "integrity_no_usable_rows"


class ReportNotFound(NotFound):
    code = "integrity_report_not_found"
