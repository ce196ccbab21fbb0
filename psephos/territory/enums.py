from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitLevel(models.TextChoices):
    REGION = "region", _("first-level unit")
    DISTRICT = "district", _("district")


class UnitKind(models.TextChoices):
    OBLAST = "oblast", _("region")
    CITY = "city", _("city of republican significance")
    DISTRICT = "district", _("district")
    CITY_DISTRICT = "city_district", _("city district")


class StationKind(models.TextChoices):
    REGULAR = "regular", _("regular")
    SPECIAL = "special", _("special")
    ABROAD = "abroad", _("abroad")
