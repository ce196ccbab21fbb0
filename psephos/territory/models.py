"""Administrative units and polling stations, versioned by map.

A ``Geography`` is one version of the country's map (the 17 units of the June 2022
referendum, the 20 units in force from 8 June 2022). Every unit and station
belongs to exactly one geography, and results are stored against the geography
their election used.
"""

from __future__ import annotations

from django.db import models

from .enums import StationKind, UnitKind, UnitLevel


class Geography(models.Model):
    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    country = models.CharField(max_length=2, default="KZ")
    timezone = models.CharField(max_length=64, default="Asia/Almaty")

    def __str__(self) -> str:
        return self.key


class AdministrativeUnit(models.Model):
    geography = models.ForeignKey(Geography, on_delete=models.CASCADE, related_name="units")
    code = models.CharField(max_length=32)
    level = models.CharField(max_length=16, choices=UnitLevel.choices)
    kind = models.CharField(max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    name_en = models.CharField(max_length=200)
    name_kk = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200)
    timezone = models.CharField(max_length=64, default="Asia/Almaty")
    urban = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["geography", "code"], name="unit_code_unique_in_geography"
            )
        ]
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class PollingStation(models.Model):
    geography = models.ForeignKey(Geography, on_delete=models.CASCADE, related_name="stations")
    code = models.CharField(max_length=32)
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=StationKind.choices)
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="stations")
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300, blank=True)
    urban = models.BooleanField(default=False)
    election_day_additions = models.BooleanField(
        default=False, help_text="Designated for election-day additions of unregistered citizens."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["geography", "code"], name="station_code_unique_in_geography"
            )
        ]
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code
