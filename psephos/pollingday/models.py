"""Tables of election day at the polling station: the opening record and its boxes."""

from __future__ import annotations

from typing import Any

from django.db import models

from .enums import BoxKind, CountStep, LogKind, MemberRole, MobileGrounds, TurnoutSource


class Opening(models.Model):
    """The PEC's opening record (kazakhstan-rules.md §6.1): one per station and election.

    Members are recorded by role only: who issues ballots matters here, their names are
    on the commission's own list.
    """

    election = models.ForeignKey("elections.Election", on_delete=models.PROTECT)
    station = models.ForeignKey("territory.PollingStation", on_delete=models.PROTECT)
    opened_at = models.DateTimeField()
    ballots_received = models.PositiveIntegerField()
    ballots_announced = models.BooleanField()
    observers_present = models.PositiveIntegerField(default=0)
    proxies_present = models.PositiveIntegerField(default=0)
    media_present = models.PositiveIntegerField(default=0)
    recorded_at = models.DateTimeField()
    event_seq = models.BigIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "station"], name="opening_one_per_station")
        ]


class OpeningMember(models.Model):
    opening = models.ForeignKey(Opening, on_delete=models.CASCADE, related_name="members")
    position = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=16, choices=MemberRole.choices)
    issues_ballots = models.BooleanField()

    class Meta:
        ordering = ["position"]


class BallotBox(models.Model):
    opening = models.ForeignKey(Opening, on_delete=models.CASCADE, related_name="boxes")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=BoxKind.choices)
    serial = models.CharField(max_length=32)
    seals = models.CharField(max_length=200)  # seal numbers, separated by single spaces

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["opening", "serial"], name="box_serial_unique_in_opening"
            )
        ]


class TurnoutReport(models.Model):
    """A station's turnout at one reporting time: voters who received a ballot, and the list."""

    election = models.ForeignKey("elections.Election", on_delete=models.PROTECT)
    station = models.ForeignKey("territory.PollingStation", on_delete=models.PROTECT)
    slot = models.TimeField()
    voted = models.PositiveIntegerField()
    registered = models.PositiveIntegerField()
    source = models.CharField(max_length=8, choices=TurnoutSource.choices)
    at = models.DateTimeField()
    event_seq = models.BigIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["election", "station", "slot"], name="turnout_one_per_station_and_time"
            )
        ]
        indexes = [models.Index(fields=["election", "slot"], name="turnout_election_slot")]


class CountRecord(models.Model):
    """One step of a station's guided count: when it was done and its figure."""

    election = models.ForeignKey("elections.Election", on_delete=models.PROTECT)
    station = models.ForeignKey("territory.PollingStation", on_delete=models.PROTECT)
    step = models.CharField(max_length=24, choices=CountStep.choices)
    figure = models.PositiveIntegerField()
    piles = models.JSONField(default=dict)  # option key (and "invalid") → ballots, last step
    at = models.DateTimeField()
    event_seq = models.BigIntegerField(null=True)
    # Observers present at the step, as the PEC counted them (None: not given).
    observers_present = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "station", "step"], name="count_step_once")
        ]


class LogEntry(models.Model):
    """One entry of a station's log book: numbered, timestamped, never changed.

    The text stays here; the ledger event holds its digest only.
    """

    election = models.ForeignKey("elections.Election", on_delete=models.PROTECT)
    station = models.ForeignKey("territory.PollingStation", on_delete=models.PROTECT)
    number = models.PositiveIntegerField()  # 1, 2, … per station and election
    kind = models.CharField(max_length=24, choices=LogKind.choices)
    occurred_at = models.DateTimeField()
    text = models.TextField()
    recorded_at = models.DateTimeField()
    event_seq = models.BigIntegerField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "station", "number"], name="log_entry_number_once"
            )
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: an entry is never changed once kept (append-only)."""
        if self.pk is not None:
            raise ValueError("a log book entry is never changed; write a new entry")
        super().save(*args, **kwargs)


class MobileApplication(models.Model):
    """A voter's written application to vote outside the station; numbered per station.

    The text (who and where, as written) stays here; the ledger holds its digest.
    """

    election = models.ForeignKey("elections.Election", on_delete=models.PROTECT)
    station = models.ForeignKey("territory.PollingStation", on_delete=models.PROTECT)
    number = models.PositiveIntegerField()
    grounds = models.CharField(max_length=16, choices=MobileGrounds.choices)
    text = models.TextField(blank=True)
    received_at = models.DateTimeField()
    recorded_at = models.DateTimeField()
    event_seq = models.BigIntegerField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "station", "number"], name="mobile_application_number_once"
            )
        ]


class MobileTrip(models.Model):
    """A trip of the portable box: its serial, the members who carried it (by role), times."""

    election = models.ForeignKey("elections.Election", on_delete=models.PROTECT)
    station = models.ForeignKey("territory.PollingStation", on_delete=models.PROTECT)
    number = models.PositiveIntegerField()
    box_serial = models.CharField(max_length=32)
    members = models.JSONField(default=list)  # roles of the members who carried the box
    left_at = models.DateTimeField()
    returned_at = models.DateTimeField()
    event_seq = models.BigIntegerField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["election", "station", "number"], name="mobile_trip_number_once"
            )
        ]


class MobileBallot(models.Model):
    """A ballot issued outside the station on a trip, against one application (at most one)."""

    application = models.OneToOneField(
        MobileApplication, on_delete=models.PROTECT, related_name="ballot"
    )
    trip = models.ForeignKey(MobileTrip, on_delete=models.PROTECT, related_name="ballots")
    issued_at = models.DateTimeField()
    event_seq = models.BigIntegerField()
