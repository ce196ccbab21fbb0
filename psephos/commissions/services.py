"""Write the commission tree and its members (in bulk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Field

from psephos.ledger.services.events import event_record
from psephos.territory.models import Geography

from .enums import CommissionLevel
from .models import Commission, Member

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


def commission_tree_create(
    *,
    geography: Geography,
    commissions: list[CommissionSpec],
    members: list[MemberSpec],
    actor: str,
    role: str = "system",
) -> dict[str, Commission]:
    """Create the whole tree level by level (CEC, regional TEC, district TEC, PEC) and its members.

    Every parent, region and TEC code must name a commission of a higher level in
    the same list. Writes one ledger event with the counts and return the
    commissions by code.
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
    names = ["commission", "full_name", "role", "nominated_by", "gender", "term_start", "term_end"]
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
