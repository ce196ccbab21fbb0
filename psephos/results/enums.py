from django.db import models
from django.utils.translation import gettext_lazy as _


class ProtocolStatus(models.TextChoices):
    """A protocol's lifecycle; the labels are what the portal shows for each status."""

    DRAFT = "draft", _("not received")
    SUBMITTED = "submitted", _("submitted, awaiting the territorial commission")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned for correction")
    CANCELLED = "cancelled", _("cancelled by decision")


class VersionSource(models.TextChoices):
    PEC_ENTRY = "pec", _("entered by the precinct commission")
    TEC_ENTRY = "tec", _("keyed from paper at the territorial commission")
    CORRECTION = "correction", _("correction by decision")
    RECOUNT = "recount", _("recount by decision")
    SIMULATION = "simulation", _("simulation")
    IMPORTED = "imported", _("imported from the results table of an existing election")
