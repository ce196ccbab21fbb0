"""The national voter register, per-election station lists, certificates and marks.

The IIN is never stored: ``iin_hash`` is its keyed value (AES-256 of the IIN, key
outside the database; docs/adr/0002-iin-storage.md, 0005-iin-index-aes.md). Names and birth dates are personal
data: only the station's PEC and the CEC read them, and they never reach logs,
error messages or public pages.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .enums import (
    AdditionBasis,
    BatchKind,
    CertificateStatus,
    CorrectionKind,
    CorrectionStatus,
    EntrySource,
    RegisterChangeKind,
    RemovalReason,
    VoterOrigin,
    VoterRemoval,
)


class ImportBatch(models.Model):
    """One accepted population-register extract or update (refused files leave no row)."""

    kind = models.CharField(
        max_length=8, choices=BatchKind.choices, default=BatchKind.IMPORT, db_default="import"
    )
    geography = models.ForeignKey("territory.Geography", on_delete=models.PROTECT, related_name="+")
    file_name = models.CharField(max_length=200)
    file_sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField()
    flagged = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField()
    imported_by = models.CharField(max_length=150)


class Voter(models.Model):
    # The register is bulk-loaded (up to 12 million rows): its foreign keys carry no
    # database constraint and no index of their own, because the import resolves every
    # station before inserting, every hot lookup goes through the unique keyed IIN,
    # and the rest (a whole map's lists, a station deleted) read the whole table
    # anyway (docs/voters.md, "Storage").
    geography = models.ForeignKey(
        "territory.Geography",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    iin_hash = models.UUIDField()  # 16 bytes, not an identifier: see iin_hash.py
    surname = models.CharField(max_length=100)
    given_name = models.CharField(max_length=100)
    patronymic = models.CharField(max_length=100, blank=True)
    birth_date = models.DateField()
    sex = models.CharField(max_length=1)
    station = models.ForeignKey(
        "territory.PollingStation",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    incapacitated = models.BooleanField(default=False)
    prisoner = models.BooleanField(default=False)
    origin = models.CharField(
        max_length=16, choices=VoterOrigin.choices, default=VoterOrigin.REGISTER
    )
    review = models.BooleanField(
        default=False, help_text="Same name and birth date as a voter under another IIN."
    )
    batch = models.ForeignKey(
        ImportBatch,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    # Set by a register update (``psephos voters update``): the row stays, so the IIN
    # keeps its key, marks and list history, and a later update may reinstate it.
    removed_reason = models.CharField(
        max_length=16, choices=VoterRemoval.choices, blank=True, db_default=""
    )
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The keyed value stands for (map, IIN), so it is the key alone: one random
        # 16-byte column sorts several times faster than keys that all begin with the
        # same map when the bulk import builds this index.
        constraints = [models.UniqueConstraint(fields=["iin_hash"], name="voter_iin_once")]

    def __str__(self) -> str:
        return f"voter {self.pk}"  # never the name or IIN


class ListEntry(models.Model):
    """A voter on one station's list for one election; removal keeps the row.

    Extracted set-based from the register, so like ``Voter`` its foreign keys carry
    no database constraint; the indexes below cover the lookups.
    """

    election = models.ForeignKey(
        "elections.Election",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    voter = models.ForeignKey(
        Voter, on_delete=models.PROTECT, related_name="entries", db_constraint=False
    )
    station = models.ForeignKey(
        "territory.PollingStation",
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    source = models.CharField(max_length=16, choices=EntrySource.choices)
    basis = models.CharField(max_length=16, choices=AdditionBasis.choices, blank=True)
    # The document an election-day addition was made on (its kind and number, as the
    # PEC typed it): for the TEC's review of additions, never in the ledger.
    document = models.CharField(max_length=100, blank=True, db_default="")
    added_at = models.DateTimeField()
    removed_reason = models.CharField(max_length=24, choices=RemovalReason.choices, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["election", "voter"],
                condition=models.Q(removed_reason=""),
                name="entry_one_active_per_voter",
            ),
            models.CheckConstraint(
                condition=models.Q(source="election_day") | models.Q(basis=""),
                name="entry_basis_only_for_additions",
            ),
        ]
        indexes = [models.Index(fields=["election", "station"], name="entry_station")]


class RegisterChange(models.Model):
    """One applied row of a register update: what happened to which voter.

    The voter's details are on the voter row; this keeps the history (the station
    before and after a move, the removal reason) without repeating personal data.
    """

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="changes")
    line = models.PositiveIntegerField(help_text="The row's line in the update file.")
    voter = models.ForeignKey(
        Voter, on_delete=models.PROTECT, related_name="register_changes", db_constraint=False
    )
    kind = models.CharField(max_length=16, choices=RegisterChangeKind.choices)
    reason = models.CharField(max_length=16, choices=VoterRemoval.choices, blank=True)
    station_before = models.ForeignKey(
        "territory.PollingStation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    station_after = models.ForeignKey(
        "territory.PollingStation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    at = models.DateTimeField()


class Certificate(models.Model):
    """An absentee voting certificate (AVC): one per voter per election, never replaced."""

    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="+")
    serial = models.CharField(max_length=5)
    voter = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="certificates")
    issued_by = models.ForeignKey(
        "territory.PollingStation", on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()
    status = models.CharField(
        max_length=8, choices=CertificateStatus.choices, default=CertificateStatus.ISSUED
    )
    used_at = models.DateTimeField(null=True, blank=True)
    used_station = models.ForeignKey(
        "territory.PollingStation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "serial"], name="certificate_serial_once"),
            models.UniqueConstraint(fields=["election", "voter"], name="certificate_one_per_voter"),
        ]


class Mark(models.Model):
    """A voter received a ballot: at most one per voter per election, in the whole register.

    Election day writes about a thousand marks a second, so the table carries no
    foreign-key constraints (each would lock the referenced election and station rows
    in every transaction) and a mark is not chained into the ledger on its own:
    ``services/seals.py`` seals committed marks into the ledger in batches and sets
    ``sealed_seq`` to the sequence number of the sealing event (ADR 0004).
    """

    # The two indexes below lead with the election; it needs none of its own.
    election = models.ForeignKey(
        "elections.Election",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    voter = models.ForeignKey(
        Voter, on_delete=models.PROTECT, related_name="marks", db_constraint=False
    )
    # The entry and user columns are never searched on election day, so they carry no
    # index of their own; voter and station keep theirs (deletion checks).
    station = models.ForeignKey(
        "territory.PollingStation", on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    entry = models.ForeignKey(
        ListEntry, on_delete=models.PROTECT, related_name="+", db_constraint=False, db_index=False
    )
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    sealed_seq = models.BigIntegerField(
        null=True, blank=True, help_text="Ledger sequence number of the event that sealed it."
    )
    # The ballot was issued outside the station, from the portable box (mobile voting,
    # pollingday): the same one mark per voter, so a voter marked here cannot vote again.
    mobile = models.BooleanField(default=False, db_default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "voter"], name="mark_once_per_election")
        ]
        indexes = [
            models.Index(fields=["election", "station"], name="mark_station"),
            models.Index(
                fields=["id"], condition=models.Q(sealed_seq__isnull=True), name="mark_unsealed"
            ),
        ]


class CorrectionRequest(models.Model):
    """A voter's request to correct a station's list, decided by the station's PEC.

    ``note`` may hold personal data and is shown only to the PEC and the CEC; the
    decision's ``reasons`` must not.
    """

    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="+")
    station = models.ForeignKey(
        "territory.PollingStation", on_delete=models.PROTECT, related_name="+"
    )
    voter = models.ForeignKey(Voter, on_delete=models.PROTECT, related_name="corrections")
    kind = models.CharField(max_length=8, choices=CorrectionKind.choices)
    note = models.TextField(blank=True)
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=8, choices=CorrectionStatus.choices, default=CorrectionStatus.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=150, blank=True)
    reasons = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="pending") | ~models.Q(reasons=""),
                name="correction_decision_has_reasons",
            )
        ]
        indexes = [models.Index(fields=["election", "station", "status"], name="correction_queue")]


class SelfCheckCount(models.Model):
    """Public self-checks per client address and minute: the rate limit's shared counter.

    A table rather than a per-process cache, so the limit holds across every server
    process. ``client`` is a keyed hash of the address, never the address itself; rows
    older than the previous minute are deleted as new minutes begin.
    """

    client = models.CharField(max_length=64)
    minute = models.BigIntegerField(help_text="Unix time // 60")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "minute"], name="self_check_count_once")
        ]
        indexes = [models.Index(fields=["minute"], name="self_check_count_minute")]
