"""Nominating bodies, nominations, eligibility assessments, signatures and decisions.

Signature lines keep the signer's keyed register value (``voters.iin_hash``), never
the IIN, the name or the address: the file's personal data stays in the file.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from .enums import BodyKind, Criterion, DecisionOutcome, NominationStatus, Outcome


class NominatingBody(models.Model):
    """A political party or national public association that may nominate (Art. 55)."""

    key = models.SlugField(max_length=64, unique=True)
    kind = models.CharField(max_length=16, choices=BodyKind.choices)
    name_en = models.CharField(max_length=300)
    name_kk = models.CharField(max_length=300)
    name_ru = models.CharField(max_length=300)
    registration_number = models.CharField(max_length=64)
    registered_on = models.DateField()

    def __str__(self) -> str:
        return self.key


class BodyOffice(models.Model):
    """A registered office of a body in one first-level unit."""

    body = models.ForeignKey(NominatingBody, on_delete=models.CASCADE, related_name="offices")
    unit_code = models.CharField(max_length=32)
    registered_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["body", "unit_code"], name="office_once_per_unit")
        ]


class Nomination(models.Model):
    election = models.ForeignKey("elections.Election", on_delete=models.PROTECT, related_name="+")
    body = models.ForeignKey(NominatingBody, on_delete=models.PROTECT, related_name="nominations")
    key = models.SlugField(max_length=64)
    name_en = models.CharField(max_length=200)
    name_kk = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200)
    sex = models.CharField(max_length=1)
    birth_date = models.DateField()
    incumbent = models.BooleanField(default=False)
    decided_on = models.DateField()  # the body's nominating decision
    status = models.CharField(
        max_length=16, choices=NominationStatus.choices, default=NominationStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    collection_opens = models.DateField(null=True, blank=True)
    collection_closes = models.DateField(null=True, blank=True)
    deposit_paid = models.PositiveBigIntegerField(default=0)
    deposit_paid_on = models.DateField(null=True, blank=True)
    deposit_returned = models.BooleanField(null=True, blank=True)  # None until decided

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["election", "key"], name="nomination_key_once"),
            # Art. 55(1): one nominee per body per election; a withdrawn one frees the body.
            models.UniqueConstraint(
                fields=["election", "body"],
                condition=~Q(status="withdrawn"),
                name="nomination_one_per_body",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.election_id}/{self.key}"


class NominationDocument(models.Model):
    """A document submitted with a nomination (decision, declarations, medical, language)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=32)
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()


class Assessment(models.Model):
    """The outcome of one eligibility criterion for one nominee, with its evidence."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="assessments")
    criterion = models.CharField(max_length=32, choices=Criterion.choices)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    evidence = models.TextField()
    reason = models.TextField(blank=True)
    examiners = models.JSONField(default=list, blank=True)  # Linguistic Commission members
    held_on = models.DateField(null=True, blank=True)
    assessed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nomination", "criterion"], name="assessment_once"),
            models.CheckConstraint(
                condition=~Q(outcome="failed") | ~Q(reason=""), name="assessment_failed_reasoned"
            ),
        ]


class SignatureImport(models.Model):
    """One accepted signature file (a refused file leaves no row)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="imports")
    file_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    lines = models.PositiveIntegerField()
    checked = models.PositiveIntegerField()
    valid = models.PositiveIntegerField()
    sample_seed = models.CharField(max_length=100, blank=True)
    imported_at = models.DateTimeField()


class SheetIssue(models.Model):
    """Signature sheets the CEC issued to a nominee, numbered ``first`` to ``last``."""

    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="issues")
    first = models.PositiveIntegerField()
    last = models.PositiveIntegerField()
    issued_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nomination", "first"], name="sheet_issue_once"),
            models.CheckConstraint(condition=Q(last__gte=F("first")), name="sheet_issue_range"),
        ]


class SignatureSheet(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="sheets")
    batch = models.ForeignKey(SignatureImport, on_delete=models.PROTECT, related_name="sheets")
    number = models.PositiveIntegerField()
    unit_code = models.CharField(max_length=32)
    lines = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["nomination", "number"], name="sheet_once")]


class SignatureLine(models.Model):
    """A checked line: where it is, whose keyed value, and the reasons it is invalid."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    batch = models.ForeignKey(
        SignatureImport,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    sheet = models.PositiveIntegerField()
    line = models.PositiveIntegerField()
    unit_code = models.CharField(max_length=32)
    signer = models.UUIDField(null=True)  # voters' keyed IIN value; None: IIN invalid
    reasons = models.CharField(max_length=200, blank=True)  # codes, comma-separated
    # A rejected line's signer as the nominee's proxy sees it ("A***** B."); empty on a
    # valid line. Never the IIN.
    masked_name = models.CharField(max_length=80, blank=True)

    class Meta:
        indexes = [models.Index(fields=["nomination", "signer"], name="signature_signer")]


class NominationProxy(models.Model):
    """A user who acts for a nominee: sees the rejected lines of the nominee's sheets (masked).

    A proxy appointed as the candidate's finance officer also submits the fund's reports
    and answers its audits (the finance app's officer pages), for that fund alone.
    """

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="proxies")
    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    appointed_at = models.DateTimeField()
    finance_officer = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["nomination", "user"], name="proxy_once")]


class SignatureTally(models.Model):
    """The verification protocol of one unit for one nominee (sums over imports)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="tallies")
    unit_code = models.CharField(max_length=32)
    collected = models.PositiveIntegerField(default=0)
    checked = models.PositiveIntegerField(default=0)
    valid = models.PositiveIntegerField(default=0)
    reasons = models.JSONField(default=dict)  # reason code → lines

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nomination", "unit_code"], name="tally_once")
        ]


class RegistrationDecision(models.Model):
    """The CEC's reasoned decision on a nominee, with its vote and a second operator's confirmation.

    Recorded here because the commissions app has no decision service yet (issue 18).
    """

    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="decisions")
    number = models.CharField(max_length=32)
    decided_on = models.DateField()
    outcome = models.CharField(max_length=16, choices=DecisionOutcome.choices)
    reasons = models.TextField()
    votes_for = models.PositiveSmallIntegerField()
    votes_against = models.PositiveSmallIntegerField()
    votes_abstained = models.PositiveSmallIntegerField()
    criteria = models.JSONField(default=list)  # criterion, outcome, reason at the time
    signatures = models.JSONField(default=dict)  # the threshold check at the time
    recorded_by = models.CharField(max_length=100)  # actor (ledger form)
    recorded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["nomination", "number"], name="decision_number_once"),
            models.CheckConstraint(condition=~Q(reasons=""), name="registration_reasoned"),
        ]
