"""Abstract base models shared by the domain apps."""

from __future__ import annotations

from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True


class RateCount(models.Model):
    """Hits per scope, keyed client and time window: the shared counter of every rate limit.

    A table rather than a per-process cache, so a limit holds across every server
    process. ``client`` is a keyed hash (``psephos.core.ratelimit``), never an address,
    a user name or an IIN; rows of windows that ended are deleted as new ones begin.
    """

    scope = models.CharField(max_length=32)
    client = models.CharField(max_length=64)
    slot = models.BigIntegerField(help_text="Unix time // the scope's window length")
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "client", "slot"], name="rate_count_once")
        ]
        indexes = [models.Index(fields=["scope", "slot"], name="rate_count_slot")]
