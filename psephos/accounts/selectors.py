"""Read access to users and their API tokens."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _

from psephos.accounts.models import ApiToken, User
from psephos.accounts.services.tokens import token_digest
from psephos.commissions.models import Commission
from psephos.core import db
from psephos.core.errors import NotFound

# Every API write authenticates with this lookup, so it is one hand-written SELECT
# (about a tenth of the ORM's cost) built from the models' table names. It reads the
# token on every request (no cache): a revoked token or a deactivated user stops
# working at once. Only integer and text columns are read; the user's other fields
# are deferred and load on first access, like ``.only()``.
_USER_FIELDS = ("id", "username", "role", "commission_id")
_TOKEN_USER_SQL = (
    "SELECT u.id, u.username, u.role, u.commission_id, c.code, c.station_id"  # noqa: S608
    f" FROM {ApiToken._meta.db_table} t"
    f" JOIN {User._meta.db_table} u ON u.id = t.user_id"
    f" LEFT JOIN {Commission._meta.db_table} c ON c.id = u.commission_id"
    " WHERE t.digest = %s AND t.revoked_at IS NULL AND u.is_active = %s"
)


# The same check as a sub-select for a statement that acts only for a valid token
# (``%(token)s`` is the digest): the token's active user with its role and its
# commission's station. Used by the voters' one-statement mark over the API.
TOKEN_HOLDER_SQL = (
    "SELECT u.id, u.role, c.station_id"  # noqa: S608
    f" FROM {ApiToken._meta.db_table} t"
    f" JOIN {User._meta.db_table} u ON u.id = t.user_id"
    f" LEFT JOIN {Commission._meta.db_table} c ON c.id = u.commission_id"
    " WHERE t.digest = %(token)s AND t.revoked_at IS NULL AND u.is_active"
)


def api_token_user(*, raw: str) -> User | None:
    """Return the active user a bearer token belongs to, or ``None``.

    The user comes with its commission's ``code`` and ``station_id`` loaded (other
    fields deferred).
    """
    if not raw or len(raw) > 200:
        return None
    row = db.fetchone(_TOKEN_USER_SQL, [token_digest(raw), True])
    if row is None:
        return None
    user = User.from_db(connection.alias, _USER_FIELDS, row[:4])
    commission = (
        None
        if row[3] is None
        else Commission.from_db(connection.alias, ("id", "code", "station_id"), row[3:6])
    )
    User.commission.field.set_cached_value(user, commission)
    return user


def operators_of_geography(*, geography_id: int) -> dict[str, User]:
    """Return the active operators bound to a commission of the map, by username."""
    users = User.objects.filter(
        commission__geography_id=geography_id, is_active=True
    ).select_related("commission")
    return {u.username: u for u in users}


def users_by_username(*, usernames: list[str]) -> dict[str, User]:
    """Return the existing users with these usernames, with their commission."""
    users = User.objects.filter(username__in=usernames).select_related("commission")
    return {u.username: u for u in users}


def user_get(*, username: str) -> User:
    """Return the user with this username or raise the one translated ``NotFound``."""
    try:
        return User.objects.select_related("commission").get(username=username)
    except User.DoesNotExist:
        raise NotFound(
            _("No user “%(username)s”.") % {"username": username}, data={"user": username}
        ) from None


def operators_of_commission(*, commission_id: int) -> list[User]:
    """Return the accounts bound to a commission (active first, then by id)."""
    return list(User.objects.filter(commission_id=commission_id).order_by("-is_active", "pk"))


def user_by_id(*, pk: int) -> User:
    """Return the user with this id, with its commission, or raise ``NotFound``."""
    user = User.objects.select_related("commission").filter(pk=pk).first()
    if user is None:
        raise NotFound(_("No user %(user)d.") % {"user": pk}, data={"user": pk})
    return user


def user_find(*, username: str) -> User | None:
    """Return the user with this username, with its commission, or ``None``."""
    return User.objects.select_related("commission").filter(username=username).first()
