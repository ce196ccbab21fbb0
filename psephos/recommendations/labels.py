"""The recommendations' areas in the reader's language.

A report's area is the heading its recommendations stand under, stored as the report
gives it (English for the ODIHR reports). The areas of the reports psephos reads are
translated here; any other area is shown as stored.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

#: Stored area → its label (the areas of the 2022 presidential and referendum reports).
AREAS = {
    "Legal Framework": _("Legal Framework"),
    "Election Administration": _("Election Administration"),
    "Referendum Administration": _("Referendum Administration"),
    "Voter Registration": _("Voter Registration"),
    "Candidate Registration": _("Candidate Registration"),
    "Campaign Finance": _("Campaign Finance"),
    "Media": _("Media"),
    "Election Dispute Resolution": _("Election Dispute Resolution"),
    "Complaints and Appeals": _("Complaints and Appeals"),
}


def area_label(area: str) -> str:
    """Return a recommendation's area in the active language, or as stored when unknown."""
    label = AREAS.get(area)
    return str(label) if label is not None else area
