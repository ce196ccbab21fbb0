"""Write a commission's memberships one at a time: add, change a role, end a term (issue 17).

The back office's services. A membership is never rewritten or deleted: a new role
closes the membership the day before and opens a new one from ``on``, an ended term
closes it (``valid_to`` is the last day in force). The profile's composition rules
(``rules.composition``: size, members per nominating body, one chair, deputy and
secretary) are checked against the members in force on the day the change takes
effect; a change that would break them is refused. A member's name never enters the
ledger: the payload holds its SHA-256 (``text_digest``) and the membership's id.
Callers check who may act (``backoffice.access``) first.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.ledger.actors import actor_user, text_digest
from psephos.ledger.services.events import event_record

from .enums import Gender, MemberRole
from .errors import CompositionBroken, MemberNotValid
from .models import Commission, Member, NominatingBody
from .rules.composition import (
    CompositionProblem,
    CompositionRules,
    composition_findings,
    role_taken,
)
from .rules.nominators import NOMINATORS
from .selectors import commission_members_list

if TYPE_CHECKING:
    from psephos.accounts.models import User


def _event(user: User, action: str, member: Member, payload: dict[str, Any]) -> None:
    event_record(
        actor=actor_user(user),
        role=user.role,
        action=action,
        object_key=f"{member.commission.geography.key}/{member.commission.code}",
        payload={
            "geography": member.commission.geography.key,
            "commission": member.commission.code,
            "member": member.pk,
        }
        | payload,
    )


def _body_names(body: str, name_kk: str, name_ru: str) -> dict[str, str]:
    """Return a nominating body's Kazakh and Russian names to store: none for a body on the
    known list (``rules.nominators``, which names it already) or when neither is given."""
    names = {"name_kk": name_kk.strip(), "name_ru": name_ru.strip()}
    return {} if body in NOMINATORS or not any(names.values()) else names


def _body_names_store(body: str, names: dict[str, str]) -> None:
    NominatingBody.objects.update_or_create(name=body, defaults=names)


def nominating_bodies_name(
    *,
    names: dict[str, dict[str, str]],
    object_key: str,
    actor: str,
    role: str = "system",
    decision: dict[str, str] | None = None,
) -> list[str]:
    """Store nominating bodies' Kazakh and Russian names (body → ``name_kk``, ``name_ru``), as
    ``member_add`` does for one body; return the bodies whose names changed.

    Bodies on the known list and unchanged names are skipped. One ledger event
    ``nominating_body.name`` per body changed, with the SHA-256 of the body and of each
    name (the names are kept beside it in ``NominatingBody``), under ``object_key``, citing
    ``decision`` (the commission decision that ordered it) when given.
    """
    stored = {
        b.name: {"name_kk": b.name_kk, "name_ru": b.name_ru}
        for b in NominatingBody.objects.filter(name__in=list(names))
    }
    changed: list[str] = []
    with transaction.atomic():
        for body in sorted(names):
            wanted = _body_names(
                body, names[body].get("name_kk", ""), names[body].get("name_ru", "")
            )
            if not wanted or stored.get(body) == wanted:
                continue
            _body_names_store(body, wanted)
            changed.append(body)
            event_record(
                actor=actor,
                role=role,
                action="nominating_body.name",
                object_key=object_key,
                payload={"nominated_by_sha256": text_digest(body)}
                | {f"nominated_by_{k}_sha256": text_digest(v) for k, v in wanted.items()}
                | ({"decision": decision} if decision else {}),
            )
    return changed


def _role_check(commission: Commission, others: list[Member], role: str, on: dt.date) -> None:
    if role_taken((m.role for m in others), role):
        raise CompositionBroken(
            _("Commission %(commission)s already has a %(role)s on %(date)s.")
            % {
                "commission": commission.code,
                "role": MemberRole(role).label,
                "date": on.isoformat(),
            },
            data={"field": "role", "problem": "role_taken", "role": role},
        )


def member_add(
    *,
    user: User,
    commission: Commission,
    full_name: str,
    role: str,
    nominated_by: str,
    gender: str,
    term_start: dt.date,
    term_end: dt.date,
    on: dt.date,
    rules: CompositionRules,
    nominated_by_kk: str = "",
    nominated_by_ru: str = "",
) -> Member:
    """Add a member to ``commission`` from ``on``; return the membership.

    ``nominated_by_kk`` and ``nominated_by_ru`` name a body that is not on the known list
    (``rules.nominators``) in Kazakh and Russian: stored once per body
    (``NominatingBody``), the pages show it in the reader's language; a body on the list
    keeps the list's names.

    Preconditions: name and nominating body given, role and gender known, the term
    not ending before it starts nor before ``on``; with the new member, the members in
    force on the later of ``on`` and the term's start keep ``rules`` (no more members
    than the profile's size, no nominating body above its share, one chair, deputy and
    secretary). Side effects: one membership (and the body's names when given); one
    ledger event ``member.add`` with the name's SHA-256, role, gender, the nominating
    body's SHA-256 (and its names', when given) and term. Raises ``MemberNotValid``
    or ``CompositionBroken``; nothing is written then.
    """
    full_name, nominated_by = full_name.strip(), nominated_by.strip()
    names = _body_names(nominated_by, nominated_by_kk, nominated_by_ru)
    errors = [f for f, v in (("full_name", full_name), ("nominated_by", nominated_by)) if not v]
    if role not in MemberRole.values:
        errors.append("role")
    if gender not in Gender.values:
        errors.append("gender")
    if term_end < term_start or term_end < on:
        errors.append("term_end")
    if errors:
        raise MemberNotValid(
            _(
                "A member needs a name, a role, a gender, a nominating body and a term that "
                "ends after it starts and after %(date)s (refused: %(fields)s)."
            )
            % {"date": on.isoformat(), "fields": ", ".join(errors)},
            data={"errors": errors},
        )
    day = max(on, term_start)
    with transaction.atomic():
        Commission.objects.select_for_update().filter(pk=commission.pk).first()
        others = commission_members_list(commission=commission, on=day)
        _role_check(commission, others, role, day)
        findings = [
            f
            for f in composition_findings([*(m.nominated_by for m in others), nominated_by], rules)
            if f.problem == CompositionProblem.TOO_MANY
            or (f.problem == CompositionProblem.BODY_OVER_LIMIT and f.body == nominated_by)
        ]
        if findings:
            raise CompositionBroken(
                _(
                    "Commission %(commission)s would break the rule profile's composition on "
                    "%(date)s: %(count)d members (at most %(size)d), at most %(per_body)d per "
                    "nominating body."
                )
                % {
                    "commission": commission.code,
                    "date": day.isoformat(),
                    "count": len(others) + 1,
                    "size": rules.size_max,
                    "per_body": rules.per_body_max,
                },
                data={"problems": [f.problem.value for f in findings]},
            )
        member = Member.objects.create(
            commission=commission,
            full_name=full_name,
            role=role,
            nominated_by=nominated_by,
            gender=gender,
            term_start=term_start,
            term_end=term_end,
            valid_from=on,
        )
        if names:
            _body_names_store(nominated_by, names)
        _event(
            user,
            "member.add",
            member,
            {
                "name": text_digest(full_name),
                "role": role,
                "gender": gender,
                "nominated_by_sha256": text_digest(nominated_by),
                **{f"nominated_by_{k}_sha256": text_digest(v) for k, v in names.items()},
                "term": [term_start.isoformat(), term_end.isoformat()],
                "valid_from": on.isoformat(),
            },
        )
    return member


def _in_force_check(member: Member, on: dt.date) -> None:
    in_force = (
        member.term_start <= on <= member.term_end
        and (member.valid_from is None or member.valid_from <= on)
        and (member.valid_to is None or member.valid_to >= on)
    )
    # A change on a day after its current version began (never rewriting that version).
    if not in_force or (member.valid_from is not None and on <= member.valid_from):
        raise MemberNotValid(
            _(
                "Member %(member)d of %(commission)s is not in force on %(date)s, or that "
                "day is not after the membership's current version began; choose a later day."
            )
            % {"member": member.pk, "commission": member.commission.code, "date": on.isoformat()},
            data={"field": "on", "member": member.pk},
        )


def member_role_change(*, user: User, member: Member, role: str, on: dt.date) -> Member:
    """Give a member another role from ``on``; return the new membership.

    Preconditions: the member is in force on ``on`` (and ``on`` is after the
    membership's current version began); the role is known, different and, if single,
    not held by another member then. Side effects: the membership closes the day
    before ``on``; a new one with the same person, body and term opens on ``on``; one
    ledger event ``member.role_change`` with both ids and roles. Raises
    ``MemberNotValid`` or ``CompositionBroken``; nothing is written then.
    """
    if role not in MemberRole.values or role == member.role:
        raise MemberNotValid(
            _("Choose a role other than the member's current one."),
            data={"errors": ["role"], "field": "role"},
        )
    with transaction.atomic():
        locked = Member.objects.select_for_update().select_related("commission").get(pk=member.pk)
        _in_force_check(locked, on)
        others = [
            m
            for m in commission_members_list(commission=locked.commission, on=on)
            if m.pk != locked.pk
        ]
        _role_check(locked.commission, others, role, on)
        locked.valid_to = on - dt.timedelta(days=1)
        locked.save(update_fields=["valid_to"])
        successor = Member.objects.create(
            commission=locked.commission,
            full_name=locked.full_name,
            role=role,
            nominated_by=locked.nominated_by,
            gender=locked.gender,
            term_start=locked.term_start,
            term_end=locked.term_end,
            valid_from=on,
        )
        _event(
            user,
            "member.role_change",
            successor,
            {
                "previous": locked.pk,
                "role": [locked.role, role],
                "valid_from": on.isoformat(),
            },
        )
    return successor


def member_term_end(*, user: User, member: Member, on: dt.date) -> Member:
    """End a member's term early: ``on`` is the first day without them; return it.

    Preconditions: the member is in force on ``on`` and ``on`` is after the
    membership's current version began. Side effects: ``valid_to`` the day before
    ``on``; one ledger event ``member.close``. The profile's minimum size is not
    enforced here (a commission may fall short until a member is appointed; the
    back office shows it). Raises ``MemberNotValid``; nothing is written then.
    """
    with transaction.atomic():
        locked = Member.objects.select_for_update().select_related("commission").get(pk=member.pk)
        _in_force_check(locked, on)
        locked.valid_to = on - dt.timedelta(days=1)
        locked.save(update_fields=["valid_to"])
        _event(user, "member.close", locked, {"valid_to": locked.valid_to.isoformat()})
    return locked
