"""Election commissions (CEC → TEC → PEC), their members and formal decisions."""

from __future__ import annotations

from django.db import models

from .enums import CommissionLevel, Gender, MemberRole


class Commission(models.Model):
    """One commission of the tree for one map.

    ``code`` is the natural key: ``CEC``, the region code for a regional TEC
    (``KZ-75``), the district code for a district TEC (``KZ-75-03``), and the
    station code for a PEC (``KZ-75-0412``). ``region`` points at the regional
    TEC (itself for a regional TEC) so region-level reads need no recursion.
    """

    geography = models.ForeignKey(
        "territory.Geography", on_delete=models.CASCADE, related_name="commissions"
    )
    code = models.CharField(max_length=32)
    level = models.CharField(max_length=16, choices=CommissionLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    region = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    tec = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="For a PEC: the district or city TEC directly above it.",
    )
    unit = models.ForeignKey(
        "territory.AdministrativeUnit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commissions",
    )
    station = models.OneToOneField(
        "territory.PollingStation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commission",
    )
    name = models.CharField(max_length=300)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["geography", "code"], name="commission_code_unique_in_geography"
            )
        ]
        indexes = [models.Index(fields=["geography", "level"])]
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Member(models.Model):
    commission = models.ForeignKey(Commission, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(max_length=200)
    role = models.CharField(max_length=16, choices=MemberRole.choices)
    nominated_by = models.CharField(max_length=200)
    gender = models.CharField(max_length=1, choices=Gender.choices)
    term_start = models.DateField()
    term_end = models.DateField()
    # The membership's validity in psephos: a changed or removed member is closed
    # (``valid_to`` set), never deleted or rewritten.
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["commission", "role", "full_name"]


class Decision(models.Model):
    """A formal, numbered, dated, reasoned decision of a commission."""

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="decisions")
    number = models.CharField(max_length=32)
    date = models.DateField()
    title = models.CharField(max_length=300)
    text = models.TextField()
    reasons = models.TextField()
    votes_for = models.PositiveSmallIntegerField(default=0)
    votes_against = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commission", "number"], name="decision_number_unique"),
            models.CheckConstraint(condition=~models.Q(reasons=""), name="decision_has_reasons"),
        ]
        ordering = ["-date", "number"]

    def __str__(self) -> str:
        return f"{self.commission.code} No. {self.number}"
