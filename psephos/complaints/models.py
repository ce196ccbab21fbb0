"""Complaints, their evidence and the reasoned decisions on them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from .enums import (
    BodyKind,
    ComplainantKind,
    ComplaintStatus,
    Outcome,
    RespondentKind,
    SubjectKind,
)


class Complaint(models.Model):
    """One complaint (or appeal) about one election, with the deadline the rules gave it.

    ``key`` is the public natural key, ``<election key>-c<number>``. The
    complainant's name and contact are personal data when the complainant is a
    private person: they never leave this table except masked.
    """

    key = models.SlugField(max_length=96, unique=True)
    election = models.ForeignKey(
        "elections.Election", on_delete=models.PROTECT, related_name="complaints"
    )
    number = models.PositiveIntegerField()
    complainant_kind = models.CharField(max_length=32, choices=ComplainantKind.choices)
    complainant_name = models.CharField(max_length=200)
    complainant_contact = models.CharField(max_length=200, blank=True)
    respondent_kind = models.CharField(max_length=16, choices=RespondentKind.choices)
    respondent_commission = models.ForeignKey(
        "commissions.Commission",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_against",
    )
    respondent_name = models.CharField(max_length=200, blank=True)
    subject_kind = models.CharField(max_length=16, choices=SubjectKind.choices)
    subject_date = models.DateField()
    summary = models.TextField()
    remedy = models.TextField()
    filed_at = models.DateTimeField()
    timezone = models.CharField(max_length=64)
    body_kind = models.CharField(max_length=16, choices=BodyKind.choices)
    body_commission = models.ForeignKey(
        "commissions.Commission",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints_to_decide",
    )
    body_court = models.CharField(max_length=200, blank=True)
    also_in_court = models.BooleanField(default=False)
    court_reference = models.CharField(max_length=100, blank=True)
    status = models.CharField(
        max_length=16, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    out_of_time = models.BooleanField(default=False)
    out_of_time_rule = models.TextField(blank=True)
    no_standing = models.BooleanField(default=False)
    standing_rule = models.TextField(blank=True)
    decide_by = models.DateTimeField()
    immediate = models.BooleanField(default=False)
    deadline_rule = models.TextField()
    appeal_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="appeals"
    )
    source_incident = models.CharField(max_length=96, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["election", "number"], name="complaint_number_unique_in_election"
            ),
            models.CheckConstraint(
                condition=(Q(body_kind="commission") & Q(body_commission__isnull=False))
                | (Q(body_kind="court") & ~Q(body_court="")),
                name="complaint_has_a_body",
            ),
            models.CheckConstraint(
                condition=Q(out_of_time=False) | ~Q(out_of_time_rule=""),
                name="complaint_out_of_time_cites_rule",
            ),
        ]
        indexes = [models.Index(fields=["election", "status"])]
        ordering = ["-filed_at", "-number"]

    def __str__(self) -> str:
        return self.key


class Evidence(models.Model):
    """A file attached to a complaint; its SHA-256 is public, its content is not."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="evidence")
    position = models.PositiveSmallIntegerField()
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # Where the content is in the default storage (file system or object storage),
    # named by its digest; never in a database row.
    storage_name = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "position"], name="evidence_position_unique"
            )
        ]
        ordering = ["complaint", "position"]


class ComplaintDecision(models.Model):
    """The reasoned decision on a complaint: facts found, law applied, outcome.

    The check constraint is the last line of the rule the service enforces
    first: a decision without facts or without the law applied is not stored.
    """

    complaint = models.OneToOneField(Complaint, on_delete=models.PROTECT, related_name="decision")
    decided_at = models.DateTimeField()
    decided_by = models.CharField(max_length=200)
    facts = models.TextField()
    law = models.TextField()
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    remedy_ordered = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(facts="") & ~Q(law=""), name="complaint_decision_has_reasons"
            )
        ]
