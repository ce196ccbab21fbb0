"""Results protocols, their immutable versions, refused attempts and tallies."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .enums import ProtocolStatus, VersionSource
from .rules.lines import LINE_NAMES, ProtocolLines


class LinesMixin(models.Model):
    """The protocol lines as integer columns (names from ``rules.lines.LINE_NAMES``)."""

    voters_on_list = models.BigIntegerField(default=0)
    ballots_received = models.BigIntegerField(default=0)
    ballots_issued = models.BigIntegerField(default=0)
    ballots_issued_mobile = models.BigIntegerField(default=0)
    voted_with_certificate = models.BigIntegerField(default=0)
    ballots_cancelled = models.BigIntegerField(default=0)
    ballots_found = models.BigIntegerField(default=0)
    ballots_invalid = models.BigIntegerField(default=0)
    ballots_valid = models.BigIntegerField(default=0)
    ballots_both_marked = models.BigIntegerField(default=0)

    class Meta:
        abstract = True

    def lines_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in LINE_NAMES}


class Protocol(models.Model):
    """A station's results for one election: its status and current version."""

    election = models.ForeignKey(
        "elections.Election", on_delete=models.CASCADE, related_name="protocols"
    )
    station = models.ForeignKey(
        "territory.PollingStation", on_delete=models.PROTECT, related_name="protocols"
    )
    commission = models.ForeignKey(
        "commissions.Commission", on_delete=models.PROTECT, related_name="protocols"
    )
    tec = models.ForeignKey("commissions.Commission", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("commissions.Commission", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=ProtocolStatus.choices, default=ProtocolStatus.DRAFT
    )
    current = models.OneToOneField(
        "ProtocolVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    return_reason = models.TextField(blank=True)
    cancel_decision = models.ForeignKey(
        "commissions.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "station"], name="protocol_one_per_station")
        ]
        indexes = [
            models.Index(fields=["election", "status"]),
            models.Index(fields=["election", "tec"]),
        ]

    def __str__(self) -> str:
        return f"{self.election_id}:{self.station_id}"


class ProtocolVersion(LinesMixin):
    """One immutable version of a protocol's figures."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    source = models.CharField(max_length=16, choices=VersionSource.choices)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.ForeignKey(
        "commissions.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(blank=True)
    digest = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["protocol", "number"], name="protocol_version_number_unique"
            )
        ]
        ordering = ["protocol", "number"]

    def to_lines(self, votes: dict[str, int]) -> ProtocolLines:
        return ProtocolLines(**self.lines_dict(), votes=votes)


class ProtocolVote(models.Model):
    version = models.ForeignKey(ProtocolVersion, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey("elections.Option", on_delete=models.PROTECT, related_name="+")
    votes = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "option"], name="protocol_vote_unique")
        ]


class ProtocolRefusal(models.Model):
    """A refused submission: what was sent and why it was refused. Holds no personal data."""

    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="+")
    station_code = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    code = models.CharField(max_length=64)
    payload = models.JSONField()
    problems = models.JSONField()

    class Meta:
        ordering = ["-at"]


class Tally(LinesMixin):
    """Tabulated sums of accepted protocols at one commission (any level) of one election."""

    election = models.ForeignKey(
        "elections.Election", on_delete=models.CASCADE, related_name="tallies"
    )
    commission = models.ForeignKey(
        "commissions.Commission", on_delete=models.CASCADE, related_name="tallies"
    )
    expected = models.PositiveIntegerField(default=0)
    received = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    cancelled = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    # HMAC of every figure of the row and its votes under a key kept outside the
    # database (results.rules.seals); readers refuse a tally whose seal does not match.
    seal = models.CharField(max_length=64, default="", editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["election", "commission"], name="tally_one_per_commission"
            )
        ]


class TallyVote(models.Model):
    tally = models.ForeignKey(Tally, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey("elections.Option", on_delete=models.CASCADE, related_name="+")
    votes = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tally", "option"], name="tally_vote_unique")
        ]


class KeyedEntry(LinesMixin):
    """One operator's keying of a paper protocol at the territorial commission.

    Two entries by different operators of the TEC above the station must match before
    the protocol is submitted (source ``tec``); on a mismatch a third operator's
    ``resolution`` entry decides. ``version`` links the entries of a finished round to
    the protocol version they produced; pending entries have none.
    """

    class Kind(models.TextChoices):
        ENTRY = "entry", "entry"
        RESOLUTION = "resolution", "resolution"

    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="+")
    commission = models.ForeignKey(
        "commissions.Commission", on_delete=models.PROTECT, related_name="+"
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.ENTRY)
    votes = models.JSONField()
    created_at = models.DateTimeField()
    version = models.ForeignKey(
        ProtocolVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refused = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["election", "commission"])]


class ProtocolAttachment(models.Model):
    """The image or PDF of a signed paper protocol; its SHA-256 is public.

    The bytes are in the default storage under ``storage_name`` (content-addressed:
    ``protocols/<aa>/<sha256>``), not in this row.
    """

    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="+")
    commission = models.ForeignKey(
        "commissions.Commission", on_delete=models.PROTECT, related_name="+"
    )
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["election", "commission"])]


class Manifest(models.Model):
    """The signed pre-election manifest of one election (definition, stations, zero totals)."""

    election = models.OneToOneField(
        "elections.Election", on_delete=models.CASCADE, related_name="manifest"
    )
    body = models.JSONField()
    sha256 = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)
    key_id = models.CharField(max_length=64)
    public_key = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    event_seq = models.BigIntegerField(null=True)
