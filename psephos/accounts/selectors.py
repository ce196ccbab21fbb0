"""Read access to users and their API tokens."""

from __future__ import annotations

from psephos.accounts.models import ApiToken, User
from psephos.accounts.services.tokens import token_digest


def api_token_user(*, raw: str) -> User | None:
    """Return the active user a bearer token belongs to, or ``None``."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "user__commission")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return None if token is None else token.user
