"""Observation: organisations, observers, accreditation, deployment, checklists, findings.

Observers' personal data (name, phone, document number) are stored only as Fernet
tokens (``*_enc``) whose key lives outside the database (``services/crypto.py``);
``phone_digest`` is a keyed hash so that an SMS sender can be recognised without
decrypting the roster.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from .enums import (
    AccreditationStatus,
    AssignmentKind,
    Channel,
    IncidentStatus,
    MembershipRole,
    OrganisationKind,
)


class Organisation(models.Model):
    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)  # English (core.i18n.localized picks the form)
    name_kk = models.CharField(max_length=200, blank=True)
    name_ru = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=16, choices=OrganisationKind.choices)
    systematic = models.BooleanField(
        default=True,
        help_text="Observes election day systematically (EOM) rather than by expert visits.",
    )
    sampling = models.BooleanField(
        default=False,
        help_text="Deploys to a random sample, so findings are estimates with intervals.",
    )
    inclusion_rules = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.key


class Membership(models.Model):
    """A user's role in one organisation, limited to regions unless ``all_regions``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="observation_memberships"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=16, choices=MembershipRole.choices)
    all_regions = models.BooleanField(default=False)
    regions = models.ManyToManyField("territory.AdministrativeUnit", blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="membership_unique")
        ]


class TotpDevice(models.Model):
    """An authenticator for an organisation admin; the secret is encrypted like personal data."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="observation_totp"
    )
    secret_enc = models.TextField()
    confirmed = models.BooleanField(default=False)
    last_counter = models.BigIntegerField(default=-1)
    created_at = models.DateTimeField()


class TotpAttemptCount(models.Model):
    """Authenticator codes tried by a user in the current window: the two-factor limit's counter.

    A table rather than a per-process cache, so that the limit holds across every server
    process and restart. A code is counted before it is checked, so concurrent requests
    cannot check more codes than the limit; a correct code deletes the row. The window
    opens with its first code (``window_started``, Unix seconds) and lasts
    ``rules.totp.ATTEMPT_WINDOW``. No code is stored.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    window_started = models.BigIntegerField(help_text="Unix time of the window's first code")
    count = models.PositiveIntegerField(default=0)


class TotpResetRecord(models.Model):
    """An operator's reset of a user's authenticator, with the reason the ledger holds by digest.

    The ``observation.totp.reset`` event (``event_seq``) carries only the SHA-256 of
    ``reason``: the reason is free text (it may name the person) and the ledger is public
    and permanent.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField()
    at = models.DateTimeField()
    event_seq = models.PositiveBigIntegerField(unique=True)


class Observer(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="observers"
    )
    code = models.CharField(max_length=16, unique=True, help_text="Public badge number.")
    region = models.ForeignKey(
        "territory.AdministrativeUnit", on_delete=models.PROTECT, related_name="+"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="observer",
    )
    name_enc = models.TextField()
    phone_enc = models.TextField(blank=True)
    document_enc = models.TextField(blank=True)
    phone_digest = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Accreditation(models.Model):
    """An application and the commission's decision on it, for one observer and one election."""

    election = models.ForeignKey(
        "elections.Election", on_delete=models.CASCADE, related_name="accreditations"
    )
    observer = models.ForeignKey(Observer, on_delete=models.CASCADE, related_name="accreditations")
    status = models.CharField(
        max_length=16, choices=AccreditationStatus.choices, default=AccreditationStatus.APPLIED
    )
    applied_at = models.DateTimeField()
    nomination_letter = models.CharField(max_length=100, blank=True)
    decide_by = models.DateTimeField(help_text="Deadline for the decision.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.TextField(blank=True)
    badge_token = models.CharField(max_length=32, unique=True)
    # The central commission's formal decision that gave the status (issue 16, item 2).
    decision = models.ForeignKey(
        "commissions.Decision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["election", "observer"], name="accreditation_one_per_election"
            ),
            models.CheckConstraint(
                condition=models.Q(status="applied") | ~models.Q(reasons=""),
                name="accreditation_decision_has_reasons",
            ),
        ]
        ordering = ["observer__code"]


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=100)
    region = models.ForeignKey(
        "territory.AdministrativeUnit", on_delete=models.PROTECT, related_name="+"
    )
    observers = models.ManyToManyField(Observer, related_name="teams", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_unique")
        ]


class Assignment(models.Model):
    """An observer's posting to a station (or a TEC) for a time window; roving ones chain."""

    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="+")
    observer = models.ForeignKey(Observer, on_delete=models.CASCADE, related_name="assignments")
    kind = models.CharField(max_length=8, choices=AssignmentKind.choices)
    station = models.ForeignKey(
        "territory.PollingStation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tec = models.ForeignKey(
        "commissions.Commission", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["election", "observer"])]


class FormDefinition(models.Model):
    """One immutable version of a checklist; ``organisation`` null means the built-in library."""

    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="forms"
    )
    key = models.SlugField(max_length=64)
    version = models.PositiveIntegerField()
    phase = models.CharField(max_length=32)
    sms_code = models.CharField(max_length=2)
    definition = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "key", "version"], name="form_version_unique"
            ),
            models.UniqueConstraint(
                fields=["key", "version"],
                condition=models.Q(organisation__isnull=True),
                name="builtin_form_version_unique",
            ),
        ]
        ordering = ["key", "-version"]


class Submission(models.Model):
    """One observation: a filled checklist from one visit. Idempotent on (observer, client id)."""

    election = models.ForeignKey(
        "elections.Election", on_delete=models.CASCADE, related_name="observation_submissions"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="submissions"
    )
    observer = models.ForeignKey(Observer, on_delete=models.PROTECT, related_name="submissions")
    form = models.ForeignKey(FormDefinition, on_delete=models.PROTECT, related_name="submissions")
    client_id = models.CharField(max_length=64)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    station = models.ForeignKey(
        "territory.PollingStation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tec = models.ForeignKey(
        "commissions.Commission", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place_code = models.CharField(max_length=32)
    region_code = models.CharField(max_length=32)
    urban = models.BooleanField(null=True)
    answers = models.JSONField()
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    submitted_at = models.DateTimeField()
    received_at = models.DateTimeField()
    flags = models.JSONField(default=list, blank=True)
    excluded_reasons = models.JSONField(default=list, blank=True)
    included = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["observer", "client_id"], name="submission_client_id_unique"
            )
        ]
        indexes = [models.Index(fields=["election", "organisation", "form"])]


class SmsMessage(models.Model):
    """An incoming coded SMS and the reply; the sender is kept only as a keyed digest."""

    received_at = models.DateTimeField()
    sender_digest = models.CharField(max_length=64)
    observer = models.ForeignKey(
        Observer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=480)
    reply = models.CharField(max_length=480)
    ok = models.BooleanField()
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]


class Incident(models.Model):
    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="incidents"
    )
    number = models.PositiveIntegerField()
    observer = models.ForeignKey(
        Observer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    station = models.ForeignKey(
        "territory.PollingStation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    category = models.CharField(max_length=64)
    occurred_at = models.DateTimeField()
    description = models.TextField()
    status = models.CharField(
        max_length=16, choices=IncidentStatus.choices, default=IncidentStatus.REPORTED
    )
    escalated_to = models.CharField(max_length=200, blank=True)
    evidence = models.JSONField(default=list, blank=True, help_text="SHA-256 digests of photos.")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "number"], name="incident_number_unique"
            )
        ]


class IncidentStep(models.Model):
    """One step of an incident's case (verified, escalated, …) with its free text.

    The step's ledger event (``event_seq``) carries only the SHA-256 of ``note`` and of
    ``escalated_to``: an organisation's note may hold names, phone numbers or IINs, and
    the ledger is public and permanent.
    """

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=16, choices=IncidentStatus.choices)
    escalated_to = models.CharField(max_length=200, blank=True)
    note = models.CharField(max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField()
    event_seq = models.PositiveBigIntegerField(unique=True)

    class Meta:
        ordering = ["incident", "at", "id"]


class AccessLogEntry(models.Model):
    """Every read or export of observers' personal data, and every refusal, for the admins to see."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="access_log"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(max_length=150)
    action = models.CharField(max_length=32)
    target = models.CharField(max_length=200)
    allowed = models.BooleanField()
    detail = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]


class QuickCountSample(models.Model):
    election = models.ForeignKey("elections.Election", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="samples")
    seed = models.BigIntegerField()
    size = models.PositiveIntegerField()
    frame_sizes = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["election", "organisation"], name="one_sample_per_organisation"
            )
        ]


class SampledStation(models.Model):
    sample = models.ForeignKey(QuickCountSample, on_delete=models.CASCADE, related_name="stations")
    station = models.ForeignKey(
        "territory.PollingStation", on_delete=models.PROTECT, related_name="+"
    )
    stratum = models.CharField(max_length=80)
    order = models.PositiveIntegerField()
    reserve = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sample", "station"], name="sampled_station_unique")
        ]
