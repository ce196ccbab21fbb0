"""Stored forensic reports: immutable artefacts of one run on one election's results."""

from __future__ import annotations

from django.db import models


class IntegrityReport(models.Model):
    """One forensic run on a psephos election's accepted protocols; never edited."""

    election = models.ForeignKey(
        "elections.Election", on_delete=models.CASCADE, related_name="integrity_reports"
    )
    created_at = models.DateTimeField()
    stations_used = models.PositiveIntegerField()
    digest = models.CharField(max_length=64)
    report = models.JSONField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["election", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.election_id}@{self.created_at:%Y-%m-%d %H:%M}"
