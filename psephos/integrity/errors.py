"""Refusals of the integrity app, each with a stable code."""

from __future__ import annotations

from psephos.core.errors import NotFound, ValidationFailed


class MappingInvalid(ValidationFailed):
    """The mapping file is not valid TOML or does not name the columns correctly."""

    code = "integrity_mapping_invalid"


class DataUnreadable(ValidationFailed):
    """The data file cannot be read as CSV or Parquet, or lacks mapped columns."""

    code = "integrity_data_unreadable"


class NoUsableRows(ValidationFailed):
    """Every row of the data was dropped."""

    code = "integrity_no_usable_rows"


class ReportNotFound(NotFound):
    code = "integrity_report_not_found"
