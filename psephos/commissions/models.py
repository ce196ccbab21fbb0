"""Election commissions (CEC → TEC → PEC), their members and formal decisions."""

from __future__ import annotations

from django.db import models

from .enums import (
    CommissionLanguage,
    CommissionLevel,
    DecisionStatus,
    Gender,
    MemberRole,
    SessionStatus,
)


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
    # The language of its papers: the paper protocol is printed in it unless asked otherwise.
    language = models.CharField(
        max_length=2,
        choices=CommissionLanguage.choices,
        default=CommissionLanguage.KK,
        db_default=CommissionLanguage.KK,
    )
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


class NominatingBody(models.Model):
    """A nominating body's name in Kazakh and Russian, as an operator typed it.

    ``name`` is the text members store in ``nominated_by``; a body on the known list
    (``rules.nominators``) needs no row. Pages show the reader's language, else ``name``.
    """

    name = models.CharField(max_length=200, unique=True)
    name_kk = models.CharField(max_length=200, blank=True)
    name_ru = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.name


class Session(models.Model):
    """A sitting of a commission (issue 17, the back office; ODIHR [P] Rec 12).

    Announced with its agenda at least the rule profile's notice before ``starts_at``;
    opened with the members present (``SessionAttendance``, from the membership on its
    date); the decisions it adopts point at it (``Decision.session``); closed with its
    minutes, whose SHA-256 goes into the ledger. ``number`` is the natural key within
    the commission.
    """

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="sessions")
    number = models.CharField(max_length=32)
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    agenda = models.TextField()
    announced_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=SessionStatus.choices, default=SessionStatus.ANNOUNCED
    )
    minutes = models.TextField(blank=True)
    minutes_sha256 = models.CharField(max_length=64, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commission", "number"], name="session_number_unique"),
            models.CheckConstraint(condition=~models.Q(agenda=""), name="session_has_agenda"),
        ]
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return f"{self.commission.code} session {self.number}"


class SessionAttendance(models.Model):
    """One member present at one session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "member"], name="attendance_once")
        ]


class Decision(models.Model):
    """A formal, numbered, dated, reasoned decision of a commission.

    It takes effect only once ``confirmed``: proposed by one operator of the commission
    with its vote (members on its date, present, for, against, abstaining) and the
    signed document's SHA-256, then confirmed by another (``decision_review`` of the
    rule profile: a second operator of the same commission, or of the CEC), issue 16
    item 2. ``action`` is what the decision authorises, applied at confirmation.
    """

    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="decisions")
    number = models.CharField(max_length=32)
    date = models.DateField()
    title = models.CharField(max_length=300)
    text = models.TextField()
    reasons = models.TextField()
    votes_for = models.PositiveSmallIntegerField(default=0)
    votes_against = models.PositiveSmallIntegerField(default=0)
    abstentions = models.PositiveSmallIntegerField(default=0)
    members = models.PositiveSmallIntegerField(
        default=0, help_text="Members of the commission on the decision's date."
    )
    present = models.PositiveSmallIntegerField(default=0)
    document_sha256 = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.PENDING
    )
    action = models.JSONField(default=dict, blank=True)
    proposed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The session that adopted it; empty means taken outside a session (issue 17).
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    # The subject as published in the register, where given in each language;
    # ``title`` is the subject as proposed.
    title_kk = models.CharField(max_length=300, blank=True)
    title_ru = models.CharField(max_length=300, blank=True)
    title_en = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["commission", "number"], name="decision_number_unique"),
            models.CheckConstraint(condition=~models.Q(reasons=""), name="decision_has_reasons"),
            models.CheckConstraint(
                condition=models.Q(status="pending")
                | (~models.Q(confirmed_by=None) & ~models.Q(confirmed_by=models.F("proposed_by"))),
                name="decision_confirmed_by_another",
            ),
        ]
        ordering = ["-date", "number"]

    def __str__(self) -> str:
        return f"{self.commission.code} No. {self.number}"
