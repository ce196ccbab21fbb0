"""A monitoring team's accounts, scoped to one plan, and the upload of a device's codings.

A plan's team is whoever monitors under it — an observer mission's media monitors, a
citizen group, the CEC's media monitoring group. Their accounts are granted per plan
(``PlanMember``): a coordinator uploads the codings of any of the plan's coders, a coder
only those under their own pseudonymous code. An upload goes through the same import as
``psephos media import-items`` (``items_import``): all or nothing, every problem with
line and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.accounts.selectors import user_find
from psephos.accounts.services.invitations import reader_invite
from psephos.core import clock
from psephos.core.errors import PermissionDenied
from psephos.ledger.actors import actor_user
from psephos.ledger.services.events import event_record

from ..enums import TeamRole
from ..errors import MemberInvalid
from ..models import MonitoringPlan, PlanMember
from ..rules.coding import coder_code_ok
from .items import ImportSummary, items_import

if TYPE_CHECKING:
    from psephos.accounts.models import User


@dataclass(frozen=True, slots=True)
class Grant:
    member: PlanMember
    invitation: str  # the one-time token of a new account's invitation; "" for an existing one


def member_grant(
    *, plan: MonitoringPlan, username: str, role: str, coder: str, actor: str, actor_role: str
) -> Grant:
    """Give ``username`` a role on ``plan``; a new username gets a reader account and an
    invitation (the token is returned once, never stored or logged).

    A coder needs one of the plan's coder codes, held by no other active member; a
    coordinator needs none. Granting again updates the role and code and lifts a
    revocation. Raises ``MemberInvalid`` with the field; nothing is written then. One
    ``monitoring_member.grant`` event (user id, role, code; never the username).
    """
    if role not in TeamRole.values:
        raise MemberInvalid(_("The role is coordinator or coder."), data={"field": "role"})
    if role == TeamRole.CODER and (not coder_code_ok(coder) or coder not in plan.coders):
        raise MemberInvalid(
            _("A coder's code must be one of the plan's coders: %(coders)s.")
            % {"coders": ", ".join(plan.coders)},
            data={"field": "coder"},
        )
    if role == TeamRole.COORDINATOR:
        coder = ""
    with transaction.atomic():
        taken = (
            PlanMember.objects.filter(plan=plan, coder=coder, revoked_at__isnull=True)
            .exclude(user__username=username)
            .exists()
        )
        if coder and taken:
            raise MemberInvalid(
                _("Another member of the plan codes as %(coder)s.") % {"coder": coder},
                data={"field": "coder"},
            )
        user = user_find(username=username)
        raw = ""
        if user is None:
            user, raw = reader_invite(username=username, actor=actor, actor_role=actor_role)
        member, _created = PlanMember.objects.update_or_create(
            plan=plan,
            user=user,
            defaults={"role": role, "coder": coder, "granted_at": clock.now(), "revoked_at": None},
        )
        event_record(
            actor=actor,
            role=actor_role,
            action="monitoring_member.grant",
            object_key=f"{plan.election.key}/{plan.key}",
            payload={
                "election": plan.election.key,
                "plan": plan.key,
                "user": user.pk,
                "member_role": role,
                "coder": coder,
            },
        )
    return Grant(member, raw)


def member_revoke(*, plan: MonitoringPlan, username: str, actor: str, actor_role: str) -> None:
    """End ``username``'s access to ``plan`` (their uploads stay). One
    ``monitoring_member.revoke`` event. Raises ``MemberInvalid`` for a non-member."""
    with transaction.atomic():
        member = PlanMember.objects.filter(
            plan=plan, user__username=username, revoked_at__isnull=True
        ).first()
        if member is None:
            raise MemberInvalid(
                _("%(username)s is not a member of this plan.") % {"username": username},
                data={"field": "username"},
            )
        member.revoked_at = clock.now()
        member.save(update_fields=["revoked_at"])
        event_record(
            actor=actor,
            role=actor_role,
            action="monitoring_member.revoke",
            object_key=f"{plan.election.key}/{plan.key}",
            payload={"election": plan.election.key, "plan": plan.key, "user": member.user_id},
        )


def access_plan_member(*, user: Any, plan: MonitoringPlan) -> PlanMember:
    """Return the user's active membership of ``plan`` or raise ``PermissionDenied``."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in first."))
    member = PlanMember.objects.filter(plan=plan, user=user, revoked_at__isnull=True).first()
    if member is None:
        raise PermissionDenied(
            _("Only the monitoring team of this plan may upload its codings."),
            data={"plan": plan.key},
        )
    return member


def codings_upload(
    *, plan: MonitoringPlan, user: User, data: bytes, file_name: str
) -> ImportSummary:
    """Import a device's codings for a member of ``plan``'s team, all or nothing.

    ``PermissionDenied`` for anyone else; a coder's file may hold only lines under their
    own code (else the import refuses the lines, column ``coder``). Otherwise exactly
    ``items_import``: the same checks, line and column errors and event, acted by the
    user (``user:<id>``).
    """
    member = access_plan_member(user=user, plan=plan)
    return items_import(
        plan=plan,
        data=data,
        file_name=file_name,
        actor=actor_user(user),
        role=member.role,
        coder=member.coder if member.role == TeamRole.CODER else "",
    )


def member_list(*, plan: MonitoringPlan) -> list[PlanMember]:
    """Return the plan's active members with their users, coordinators first."""
    return list(
        PlanMember.objects.filter(plan=plan, revoked_at__isnull=True)
        .select_related("user")
        .order_by("role", "coder", "user__username")
    )
