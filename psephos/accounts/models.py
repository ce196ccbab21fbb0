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


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 digest is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    label = models.CharField(max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token {self.pk} of user {self.user_id}"


class Invitation(models.Model):
    """A one-time, expiring link that lets an operator set a password.

    Only the SHA-256 of the token is stored; the link is shown once, when issued.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"invitation {self.pk} of user {self.user_id}"


class LoginThrottle(models.Model):
    """Consecutive failed logins of one key: an account (keyed hash of its username) or a
    client address; the login throttle's counter, shared by every server process.

    ``key`` is ``account:<hmac>`` or ``address:<hmac>``, never the username or the
    address itself. A successful login deletes its account's row.
    """

    key = models.CharField(max_length=80, unique=True)
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)
