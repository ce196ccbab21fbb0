"""Who may decide complaints and record court rulings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from psephos.accounts.enums import Role
from psephos.core.errors import PermissionDenied

from .enums import BodyKind

if TYPE_CHECKING:
    from psephos.accounts.models import User

    from .models import Complaint


def access_complaint_decide(user: User, complaint: Complaint) -> None:
    """Allow a member of the deciding commission; court decisions are entered by the central commission."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Log in first."))
    if complaint.body_kind == BodyKind.COMMISSION:
        if user.role not in (Role.TEC_OPERATOR, Role.CEC_OPERATOR) or (
            user.commission_id != complaint.body_commission_id
        ):
            raise PermissionDenied(
                _("Only the commission that decides this complaint can record its decision."),
                data={"complaint": complaint.key},
            )
        return
    if user.role != Role.CEC_OPERATOR or user.commission_id is None:
        raise PermissionDenied(
            _("Court decisions are recorded by the central commission's staff."),
            data={"complaint": complaint.key},
        )
