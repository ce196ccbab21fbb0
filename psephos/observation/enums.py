from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    INTERNATIONAL = "international", _("international mission")
    CITIZEN = "citizen", _("citizen observer organisation")
    PARTY = "party", _("party proxy")
    CANDIDATE = "candidate", _("candidate proxy")


class MembershipRole(models.TextChoices):
    ADMIN = "admin", _("organisation administrator")
    COORDINATOR = "coordinator", _("coordinator")
    OBSERVER = "observer", _("observer")


class AccreditationStatus(models.TextChoices):
    APPLIED = "applied", _("applied")
    ACCREDITED = "accredited", _("accredited")
    REFUSED = "refused", _("refused")
    REVOKED = "revoked", _("revoked")


class AssignmentKind(models.TextChoices):
    FIXED = "fixed", _("fixed")
    ROVING = "roving", _("roving")


class Channel(models.TextChoices):
    WEB = "web", _("web form")
    API = "api", _("API")
    SMS = "sms", _("SMS")
    SIMULATION = "simulation", _("simulation")


class IncidentStatus(models.TextChoices):
    REPORTED = "reported", _("reported")
    VERIFIED = "verified", _("verified")
    REJECTED = "rejected", _("rejected")
    ESCALATED = "escalated", _("escalated")
    RESOLVED = "resolved", _("resolved")
