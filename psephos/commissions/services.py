"""Write the commission tree and its members (in bulk)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import F, Field
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.db import create_unique
from psephos.core.errors import PermissionDenied
from psephos.core.sql import db_value, insert_many
from psephos.ledger.actors import actor_user, text_digest
from psephos.ledger.services.events import event_record, events_record_many

from .enums import CommissionLevel, DecisionStatus
from .errors import (
    DecisionNeedsAnotherOperator,
    DecisionNotPending,
    DecisionNotValid,
    DecisionNumberTaken,
)
from .models import Commission, Decision, Member, Session
from .rules.decisions import (
    DecisionReview,
    DecisionVote,
    Quorum,
    decision_problems,
    majority_needed,
)
from .selectors import commission_members_on
from .sessions import session_adopt_check

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.territory.models import Geography

_LEVELS = (
    CommissionLevel.CEC,
    CommissionLevel.TEC_REGION,
    CommissionLevel.TEC_DISTRICT,
    CommissionLevel.PEC,
)


@dataclass(frozen=True, slots=True)
class CommissionSpec:
    code: str
    level: str
    name: str
    parent_code: str | None = None
    region_code: str | None = None  # the regional TEC above (itself for a regional TEC)
    tec_code: str | None = None  # for a PEC: its district TEC
    unit_id: int | None = None
    station_id: int | None = None
    language: str = "kk"  # CommissionLanguage: the language of its papers


@dataclass(frozen=True, slots=True)
class MemberSpec:
    commission_code: str
    full_name: str
    role: str
    nominated_by: str
    gender: str
    term_start: date
    term_end: date
    valid_from: date | None = None  # the membership's first day in psephos


def commission_tree_create(
    *,
    geography: Geography,
    commissions: list[CommissionSpec],
    members: list[MemberSpec],
    actor: str,
    role: str = "system",
    valid_from: date | None = None,
) -> dict[str, Commission]:
    """Create the whole tree level by level (CEC, regional TEC, district TEC, PEC) and its members.

    The map has no commissions yet. Every parent, region and TEC code must name a
    commission of a higher level in the same list. Commissions are valid from
    ``valid_from``. Writes one ledger event with the counts and return the
    commissions by code.
    """
    with transaction.atomic():
        # One prepared statement per level (no model instance per row: at 10,000
        # commissions building and compiling them was most of the cost), then the
        # level's keys, which the next level's parents refer to.
        ids: dict[str, int] = {}
        day = db_value(Commission, "valid_from", valid_from)
        for level in _LEVELS:
            insert_many(
                Commission,
                _COMMISSION_COLUMNS,
                [
                    (
                        geography.pk, c.code, c.level, c.name,
                        ids[c.parent_code] if c.parent_code else None,
                        ids.get(c.region_code) if c.region_code else None,
                        ids[c.tec_code] if c.tec_code else None,
                        c.unit_id, c.station_id, c.language, day,
                    )
                    for c in commissions
                    if c.level == level
                ],
            )  # fmt: skip
            if level == CommissionLevel.TEC_REGION:
                # A regional TEC's region is itself: set once its key exists.
                Commission.objects.filter(geography=geography, level=level).update(
                    region_id=F("pk")
                )
            ids.update(
                Commission.objects.filter(geography=geography, level=level).values_list(
                    "code", "pk"
                )
            )
        by_code = {c.code: c for c in Commission.objects.filter(geography=geography)}
        _members_insert(
            [
                (
                    by_code[m.commission_code].pk,
                    m.full_name,
                    m.role,
                    m.nominated_by,
                    m.gender,
                    m.term_start,
                    m.term_end,
                    m.valid_from,
                )
                for m in members
            ]
        )
        event_record(
            actor=actor,
            role=role,
            action="commissions.create",
            object_key=geography.key,
            payload={
                "geography": geography.key,
                "commissions": {
                    str(level): sum(1 for c in commissions if c.level == level) for level in _LEVELS
                },
                "members": len(members),
            },
        )
    return by_code


_COMMISSION_COLUMNS = (
    "geography", "code", "level", "name", "parent", "region", "tec", "unit", "station",
    "language", "valid_from",
)  # fmt: skip


def _members_insert(rows: list[tuple[Any, ...]]) -> None:
    """Insert member rows with one prepared statement (tens of thousands at a time).

    Plain ``executemany`` skips building a model instance per row, which is most
    of the cost of ``bulk_create`` at this size; the columns are the model's own.
    """
    if not rows:
        return
    meta = Member._meta
    names = [
        "commission",
        "full_name",
        "role",
        "nominated_by",
        "gender",
        "term_start",
        "term_end",
        "valid_from",
    ]
    columns = [str(f.column) for n in names if isinstance(f := meta.get_field(n), Field)]
    quote = connection.ops.quote_name
    # Identifiers come from the model's metadata, values are parameters.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for lo in range(0, len(rows), 10000):
            cursor.executemany(sql, rows[lo : lo + 10000])


def commissions_revise(
    *,
    geography: Geography,
    added: list[CommissionSpec],
    renamed: dict[str, str],
    closed: list[str],
    members_added: list[MemberSpec],
    members_closed: list[int],
    on: date,
    actor: str,
    role: str = "system",
    decision: dict[str, str] | None = None,
    languages: dict[str, str] | None = None,
) -> None:
    """Apply versioned changes to a map's commissions and memberships, taking effect ``on``.

    New commissions are added level by level (their parents exist or come earlier);
    a closed commission or membership gets ``valid_to`` the day before ``on`` and is
    never deleted; a renamed commission keeps its code; ``languages`` sets the language
    of a commission's papers (code → kk or ru). Writes one ledger event per
    change (naming the commission ``decision`` that ordered it, when given); a member's
    name appears only as its SHA-256 (``text_digest``).
    """
    until = on - timedelta(days=1)
    events: list[tuple[str, str, dict[str, Any]]] = []
    key = geography.key
    with transaction.atomic():
        by_code = {c.code: c for c in Commission.objects.filter(geography=geography)}
        for level in _LEVELS:
            for spec in (c for c in added if c.level == level):
                parent = by_code[spec.parent_code] if spec.parent_code else None
                commission = Commission.objects.create(
                    geography=geography,
                    code=spec.code,
                    level=spec.level,
                    name=spec.name,
                    parent=parent,
                    region=by_code[spec.region_code] if spec.region_code else None,
                    tec=by_code[spec.tec_code] if spec.tec_code else None,
                    unit_id=spec.unit_id,
                    station_id=spec.station_id,
                    language=spec.language,
                    valid_from=on,
                )
                if level == CommissionLevel.TEC_REGION:
                    commission.region = commission
                    commission.save(update_fields=["region"])
                by_code[commission.code] = commission
                events.append(
                    ("commission.add", spec.code, {"level": spec.level, "parent": spec.parent_code})
                )
        for code, name in sorted(renamed.items()):
            Commission.objects.filter(pk=by_code[code].pk).update(name=name)
            events.append(("commission.rename", code, {"name": text_digest(name)}))
        for code, language in sorted((languages or {}).items()):
            Commission.objects.filter(pk=by_code[code].pk).update(language=language)
            events.append(("commission.language", code, {"language": language}))
        for code in closed:
            Commission.objects.filter(pk=by_code[code].pk).update(valid_to=until)
            events.append(("commission.close", code, {}))
        for pk, code in Member.objects.filter(pk__in=members_closed).values_list(
            "pk", "commission__code"
        ):
            events.append(("member.close", code, {"member": pk}))
        Member.objects.filter(pk__in=members_closed).update(valid_to=until)
        for m in members_added:
            member = Member.objects.create(
                commission=by_code[m.commission_code],
                full_name=m.full_name,
                role=m.role,
                nominated_by=m.nominated_by,
                gender=m.gender,
                term_start=m.term_start,
                term_end=m.term_end,
                valid_from=on,
            )
            events.append(
                (
                    "member.add",
                    m.commission_code,
                    {
                        "member": member.pk,
                        "name": text_digest(m.full_name),
                        "role": m.role,
                        "gender": m.gender,
                        "nominated_by": m.nominated_by,
                        "term": [m.term_start.isoformat(), m.term_end.isoformat()],
                    },
                )
            )
        events_record_many(
            actor=actor,
            role=role,
            events=[
                (action, f"{key}/{code}", {"geography": key, "commission": code,
                 "valid_from": on.isoformat()} | ({"decision": decision} if decision else {})
                 | payload)
                for action, code, payload in events
            ],
        )  # fmt: skip


def commission_tree_delete(*, geography: Geography, actor: str, role: str = "system") -> None:
    """Delete the map's commissions and members, PECs first.

    Raises ``django.db.models.ProtectedError`` when other records (users, decisions,
    protocols) still refer to them.
    """
    with transaction.atomic():
        counts = {
            "commissions": Commission.objects.filter(geography=geography).count(),
            "members": Member.objects.filter(commission__geography=geography).count(),
        }
        Member.objects.filter(commission__geography=geography).delete()
        Commission.objects.filter(geography=geography).update(region=None, tec=None)
        for level in reversed(_LEVELS):
            Commission.objects.filter(geography=geography, level=level).delete()
        event_record(
            actor=actor,
            role=role,
            action="commissions.delete",
            object_key=geography.key,
            payload=counts,
        )


DOCUMENT_MAX_BYTES = 10 * 1024 * 1024


def decision_propose(
    *,
    user: User,
    commission: Commission,
    number: str,
    on: date,
    title: str,
    reasons: str,
    vote: DecisionVote,
    quorum: Quorum,
    document: bytes,
    action: dict[str, Any],
    session: Session | None = None,
    titles: tuple[str, str, str] = ("", "", ""),
) -> Decision:
    """Record a commission's formal decision as proposed by ``user``; return it, pending.

    ``titles`` are the subject in Kazakh, Russian and English when the proposer has
    them (the register shows ``title`` where one is empty).

    Preconditions: ``user`` operates ``commission``; the number is new for it; the
    vote is valid against the members on ``on`` (``rules.decisions``: quorum,
    majority of the members, no more votes than present, no more present than
    members; ``vote.members`` is ignored and counted here); reasons and the signed
    document (≤ 10 MiB) are given. Side effects: the document kept by its SHA-256 in
    the default storage; one decision, pending, with ``action`` (what it authorises,
    applied when another operator confirms it: ``decision_confirm``); one ledger event
    ``decision.propose`` with the vote and the document's and reasons' SHA-256, never
    their text. Raises ``PermissionDenied``, ``DecisionNotValid`` or
    ``DecisionNumberTaken``; nothing is written then.

    With ``session`` the decision is adopted at that open session of the commission
    (its date the session's, its members present those recorded there); without one
    it is taken outside a session (issue 17).
    """
    if not user.is_authenticated or user.commission_id != commission.pk:
        raise PermissionDenied(
            _("Only an operator of commission %(commission)s can propose its decisions.")
            % {"commission": commission.code},
            data={"commission": commission.code},
        )
    number, reasons = number.strip(), reasons.strip()
    errors = [
        f for f, v in (("number", number), ("reasons", reasons), ("document", document)) if not v
    ]
    if len(document) > DOCUMENT_MAX_BYTES:
        errors.append("document")
    if errors:
        raise DecisionNotValid(
            _("A decision needs a number, reasons and its signed document (at most 10 MiB)."),
            data={"errors": errors},
        )
    if session is not None:
        session_adopt_check(session, commission=commission, on=on, present=vote.present)
    counted = replace(vote, members=commission_members_on(commission=commission, on=on))
    problems = decision_problems(counted, quorum)
    if problems:
        raise DecisionNotValid(
            _(
                "Decision No. %(number)s of %(commission)s is not valid: %(members)d members on "
                "%(date)s, %(present)d present (quorum %(quorum)d), %(for)d for, %(against)d "
                "against, %(abstained)d abstaining (a majority of the members is %(majority)d)."
            )
            % {
                "number": number,
                "commission": commission.code,
                "members": counted.members,
                "date": on.isoformat(),
                "present": counted.present,
                "quorum": quorum.needed(counted.members),
                "for": counted.votes_for,
                "against": counted.votes_against,
                "abstained": counted.abstentions,
                "majority": majority_needed(counted.members),
            },
            data={"problems": [p.value for p in problems], "members": counted.members},
        )
    digest = hashlib.sha256(document).hexdigest()
    taken = DecisionNumberTaken(
        _("Commission %(commission)s already has a decision No. %(number)s.")
        % {"commission": commission.code, "number": number},
        data={"number": number},
    )
    with transaction.atomic():
        decision = create_unique(
            Decision,
            unique=("commission", "number"),
            taken=taken,
            commission=commission,
            number=number,
            date=on,
            title=title[:300],
            title_kk=titles[0][:300],
            title_ru=titles[1][:300],
            title_en=titles[2][:300],
            text=reasons,
            reasons=reasons,
            votes_for=counted.votes_for,
            votes_against=counted.votes_against,
            abstentions=counted.abstentions,
            members=counted.members,
            present=counted.present,
            document_sha256=digest,
            action=action,
            proposed_by=user,
            session=session,
        )
        name = f"decisions/{digest}"
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(document))
        event_record(
            actor=actor_user(user),
            role=user.role,
            action="decision.propose",
            object_key=f"{commission.code}/{number}",
            payload={
                "commission": commission.code,
                "number": number,
                "date": on.isoformat(),
                "kind": str(action.get("kind", "")),
                "members": counted.members,
                "present": counted.present,
                "for": counted.votes_for,
                "against": counted.votes_against,
                "abstentions": counted.abstentions,
                "document_sha256": digest,
                "reasons_sha256": text_digest(reasons),
                "session": session.number if session is not None else None,
            },
        )
    return decision


def decision_confirm(*, user: User, decision: Decision, review: DecisionReview) -> Decision:
    """Confirm a pending decision as the second pair of eyes; return it, confirmed.

    Precondition: ``user`` is not its proposer and, as the profile's ``review`` says,
    operates the same commission (``second_operator``) or the central commission
    (``cec``). Call inside the transaction that applies the decision's ``action``, so
    a refused application leaves it pending. Side effects: status ``confirmed`` with
    who and when; one ledger event ``decision.confirm``. Raises
    ``DecisionNeedsAnotherOperator`` or ``DecisionNotPending``.
    """
    with transaction.atomic():
        locked = (
            Decision.objects.select_for_update().select_related("commission").get(pk=decision.pk)
        )
        if locked.status != DecisionStatus.PENDING:
            raise DecisionNotPending(
                _("Decision No. %(number)s of %(commission)s is already %(status)s.")
                % {
                    "number": locked.number,
                    "commission": locked.commission.code,
                    "status": locked.get_status_display(),
                },
                data={"number": locked.number, "status": locked.status},
            )
        reviewer = getattr(user, "commission", None) if user.is_authenticated else None
        if review == DecisionReview.CEC:
            allowed = reviewer is not None and reviewer.level == CommissionLevel.CEC
            body = _("an operator of the central commission")
        else:
            allowed = reviewer is not None and reviewer.pk == locked.commission_id
            body = _("another operator of commission %(commission)s") % {
                "commission": locked.commission.code
            }
        if not allowed or user.pk == locked.proposed_by_id:
            raise DecisionNeedsAnotherOperator(
                _(
                    "Decision No. %(number)s takes effect only when %(body)s confirms it; "
                    "the operator who proposed it cannot."
                )
                % {"number": locked.number, "body": body},
                data={"number": locked.number, "review": review.value},
            )
        locked.status = DecisionStatus.CONFIRMED
        locked.confirmed_by = user
        locked.confirmed_at = clock.now()
        locked.save(update_fields=["status", "confirmed_by", "confirmed_at"])
        event_record(
            actor=actor_user(user),
            role=user.role,
            action="decision.confirm",
            object_key=f"{locked.commission.code}/{locked.number}",
            payload={
                "commission": locked.commission.code,
                "number": locked.number,
                "reviewed_by_cec": review == DecisionReview.CEC,
                "document_sha256": locked.document_sha256,
            },
        )
    return locked


def decisions_delete_proposed_by(*, users: list[User], actor: str) -> int:
    """Delete every decision that ``users`` proposed (and, if confirmed, confirmed).

    For ``psephos simulate --replace`` only: the simulation's decisions are taken by its
    system operators (``accounts.services.system_operators``) and go with the map they
    were taken on. A decision that anybody else proposed or confirmed is never deleted
    here. Writes one ``decision.delete`` event naming each decision (commission and
    number) when any was deleted. Returns how many were.
    """
    ids = {u.pk for u in users}
    with transaction.atomic():
        rows = [
            (pk, code, number)
            for pk, code, number, confirmer in Decision.objects.filter(
                proposed_by_id__in=ids
            ).values_list("pk", "commission__code", "number", "confirmed_by_id")
            if confirmer is None or confirmer in ids
        ]
        if not rows:
            return 0
        Decision.objects.filter(pk__in=[pk for pk, _, _ in rows]).delete()
        event_record(
            actor=actor,
            role="system",
            action="decision.delete",
            object_key=f"{rows[0][1]}/decisions",
            payload={"decisions": sorted([code, number] for _, code, number in rows)},
        )
    return len(rows)
