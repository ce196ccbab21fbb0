"""Turn an observer incident into a complaint.

The observation app calls ``complaint_file_from_incident`` with plain values
when an organisation escalates an incident, so this app does not read the
observation models. The organisation is the complainant; the precinct
commission of the station is the respondent, so the complaint goes to the
territorial commission above it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from ..enums import ComplainantKind, RespondentKind, SubjectKind
from ..models import Complaint
from .filing import EvidenceFile, complaint_file

if TYPE_CHECKING:
    from psephos.elections.models import Election


def complaint_file_from_incident(
    *,
    election: Election,
    incident_ref: str,
    organisation_name: str,
    station_code: str,
    occurred_at: dt.datetime,
    category: str,
    description: str,
    remedy: str,
    evidence: list[EvidenceFile] | None = None,
    actor: str,
    role: str = "observer",
    filed_at: dt.datetime | None = None,
) -> Complaint:
    """File a complaint by an observer organisation about an incident at a polling station.

    ``incident_ref`` is the incident's natural key and is shown on the
    complaint. The subject date is the incident's local day in the map's time
    zone. Raises what ``complaint_file`` raises; nothing is stored then.
    """
    subject_date = occurred_at.astimezone(ZoneInfo(election.geography.timezone)).date()
    return complaint_file(
        election=election,
        complainant_kind=ComplainantKind.OBSERVER_ORGANISATION,
        complainant_name=organisation_name,
        respondent_kind=RespondentKind.COMMISSION,
        respondent_commission_code=station_code,
        subject_kind=SubjectKind.ACTION,
        subject_date=subject_date,
        summary=_("Observer incident %(ref)s (%(category)s): %(text)s")
        % {"ref": incident_ref, "category": category, "text": description},
        remedy=remedy,
        evidence=evidence,
        source_incident=incident_ref,
        actor=actor,
        role=role,
        filed_at=filed_at,
    )
