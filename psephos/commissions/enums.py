from django.db import models
from django.utils.translation import gettext_lazy as _


class CommissionLevel(models.TextChoices):
    """Level in the three-tier hierarchy; TECs sit at two levels."""

    CEC = "cec", _("Central Election Commission")
    TEC_REGION = "tec_region", _("regional territorial commission")
    TEC_DISTRICT = "tec_district", _("district territorial commission")
    PEC = "pec", _("precinct commission")


class CommissionLanguage(models.TextChoices):
    """The language a commission keeps its papers in (its protocol is printed in it)."""

    KK = "kk", _("Kazakh")
    RU = "ru", _("Russian")


class MemberRole(models.TextChoices):
    CHAIR = "chair", _("chair")
    DEPUTY = "deputy", _("deputy chair")
    SECRETARY = "secretary", _("secretary")
    MEMBER = "member", _("member")


class DecisionStatus(models.TextChoices):
    PENDING = "pending", _("pending confirmation by a second operator")
    CONFIRMED = "confirmed", _("confirmed")


class SessionStatus(models.TextChoices):
    """A commission session: announced with its agenda, open with its attendance, closed."""

    ANNOUNCED = "announced", _("announced")
    OPEN = "open", _("in session")
    CLOSED = "closed", _("closed with minutes")


class Gender(models.TextChoices):
    FEMALE = "F", _("female")
    MALE = "M", _("male")


LEVEL_DEPTH = {
    CommissionLevel.CEC: 0,
    CommissionLevel.TEC_REGION: 1,
    CommissionLevel.TEC_DISTRICT: 2,
    CommissionLevel.PEC: 3,
}
