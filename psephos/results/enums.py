from django.db import models
from django.utils.translation import gettext_lazy as _


class ProtocolStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    ACCEPTED = "accepted", _("accepted")
    RETURNED = "returned", _("returned")
    CANCELLED = "cancelled", _("cancelled")


class VersionSource(models.TextChoices):
    PEC_ENTRY = "pec", _("entered by the precinct commission")
    TEC_ENTRY = "tec", _("keyed from paper at the territorial commission")
    CORRECTION = "correction", _("correction by decision")
    RECOUNT = "recount", _("recount by decision")
    SIMULATION = "simulation", _("simulation")
