"""Election events, contests and options."""

from __future__ import annotations

from django.db import models

from .enums import ElectionKind, ElectionStatus, OptionKind


class Election(models.Model):
    key = models.SlugField(max_length=64, unique=True)
    kind = models.CharField(max_length=16, choices=ElectionKind.choices)
    name_en = models.CharField(max_length=200)
    name_kk = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200)
    date = models.DateField()
    geography = models.ForeignKey(
        "territory.Geography", on_delete=models.PROTECT, related_name="elections"
    )
    profile_key = models.CharField(max_length=64)
    # Switches of the rule profile set for this election (``election.toml``'s
    # ``[profile]`` table); ``selectors.election_profile`` applies them.
    profile_overrides = models.JSONField(default=dict, blank=True)
    called_on = models.DateField(null=True, blank=True)
    polls_open = models.TimeField(null=True, blank=True)
    polls_close = models.TimeField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=ElectionStatus.choices, default=ElectionStatus.CONFIGURED
    )
    certified_at = models.DateTimeField(null=True, blank=True)
    # A runoff's first round (its second round is ``first_round.runoffs``).
    first_round = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="runoffs"
    )
    # The ballot's candidates come from registration (``election.toml``'s
    # ``candidates_from_registration``): the CEC makes the ballot from the registered
    # candidates (``candidates.services.registration.ballot_build``); none are listed.
    candidates_from_registration = models.BooleanField(default=False)

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return self.key


class Contest(models.Model):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="contests")
    key = models.SlugField(max_length=64)
    name_en = models.CharField(max_length=300)
    name_kk = models.CharField(max_length=300)
    name_ru = models.CharField(max_length=300)
    # A referendum's full text of the question put (empty for an election).
    text_en = models.TextField(blank=True)
    text_kk = models.TextField(blank=True)
    text_ru = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "key"], name="contest_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.election.key}/{self.key}"


class Option(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="options")
    key = models.SlugField(max_length=64)
    kind = models.CharField(max_length=16, choices=OptionKind.choices)
    ballot_order = models.PositiveSmallIntegerField()
    name_en = models.CharField(max_length=200)
    name_kk = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200)
    nominated_by = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contest", "key"], name="option_key_unique"),
            models.UniqueConstraint(fields=["contest", "ballot_order"], name="option_order_unique"),
        ]
        ordering = ["ballot_order"]

    def __str__(self) -> str:
        return self.key
