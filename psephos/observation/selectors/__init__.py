"""Read side of observation, one module per concept; every public reader is importable from here."""

from __future__ import annotations

from .fieldwork import coverage, incident_get, station_ids_observed
from .findings import (
    CSV_COLUMNS,
    PHASE_ORDER,
    FindingsReport,
    findings_all,
    findings_csv,
    findings_for,
    findings_markdown,
)
from .observers import (
    access_log_list,
    accreditation_by_token,
    accreditation_get,
    accreditation_list_public,
    accreditations_awaiting,
    accreditations_by_badge,
    observer_detail,
    observer_in_organisation,
    observer_roster,
)
from .organisations import organisation_get, totp_confirmed, totp_pending
from .quickcount import (
    QuickCountMeasure,
    quickcount_estimate,
    quickcount_official,
    quickcount_station_check,
    sample_frame,
)

__all__ = [
    "CSV_COLUMNS",
    "PHASE_ORDER",
    "FindingsReport",
    "QuickCountMeasure",
    "access_log_list",
    "accreditation_by_token",
    "accreditation_get",
    "accreditation_list_public",
    "accreditations_awaiting",
    "accreditations_by_badge",
    "coverage",
    "findings_all",
    "findings_csv",
    "findings_for",
    "findings_markdown",
    "incident_get",
    "observer_detail",
    "observer_in_organisation",
    "observer_roster",
    "organisation_get",
    "quickcount_estimate",
    "quickcount_official",
    "quickcount_station_check",
    "sample_frame",
    "station_ids_observed",
    "totp_confirmed",
    "totp_pending",
]
