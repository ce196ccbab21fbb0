"""Users, each bound to at most one commission with one role."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from .enums import Role


class User(AbstractUser):
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.READER)
    commission = models.ForeignKey(
        "commissions.Commission",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="reader") | models.Q(commission__isnull=False),
                name="user_staff_role_has_commission",
            )
        ]
