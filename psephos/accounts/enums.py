from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user may do, bound to the commission the user belongs to."""

    PEC_OPERATOR = "pec", _("precinct commission operator")
    TEC_OPERATOR = "tec", _("territorial commission operator")
    CEC_OPERATOR = "cec", _("central commission operator")
    READER = "reader", _("reader")
