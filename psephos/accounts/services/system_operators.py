"""Accounts psephos itself acts as when a simulation takes a commission's formal decisions.

A formal decision needs two operators of the commission (``commissions.decision_propose``
and ``decision_confirm``, issue 16 item 2); the simulation has no people, so it acts as
two system operators of the commission, the way a demo would act as two people. They
are real rows, so the decisions name who proposed and who confirmed them, but nobody
can log in as them: they are inactive and have no usable password, and their names say
what they are (``system-simulate-<map>-<commission>-1``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.ledger.actors import actor_system
from psephos.ledger.services.events import event_record

if TYPE_CHECKING:
    from psephos.commissions.models import Commission

SYSTEM_OPERATORS = 2


def _usernames(commission: Commission, system: str) -> list[str]:
    prefix = f"system-{system}-{commission.geography.key}-{commission.code}"
    return [f"{prefix}-{n}"[:150] for n in range(1, SYSTEM_OPERATORS + 1)]


def system_operators_ensure(*, commission: Commission, role: Role, system: str) -> list[User]:
    """Return the two system operators of ``commission`` that ``system`` acts as.

    Created on first use (inactive, no usable password: nobody logs in as them), found
    again afterwards. Writes one ``user.system_operators`` event (their ids, role and
    commission) when any is created, none otherwise.
    """
    names = _usernames(commission, system)
    with transaction.atomic():
        users, created = [], []
        for name in names:
            user, new = User.objects.get_or_create(
                username=name,
                defaults={"role": role, "commission": commission, "is_active": False},
            )
            if new:
                user.set_unusable_password()
                user.save(update_fields=["password"])
                created.append(user.pk)
            users.append(user)
        if created:
            event_record(
                actor=actor_system(system),
                role="system",
                action="user.system_operators",
                object_key=f"{commission.geography.key}/{commission.code}",
                payload={"users": created, "role": role.value, "commission": commission.code},
            )
    return users


def system_operators_of(*, commission: Commission, system: str) -> list[User]:
    """Return the system operators of ``commission`` that exist (none, or both)."""
    return list(User.objects.filter(username__in=_usernames(commission, system)).order_by("pk"))


def system_operators_delete(*, users: list[User], system: str) -> int:
    """Delete system operators (``psephos simulate --replace`` rebuilds their commission).

    Only accounts named as ``system_operators_ensure`` names them are deleted; the
    decisions they proposed or confirmed must be gone first (``ProtectedError``
    otherwise). Writes one ``user.system_operators_delete`` event when any was deleted.
    Returns how many were.
    """
    ids = [u.pk for u in users if u.username.startswith(f"system-{system}-") and not u.is_active]
    if not ids:
        return 0
    with transaction.atomic():
        User.objects.filter(pk__in=ids).delete()
        event_record(
            actor=actor_system(system),
            role="system",
            action="user.system_operators_delete",
            object_key=f"users:{min(ids)}-{max(ids)}",
            payload={"users": sorted(ids)},
        )
    return len(ids)
