"""Invite operators: a one-time, expiring link that sets the password (none in any file).

The raw token appears only in the link shown to whoever runs the invitation (it is a
secret, like a password); the database keeps its SHA-256. Accepting an invitation
sets the password, marks the invitation used and leaves every other invitation of
the user unusable.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from psephos.accounts.enums import Role
from psephos.accounts.models import ApiToken, Invitation, User
from psephos.accounts.services.tokens import token_digest
from psephos.core import clock
from psephos.core.errors import NotFound, ValidationFailed
from psephos.ledger.actors import actor_user
from psephos.ledger.services.events import event_record

if TYPE_CHECKING:
    from psephos.commissions.models import Commission

INVITATION_DAYS = 7
MINIMUM_PASSWORD_LENGTH = 12


class InvitationInvalid(NotFound):
    code = "invitation_invalid"


def _issue(user: User) -> tuple[Invitation, str]:
    raw = secrets.token_urlsafe(32)
    now = clock.now()
    invitation = Invitation.objects.create(
        user=user,
        digest=token_digest(raw),
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    return invitation, raw


def operator_invite(
    *, username: str, role: Role, commission: Commission, actor: str, actor_role: str = "system"
) -> tuple[User, str]:
    """Create (or reactivate) an operator bound to ``commission`` and return a new token.

    ``actor`` and ``actor_role`` are who acts (``actor_user`` of an operator in the back
    office, the system for ``psephos setup``). The user gets no usable password until
    the invitation is accepted. Earlier
    unused invitations of the user stop working. Writes ``user.invite`` (user id,
    role and commission only).
    """
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            username=username, defaults={"role": role, "commission": commission}
        )
        if created:
            user.set_unusable_password()
        user.role, user.commission, user.is_active = role, commission, True
        user.save()
        Invitation.objects.filter(user=user, used_at__isnull=True).update(expires_at=clock.now())
        raw = _invite_record(user, actor, actor_role, {"commission": commission.code})
    return user, raw


def _invite_record(user: User, actor: str, actor_role: str, extra: dict[str, str]) -> str:
    """Issue the user's invitation and write ``user.invite``; return the raw token."""
    invitation, raw = _issue(user)
    event_record(
        actor=actor,
        role=actor_role,
        action="user.invite",
        object_key=f"user:{user.pk}",
        payload={
            "user": user.pk,
            "role": str(user.role),
            **extra,
            "invitation": invitation.pk,
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    return raw


def reader_invite(*, username: str, actor: str, actor_role: str = "system") -> tuple[User, str]:
    """Create an account bound to no commission (role ``reader``) and return its token.

    For people who act for no commission, such as a monitoring team's media coders; what
    they may do is granted by the app that scopes them (``media.PlanMember``). Refuses a
    malformed or taken username (``ValidationFailed``, field ``username``). Writes
    ``user.invite`` (user id and role only).
    """
    try:
        User.username_validator(username)
    except ValidationError:
        raise ValidationFailed(
            _("A username is letters, digits and @ . + - _ only."), data={"field": "username"}
        ) from None
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise ValidationFailed(
                _("The username %(username)s is taken.") % {"username": username},
                data={"field": "username"},
            )
        user = User(username=username, role=Role.READER)
        user.set_unusable_password()
        user.save()
        raw = _invite_record(user, actor, actor_role, {})
    return user, raw


def operator_update(
    *, user: User, role: Role, commission: Commission, actor: str, actor_role: str = "system"
) -> User:
    """Change an operator's role or commission. Writes ``user.update``."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(role=role, commission=commission)
        event_record(
            actor=actor,
            role=actor_role,
            action="user.update",
            object_key=f"user:{user.pk}",
            payload={"user": user.pk, "role": role.value, "commission": commission.code},
        )
    user.refresh_from_db()
    return user


def operator_deactivate(
    *, user: User, actor: str, actor_role: str = "system", unbind: bool = False
) -> None:
    """Deactivate an operator: no login, no API token, no open invitation. Writes ``user.deactivate``.

    ``unbind`` also detaches the account from its commission, leaving a reader
    (``psephos simulate --replace`` deletes the commission; ``operator_invite`` binds
    it again)."""
    with transaction.atomic():
        now = clock.now()
        fields: dict[str, object] = {"is_active": False}
        if unbind:
            fields.update(commission=None, role=Role.READER)
        User.objects.filter(pk=user.pk).update(**fields)
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        Invitation.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
        event_record(
            actor=actor,
            role=actor_role,
            action="user.deactivate",
            object_key=f"user:{user.pk}",
            payload={"user": user.pk},
        )


def invitation_get(*, raw: str) -> Invitation:
    """Return the usable invitation with this token, or raise ``InvitationInvalid``."""
    invitation = (
        Invitation.objects.select_related("user")
        .filter(digest=token_digest(raw), used_at__isnull=True, expires_at__gt=clock.now())
        .first()
        if 0 < len(raw) <= 200
        else None
    )
    if invitation is None or not invitation.user.is_active:
        raise InvitationInvalid(
            _("This invitation link is not valid: it was used, it expired or it never existed.")
        )
    return invitation


def invitation_accept(*, raw: str, password: str) -> User:
    """Set the invited user's password and use up the invitation.

    Raises ``InvitationInvalid`` for an unknown, used or expired token and
    ``ValidationFailed`` for a password that is too short or that the configured
    validators refuse (nothing changes then). Writes ``user.invitation_accept``.
    """
    with transaction.atomic():
        invitation = invitation_get(raw=raw)
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.used_at is not None:
            raise InvitationInvalid(
                _("This invitation link is not valid: it was used, it expired or it never existed.")
            )
        user = invitation.user
        problems: list[str] = []
        if len(password) < MINIMUM_PASSWORD_LENGTH:
            problems.append(
                _("The password must have at least %(n)d characters.")
                % {"n": MINIMUM_PASSWORD_LENGTH}
            )
        try:
            validate_password(password, user)
        except ValidationError as exc:
            problems.extend(str(m) for m in exc.messages)
        if problems:
            raise ValidationFailed(" ".join(problems), data={"field": "password"})
        user.set_password(password)
        user.save(update_fields=["password"])
        now = clock.now()
        locked.used_at = now
        locked.save(update_fields=["used_at"])
        Invitation.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
        event_record(
            actor=actor_user(user),
            role=user.role,
            action="user.invitation_accept",
            object_key=f"user:{user.pk}",
            payload={"user": user.pk, "invitation": locked.pk},
        )
    return user
