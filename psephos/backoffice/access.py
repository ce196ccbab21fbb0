"""Who may use the back office, and on which commissions (issue 17).

CEC and TEC operators only; a PEC operator and a reader have no back office. The
members and operator accounts of a commission are managed from the commission
above it: a TEC operator manages the commissions strictly below its own (its area),
never its own, so that nobody appoints the second pair of eyes or the members that
count towards their own commission's quorum; the CEC manages every commission of its
map, its own included (nothing is above it; every change is in the ledger). Polling
stations follow their precinct commission. Sessions and decisions are the
operator's own commission's (``commissions.access``). Every helper raises
``PermissionDenied`` naming the rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from psephos.accounts.enums import Role
from psephos.commissions.access import access_commission_sessions
from psephos.commissions.enums import CommissionLevel
from psephos.core.errors import PermissionDenied

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.commissions.models import Commission
    from psephos.elections.models import Election

OFFICE_ROLES = (Role.CEC_OPERATOR, Role.TEC_OPERATOR)


def access_office(user: User) -> Commission:
    """Return the operator's commission if ``user`` is an active CEC or TEC operator."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Log in first."), data={"rule": "office_login"})
    commission = user.commission if user.commission_id is not None else None
    if not user.is_active or user.role not in OFFICE_ROLES or commission is None:
        raise PermissionDenied(
            _("The back office is for operators of the central and territorial commissions."),
            data={"rule": "office_role"},
        )
    return commission


def in_area(own: Commission, commission: Commission) -> bool:
    """Return whether ``commission`` is one the operators of ``own`` manage."""
    if own.geography_id != commission.geography_id:
        return False
    if own.level == CommissionLevel.CEC:
        return True
    return own.pk != commission.pk and own.pk in (
        commission.parent_id,
        commission.region_id,
        commission.tec_id,
    )


def access_commission_manage(user: User, commission: Commission) -> Commission:
    """Allow the operators of the commission's managing body; return the operator's own."""
    own = access_office(user)
    if not in_area(own, commission):
        raise PermissionDenied(
            _(
                "Commission %(commission)s is not in your area: a territorial commission "
                "manages the commissions below it, the central commission every commission."
            )
            % {"commission": commission.code},
            data={"commission": commission.code, "rule": "office_area"},
        )
    return own


def access_operator_manage(
    user: User, *, target: User | None, commission: Commission, role: Role
) -> None:
    """Allow binding ``target`` (a new account when ``None``) to ``commission`` as ``role``.

    The commission is in the operator's area, the target (if any) is bound to a
    commission of that area and is not the operator, and the role fits the
    commission's level (a reader fits any).
    """
    access_commission_manage(user, commission)
    if target is not None:
        if target.pk == user.pk:
            raise PermissionDenied(
                _("Nobody changes their own account here; another operator does."),
                data={"rule": "office_self"},
            )
        bound = target.commission if target.commission_id is not None else None
        if bound is None or not in_area(access_office(user), bound):
            raise PermissionDenied(
                _("That account belongs to no commission of your area."),
                data={"rule": "office_area"},
            )
    if role not in (Role.READER, role_for_level(commission.level)):
        raise PermissionDenied(
            _("A %(role)s cannot be bound to commission %(commission)s.")
            % {"role": role.label, "commission": commission.code},
            data={"rule": "office_role_level", "role": role.value},
        )


def role_for_level(level: str) -> Role:
    """Return the operator role of a commission of ``level``."""
    if level == CommissionLevel.CEC:
        return Role.CEC_OPERATOR
    if level == CommissionLevel.PEC:
        return Role.PEC_OPERATOR
    return Role.TEC_OPERATOR


def access_own_sessions(user: User, commission: Commission) -> None:
    """Allow a CEC or TEC operator to run its own commission's sessions and decisions."""
    access_office(user)
    access_commission_sessions(user, commission)


def access_finance_office(user: User, election: Election) -> Commission:
    """Allow a CEC or TEC operator of the election's map on its funds' back-office pages.

    The services check the rest (which level decides an invoice, a report, an audit).
    """
    own = access_office(user)
    if own.geography_id != election.geography_id:
        raise PermissionDenied(
            _("Election %(election)s is not on your commission's map.")
            % {"election": election.key},
            data={"rule": "finance_map", "election": election.key},
        )
    return own
