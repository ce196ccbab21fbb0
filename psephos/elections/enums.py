from django.db import models
from django.utils.translation import gettext_lazy as _


class ElectionKind(models.TextChoices):
    PRESIDENTIAL = "presidential", _("presidential election")
    REFERENDUM = "referendum", _("constitutional referendum")


class OptionKind(models.TextChoices):
    CANDIDATE = "candidate", _("candidate")
    AGAINST_ALL = "against_all", _("against all")
    YES = "yes", _("yes")
    NO = "no", _("no")


class ElectionStatus(models.TextChoices):
    CONFIGURED = "configured", _("configured")
    COUNTING = "counting", _("counting")
    CERTIFIED = "certified", _("certified")
