"""Read access to the commission tree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _

from psephos.core.errors import NotFound
from psephos.core.sql import columns, qn, row_fetch, rows_split

from .enums import CommissionLevel, DecisionStatus
from .models import Commission, Decision, Member, NominatingBody, Session
from .rules.nominators import NOMINATORS, nominator_forms

if TYPE_CHECKING:
    from collections.abc import Collection

    from psephos.territory.models import Geography


def commission_get(*, geography: Geography, code: str) -> Commission:
    """Return the commission with this code or raise ``NotFound``."""
    try:
        return Commission.objects.select_related("parent", "unit", "station").get(
            geography=geography, code=code
        )
    except Commission.DoesNotExist:
        raise NotFound(
            _("No commission “%(code)s”.") % {"code": code}, data={"commission": code}
        ) from None


def commission_top_get(*, geography: Geography) -> Commission:
    """Return the central commission of the map (the root of its tree) or raise ``NotFound``."""
    top = Commission.objects.filter(geography=geography, parent__isnull=True).first()
    if top is None:
        raise NotFound(
            _("Map “%(key)s” has no central commission.") % {"key": geography.key},
            data={"geography": geography.key},
        )
    return top


def station_commission_get(
    *, geography_id: int, code: str, with_station: bool = True
) -> Commission:
    """Return the PEC of the station with this code, with its station and the tree above.

    The canonical "a station's commission by code"; raises the one translated
    "no such polling station" ``NotFound``. Loaded with it in one plain SELECT
    (``psephos.core.sql``; the protocol's submission runs it on every request): its
    station and the station's unit (unless ``with_station`` is false, for a caller
    that needs only ``station_id``; the station then loads on first access), its
    parent and grandparent (the ids of every commission above it: CEC → regional TEC
    → district TEC → PEC at most), and its ``tec`` and ``region`` when they are those.
    """
    from psephos.territory.selectors import station_not_found

    station_model = Commission._meta.get_field("station").related_model
    assert isinstance(station_model, type)
    unit_model = station_model._meta.get_field("unit").related_model
    assert isinstance(unit_model, type)
    c = qn(Commission._meta.db_table)
    models: list[type[Model]] = [Commission, Commission, Commission]
    station_columns = station_joins = ""
    if with_station:
        models += [station_model, unit_model]
        station_columns = f", {columns(station_model, 's')}, {columns(unit_model, 'u')}"
        station_joins = (
            f" LEFT JOIN {qn(station_model._meta.db_table)} s ON s.id = c.station_id"
            f" LEFT JOIN {qn(unit_model._meta.db_table)} u ON u.id = s.unit_id"
        )
    row = row_fetch(
        f"SELECT {columns(Commission, 'c')}, {columns(Commission, 'p')},"  # noqa: S608
        f" {columns(Commission, 'pp')}{station_columns}"
        f" FROM {c} c LEFT JOIN {c} p ON p.id = c.parent_id LEFT JOIN {c} pp ON pp.id = p.parent_id"
        f"{station_joins} WHERE c.geography_id = %s AND c.code = %s AND c.level = %s",
        [geography_id, code, CommissionLevel.PEC.value],
    )
    if row is None:
        raise station_not_found(code)
    commission, parent, grandparent, *station_unit = rows_split(row, *models)
    assert isinstance(commission, Commission)
    parent_field = Commission.parent.field
    if parent is not None:
        if grandparent is not None:
            parent_field.set_cached_value(parent, grandparent)
        parent_field.set_cached_value(commission, parent)
    for name in ("tec", "region"):
        for above in (parent, grandparent):
            if above is not None and getattr(commission, f"{name}_id") == above.pk:
                getattr(Commission, name).field.set_cached_value(commission, above)
    if station_unit and station_unit[0] is not None:
        station, unit = station_unit
        station_model.unit.field.set_cached_value(station, unit)  # type: ignore[attr-defined]
        Commission.station.field.set_cached_value(commission, station)
    return commission


def commission_codes(*, geography_id: int) -> dict[int, str]:
    """Return commission id → code for every commission of a geography (one query)."""
    return dict(Commission.objects.filter(geography_id=geography_id).values_list("pk", "code"))


def commission_list_children(*, commission: Commission) -> QuerySet[Commission]:
    """Return the commissions directly below this one, in code order."""
    return Commission.objects.filter(parent=commission).select_related("unit", "station")


def commission_ancestors(*, commission: Commission) -> list[Commission]:
    """Return the chain from the CEC down to the commission's parent."""
    chain: list[Commission] = []
    node = commission.parent
    while node is not None:
        chain.append(node)
        node = node.parent
    return list(reversed(chain))


def commission_list_for_level(
    *, geography: Geography, level: CommissionLevel
) -> QuerySet[Commission]:
    """Return every commission of one level in the geography."""
    return Commission.objects.filter(geography=geography, level=level)


def commission_member_counts(*, commission: Commission) -> dict[str, object]:
    """Return the commission's public composition: members by role and by gender, no names."""
    from django.db.models import Count

    rows = list(commission.members.values("role", "gender").annotate(n=Count("id")).order_by())
    by_role: dict[str, int] = {}
    by_gender: dict[str, int] = {}
    for row in rows:
        by_role[row["role"]] = by_role.get(row["role"], 0) + row["n"]
        by_gender[row["gender"]] = by_gender.get(row["gender"], 0) + row["n"]
    return {"total": sum(by_role.values()), "by_role": by_role, "by_gender": by_gender}


def commission_rows_current(*, geography: Geography) -> dict[str, dict[str, str]]:
    """Return the map's open commissions as {level, parent, unit, station, name, language}."""
    rows = Commission.objects.filter(geography=geography, valid_to__isnull=True).values_list(
        "code", "level", "parent__code", "unit__code", "station__code", "name", "language"
    )
    return {
        code: {
            "level": level,
            "parent": parent or "",
            "unit": unit or "",
            "station": station or "",
            "name": name,
            "language": language,
        }
        for code, level, parent, unit, station, name, language in rows
    }


def member_rows_current(*, geography: Geography) -> dict[str, tuple[int, dict[str, str]]]:
    """Return the map's open memberships by ``commission/name``: (id, their values)."""
    from .models import Member

    rows = Member.objects.filter(
        commission__geography=geography, valid_to__isnull=True
    ).values_list(
        "pk", "commission__code", "full_name", "role", "gender", "nominated_by", "term_start",
        "term_end",
    )  # fmt: skip
    return {
        f"{code}/{name}": (
            pk,
            {
                "role": role,
                "gender": gender,
                "nominated_by": nominated_by,
                "term_start": start.isoformat(),
                "term_end": end.isoformat(),
            },
        )
        for pk, code, name, role, gender, nominated_by, start, end in rows
    }


def nominating_body_names_stored(*, bodies: Iterable[str]) -> dict[str, dict[str, str]]:
    """Return the Kazakh and Russian names stored for these nominating bodies (those that
    have any): body → ``name_kk``, ``name_ru``."""
    return {
        name: {"name_kk": kk, "name_ru": ru}
        for name, kk, ru in NominatingBody.objects.filter(name__in=list(bodies)).values_list(
            "name", "name_kk", "name_ru"
        )
    }


def commissions_open_by_code(
    *, geography: Geography, codes: Collection[str] | None = None
) -> dict[str, Commission]:
    """Return the map's open commissions (not closed) by code; only ``codes`` when given."""
    found = Commission.objects.filter(geography=geography, valid_to__isnull=True)
    if codes is not None:
        found = found.filter(code__in=codes)
    return {c.code: c for c in found}


_TEC_LEVELS = (CommissionLevel.TEC_DISTRICT, CommissionLevel.TEC_REGION)


def tec_find(*, geography_id: int, code: str) -> Commission | None:
    """Return the territorial commission (district or region) with this code, with its region."""
    return (
        Commission.objects.filter(geography_id=geography_id, code=code, level__in=_TEC_LEVELS)
        .select_related("region")
        .first()
    )


def tecs_district(*, geography_id: int, region_unit_id: int | None = None) -> list[Commission]:
    """Return the district commissions by code, with their region (only one region's, if given)."""
    tecs = Commission.objects.filter(geography_id=geography_id, level=CommissionLevel.TEC_DISTRICT)
    if region_unit_id is not None:
        tecs = tecs.filter(region__unit_id=region_unit_id)
    return list(tecs.select_related("region").order_by("code"))


def _members_in_force(members: QuerySet[Member], on: dt.date) -> QuerySet[Member]:
    return (
        members.filter(term_start__lte=on, term_end__gte=on)
        .filter(Q(valid_from=None) | Q(valid_from__lte=on))
        .filter(Q(valid_to=None) | Q(valid_to__gte=on))  # valid_to: the last day in force
    )


def _members_on(commission: Commission, on: dt.date) -> QuerySet[Member]:
    return _members_in_force(Member.objects.filter(commission=commission), on)


def commission_members_on(*, commission: Commission, on: dt.date) -> int:
    """Return how many members the commission had on ``on`` (term and validity in force)."""
    return _members_on(commission, on).count()


def commission_member_ids_on(*, commission: Commission, on: dt.date) -> set[int]:
    """Return the ids of the commission's members on ``on`` (term and validity in force)."""
    return set(_members_on(commission, on).values_list("pk", flat=True))


def commission_composition(*, commission: Commission, on: dt.date) -> list[dict[str, Any]]:
    """Return the members on ``on`` as published: role, nominating body, gender, term; no names."""
    rows = _members_on(commission, on).order_by("role", "nominated_by", "pk")
    return [
        dict(r) for r in rows.values("role", "nominated_by", "gender", "term_start", "term_end")
    ]


def nominating_body_forms(*, names: Iterable[str]) -> dict[str, dict[str, str]]:
    """Return each body's ``name``/``name_kk``/``name_ru`` forms: the known list's
    (``rules.nominators``), else what an operator typed (``NominatingBody``), else the
    stored text alone."""
    wanted = set(names)
    typed = {
        b.name: {"name": b.name, "name_kk": b.name_kk, "name_ru": b.name_ru}
        for b in NominatingBody.objects.filter(name__in=wanted - set(NOMINATORS))
    }
    return {n: nominator_forms(n) if n in NOMINATORS else typed.get(n, {"name": n}) for n in wanted}


def composition_statistics(*, geography: Geography, on: dt.date) -> list[dict[str, Any]]:
    """Return the members on ``on`` of every commission of the map by level, role and gender.

    One grouped query; rows ``{"commission__level", "role", "gender", "n"}``.
    """
    from django.db.models import Count

    rows = (
        _members_in_force(Member.objects.filter(commission__geography=geography), on)
        .values("commission__level", "role", "gender")
        .annotate(n=Count("id"))
        .order_by("commission__level", "role", "gender")
    )
    return [dict(r) for r in rows]


def commission_codes_closed(*, geography: Geography) -> set[str]:
    """Return the codes of the map's closed commissions."""
    return set(
        Commission.objects.filter(geography=geography, valid_to__isnull=False).values_list(
            "code", flat=True
        )
    )


def decision_get(*, geography: Geography, commission_code: str, number: str) -> Decision:
    """Return the decision with this number of the map's commission, or raise ``NotFound``."""
    decision = (
        Decision.objects.select_related("commission")
        .filter(commission__geography=geography, commission__code=commission_code, number=number)
        .first()
    )
    if decision is None:
        raise NotFound(
            _("No decision No. %(number)s of commission “%(commission)s”.")
            % {"number": number, "commission": commission_code},
            data={"commission": commission_code, "decision": number},
        )
    return decision


def decision_get_by_id(*, geography: Geography, pk: int) -> Decision:
    """Return the map's decision with this id, or raise ``NotFound``.

    Pages name a decision by its id: a number such as "51/600" cannot be one URL segment.
    """
    try:
        return Decision.objects.select_related("commission").get(
            commission__geography=geography, pk=pk
        )
    except Decision.DoesNotExist:
        raise NotFound(_("No such decision."), data={"decision": pk}) from None


def commission_code_exists(*, geography_id: int, code: str) -> bool:
    """Return whether the map has a commission (of any level) with this code."""
    return Commission.objects.filter(geography_id=geography_id, code=code).exists()


def decision_pending_list(*, commission_id: int, kind: str, **action: str) -> list[Decision]:
    """Return the commission's pending decisions whose action is ``kind`` with these values."""
    lookups = {f"action__{name}": value for name, value in action.items()}
    return list(
        Decision.objects.select_related("commission", "proposed_by")
        .filter(
            commission_id=commission_id,
            status=DecisionStatus.PENDING,
            action__kind=kind,
            **lookups,
        )
        .order_by("date", "number")
    )


def commission_members_list(*, commission: Commission, on: dt.date) -> list[Member]:
    """Return the commission's members in force on ``on`` (staff pages: names shown), by role."""
    return list(_members_on(commission, on).order_by("role", "full_name", "pk"))


def member_get(*, commission: Commission, pk: int) -> Member:
    """Return the commission's membership with this id or raise ``NotFound``."""
    member = Member.objects.filter(commission=commission, pk=pk).first()
    if member is None:
        raise NotFound(
            _("No member %(member)d of commission “%(commission)s”.")
            % {"member": pk, "commission": commission.code},
            data={"commission": commission.code, "member": pk},
        )
    return member


def commissions_managed(*, own: Commission, q: str = "", limit: int = 200) -> list[Commission]:
    """Return the commissions the operators of ``own`` manage, by level and code.

    The CEC: every commission of its map (its own included); a TEC: those strictly
    below it (``parent``, ``region`` or ``tec`` is the TEC). ``q`` keeps the codes
    that start with it (case-insensitive); at most ``limit`` rows.
    """
    rows = Commission.objects.filter(geography_id=own.geography_id)
    if own.level != CommissionLevel.CEC:
        rows = rows.filter(Q(parent=own) | Q(region=own) | Q(tec=own)).exclude(pk=own.pk)
    if q:
        rows = rows.filter(code__istartswith=q)
    order = {level: n for n, level in enumerate(CommissionLevel.values)}
    found = list(rows.order_by("code")[:limit])
    return sorted(found, key=lambda c: (order.get(c.level, 9), c.code))


def decisions_of_session(*, session_id: int) -> list[Decision]:
    """Return every decision proposed at a session (pending or confirmed), by number."""
    return list(
        Decision.objects.filter(session_id=session_id)
        .select_related("proposed_by", "confirmed_by")
        .order_by("number")
    )


def decisions_pending_for(*, commission: Commission, all_of_map: bool = False) -> list[Decision]:
    """Return the pending decisions a commission's operators see for confirmation.

    Its own; with ``all_of_map`` (the CEC when the profile sends every decision to it)
    those of every commission of its map. Oldest first, at most 200.
    """
    rows = Decision.objects.filter(status=DecisionStatus.PENDING)
    if all_of_map:
        rows = rows.filter(commission__geography_id=commission.geography_id)
    else:
        rows = rows.filter(commission=commission)
    return list(
        rows.select_related("commission", "session", "proposed_by").order_by(
            "date", "commission__code", "number"
        )[:200]
    )


def attendance_member_ids(*, session_id: int) -> set[int]:
    """Return the ids of the members recorded present at a session."""
    from .models import SessionAttendance

    return set(
        SessionAttendance.objects.filter(session_id=session_id).values_list("member_id", flat=True)
    )


def session_notice_counts(
    *, geography: Geography, start: dt.datetime, end: dt.datetime, hours: int
) -> tuple[int, int]:
    """Count the sessions on ``geography``'s commissions starting in [start, end) that were
    announced with an agenda at least ``hours`` ahead, and all of them (one query)."""
    rows = Session.objects.filter(
        commission__geography=geography, starts_at__gte=start, starts_at__lt=end
    ).values_list("starts_at", "announced_at", "agenda")
    notice = dt.timedelta(hours=hours)
    total = in_time = 0
    for starts_at, announced_at, agenda in rows:
        total += 1
        in_time += bool(agenda.strip()) and starts_at - announced_at >= notice
    return in_time, total
