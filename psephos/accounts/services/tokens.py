"""Issue and revoke API bearer tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction

from psephos.accounts.models import ApiToken, User
from psephos.core import clock
from psephos.ledger.actors import actor_user
from psephos.ledger.services.events import event_record

TOKEN_PREFIX = "psk_"  # noqa: S105 - a public prefix, not a secret


def token_digest(raw: str) -> str:
    """Return the stored form of a token: its SHA-256 in hex."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_create(*, user: User, label: str = "") -> tuple[ApiToken, str]:
    """Create a token for ``user`` and return it with its raw value (shown only now).

    Writes the ``api_token.create`` ledger event (token id and user id only).
    """
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, label=label[:100], digest=token_digest(raw), created_at=clock.now()
        )
        event_record(
            actor=actor_user(user),
            role=user.role,
            action="api_token.create",
            object_key=f"api-token/{token.pk}",
            payload={"token": token.pk, "user": user.pk},
        )
    return token, raw


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token; later requests with it are unauthenticated."""
    with transaction.atomic():
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=clock.now())
        event_record(
            actor=actor_user(token.user),
            role="system",
            action="api_token.revoke",
            object_key=f"api-token/{token.pk}",
            payload={"token": token.pk, "user": token.user_id},
        )
    token.refresh_from_db()
    return token
