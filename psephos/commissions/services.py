"""Write the commission tree and its members (in bulk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import F, Field

from psephos.ledger.actors import text_digest
from psephos.ledger.services.events import event_record, events_record_many

from .enums import CommissionLevel
from .models import Commission, Member

if TYPE_CHECKING:
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

    Every parent, region and TEC code must name a commission of a higher level in
    the same list. Commissions are valid from ``valid_from``. Writes one ledger
    event with the counts and return the commissions by code.
    """
    with transaction.atomic():
        by_code: dict[str, Commission] = {}
        for level in _LEVELS:
            rows = [c for c in commissions if c.level == level]
            batch = [
                Commission(
                    geography=geography,
                    code=c.code,
                    level=c.level,
                    name=c.name,
                    parent=by_code[c.parent_code] if c.parent_code else None,
                    region=by_code.get(c.region_code) if c.region_code else None,
                    tec=by_code[c.tec_code] if c.tec_code else None,
                    unit_id=c.unit_id,
                    station_id=c.station_id,
                    valid_from=valid_from,
                )
                for c in rows
            ]
            for commission in Commission.objects.bulk_create(batch, batch_size=2000):
                by_code[commission.code] = commission
            if level == CommissionLevel.TEC_REGION:
                # A regional TEC's region is itself: set once its key exists.
                Commission.objects.filter(
                    geography=geography, level=CommissionLevel.TEC_REGION
                ).update(region_id=F("pk"))
                for commission in by_code.values():
                    if commission.level == CommissionLevel.TEC_REGION:
                        commission.region_id = commission.pk
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
) -> None:
    """Apply versioned changes to a map's commissions and memberships, taking effect ``on``.

    New commissions are added level by level (their parents exist or come earlier);
    a closed commission or membership gets ``valid_to`` the day before ``on`` and is
    never deleted; a renamed commission keeps its code. Writes one ledger event per
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
