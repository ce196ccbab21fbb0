"""The append-only event log."""

from __future__ import annotations

from django.db import models


class LedgerHead(models.Model):
    """Single row holding the last sequence number and hash; locked to append."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)


class Event(models.Model):
    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    role = models.CharField(max_length=32)
    action = models.CharField(max_length=64)
    object_key = models.CharField(max_length=200)
    payload = models.JSONField()
    payload_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_key"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_key}"
