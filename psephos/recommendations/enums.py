"""Kinds and scales of the recommendations domain."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AssessorKind(models.TextChoices):
    ODIHR = "odihr", _("ODIHR")
    COMMISSION = "commission", _("election commission")
    CITIZEN_ORGANISATION = "citizen_organisation", _("citizen organisation")


class AssessmentLevel(models.TextChoices):
    """The profile's scale; “not listed” (absent from a later assessment) is not “not implemented”."""

    FULLY = "fully", _("fully implemented")
    MOSTLY = "mostly", _("mostly implemented")
    PARTIALLY = "partially", _("partially implemented")
    NOT_IMPLEMENTED = "not_implemented", _("not implemented")
    NOT_LISTED = "not_listed", _("not listed")
