"""A final report of an observation mission and the recommendations it makes.

The recommendation's ``text`` is the report's own wording, word for word, in the report's
``language`` (empty for an earlier report known only by its recommendations' numbers,
as ODIHR's follow-up footnotes cite them); ``text_kk``, ``text_ru`` and ``text_en`` are translations (empty until
someone provides them; ``text_en`` of an English report is its text).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .enums import AssessmentLevel, AssessorKind


class Report(models.Model):
    key = models.SlugField(_("key"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=300)
    mission = models.CharField(_("mission"), max_length=200)
    election = models.CharField(_("election"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    # Empty for an earlier report known only as ODIHR's follow-up footnotes cite it.
    document_name = models.CharField(_("document"), max_length=255, blank=True)
    document_sha256 = models.CharField(_("document SHA-256"), max_length=64, blank=True)
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        ordering = ["key"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return self.key


class Recommendation(models.Model):
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="recommendations")
    key = models.SlugField(_("key"), max_length=100, unique=True)
    number = models.PositiveSmallIntegerField(_("number"))
    priority = models.BooleanField(_("priority"), default=False)
    text = models.TextField(_("text as published"), blank=True)
    text_kk = models.TextField(_("text (Kazakh)"), blank=True)
    text_ru = models.TextField(_("text (Russian)"), blank=True)
    text_en = models.TextField(_("text (English)"), blank=True)
    # A translation psephos made (services.translations), not the mission's own.
    text_kk_unofficial = models.BooleanField(_("Kazakh text unofficial"), default=False)
    text_ru_unofficial = models.BooleanField(_("Russian text unofficial"), default=False)
    area = models.CharField(_("area"), max_length=120, blank=True)
    addressee = models.CharField(_("addressee"), max_length=200, blank=True)
    paragraph = models.CharField(_("paragraph"), max_length=200, blank=True)
    line = models.PositiveIntegerField(_("line in the document"))

    class Meta:
        ordering = ["report", "number"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "number"], name="recommendation_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.key


class Assessment(models.Model):
    """One assessor's view of one recommendation on one date; assessors are never merged."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="assessments"
    )
    assessor_kind = models.CharField(
        _("assessor kind"), max_length=24, choices=AssessorKind.choices
    )
    assessor = models.CharField(_("assessor"), max_length=200)
    assessed_on = models.DateField(_("assessed on"))
    level = models.CharField(_("level"), max_length=16, choices=AssessmentLevel.choices)
    source = models.CharField(_("source"), max_length=200)
    evidence = models.TextField(_("evidence"), blank=True)

    class Meta:
        ordering = ["recommendation", "assessor", "assessed_on"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.UniqueConstraint(
                fields=["recommendation", "assessor", "assessed_on"],
                name="assessment_one_per_assessor_and_date",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recommendation.key} {self.assessor} {self.assessed_on}"


class FollowUp(models.Model):
    """A commission's own note of what it did about a recommendation, and when.

    The note's text stays here; the ledger holds its SHA-256. ``commission`` is the
    commission whose operator entered it.
    """

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="follow_ups"
    )
    commission = models.ForeignKey(
        "commissions.Commission", on_delete=models.PROTECT, related_name="+"
    )
    done_on = models.DateField(_("done on"))
    text = models.TextField(_("what was done"))
    text_sha256 = models.CharField(_("text SHA-256"), max_length=64)
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        ordering = ["recommendation", "done_on", "pk"]
        verbose_name = _("follow-up note")
        verbose_name_plural = _("follow-up notes")

    def __str__(self) -> str:
        return f"{self.recommendation.key} {self.done_on}"


class FollowUpDocument(models.Model):
    """A document a follow-up note cites: its title, where it is published, its SHA-256."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("address"), max_length=500, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        ordering = ["follow_up", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["follow_up", "position"], name="follow_up_document_position_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title
