"""Choices of the complaints domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ComplainantKind(models.TextChoices):
    """The capacity in which a complaint is filed; the first three are private persons."""

    VOTER = "voter", _("voter")
    OBSERVER = "observer", _("observer")
    CITIZEN = "citizen", _("citizen")
    CANDIDATE = "candidate", _("candidate")
    NOMINATING_BODY = "nominating_body", _("party or nominating association")
    OBSERVER_ORGANISATION = "observer_organisation", _("observer organisation")
    COMMISSION = "commission", _("election commission")
    PRESIDENT = "president", _("President")
    CHAMBER_SPEAKER = "chamber_speaker", _("speaker of a chamber of parliament")
    MPS_ONE_FIFTH = "mps_one_fifth", _("one fifth of the members of parliament")
    PRIME_MINISTER = "prime_minister", _("Prime Minister")


class RespondentKind(models.TextChoices):
    COMMISSION = "commission", _("election commission")
    OFFICIAL = "official", _("official")
    CANDIDATE = "candidate", _("candidate")


class SubjectKind(models.TextChoices):
    DECISION = "decision", _("decision")
    ACTION = "action", _("action")
    INACTION = "inaction", _("inaction")
    RESULTS = "results", _("election results")


class BodyKind(models.TextChoices):
    COMMISSION = "commission", _("election commission")
    COURT = "court", _("court")


class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("under consideration")
    SUSPENDED = "suspended", _("suspended: also before a court")
    DECIDED = "decided", _("decided")


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("upheld")
    PARTLY_UPHELD = "partly_upheld", _("partly upheld")
    REJECTED = "rejected", _("rejected")
    DISMISSED = "dismissed", _("dismissed without consideration on the merits")


# The action of a commission's pending decision on a complaint (commissions.Decision.action).
DECISION_ACTION = "complaint.decide"
