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
    # The current version's validity; superseded versions are ``Revision`` rows.
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

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
    # ``name`` and ``address`` are the English forms (their original column names,
    # which every existing caller uses); the Kazakh and Russian forms sit beside them.
    name = models.CharField(max_length=200)
    name_kk = models.CharField(max_length=200, blank=True)
    name_ru = models.CharField(max_length=200, blank=True)
    address = models.CharField(max_length=300, blank=True)
    address_kk = models.CharField(max_length=300, blank=True)
    address_ru = models.CharField(max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    # Accessibility: None means "not surveyed".
    step_free = models.BooleanField(
        null=True, blank=True, help_text="Step-free access from the street to the voting room."
    )
    accessible_booth = models.BooleanField(
        null=True, blank=True, help_text="A voting booth usable from a wheelchair."
    )
    braille_guide = models.BooleanField(
        null=True, blank=True, help_text="Ballot guides for blind voters (Braille or tactile)."
    )
    ramp = models.BooleanField(null=True, blank=True, help_text="A ramp at the entrance.")
    sign_language = models.BooleanField(
        null=True, blank=True, help_text="Voter information in sign language (CEC material)."
    )
    urban = models.BooleanField(default=False)
    election_day_additions = models.BooleanField(
        default=False, help_text="Designated for election-day additions of unregistered citizens."
    )
    # Voting hours of this station when they differ from the election's (a station abroad
    # or on a ship, a hospital's special station), in the station's own time zone; None
    # keeps the election's opening or closing time.
    opens = models.TimeField(null=True, blank=True)
    closes = models.TimeField(null=True, blank=True)
    # A station in another time zone than its unit (abroad); empty: the unit's.
    timezone = models.CharField(max_length=64, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["geography", "code"], name="station_code_unique_in_geography"
            )
        ]
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Revision(models.Model):
    """A superseded version of a unit or a station: its values and when they held.

    The unit or station row always holds the current version; a versioned change
    (``psephos setup`` re-run with changed files) first stores the old values here
    with ``valid_to`` the day before the change takes effect, so nothing that was
    published is ever rewritten without a trace.
    """

    geography = models.ForeignKey(Geography, on_delete=models.CASCADE, related_name="revisions")
    record = models.CharField(max_length=8, choices=[("unit", "unit"), ("station", "station")])
    code = models.CharField(max_length=32)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField()
    values = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["geography", "record", "code"])]
        ordering = ["geography", "record", "code", "valid_to"]

    def __str__(self) -> str:
        return f"{self.record} {self.code} until {self.valid_to}"
