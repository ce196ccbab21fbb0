"""Write geographies, administrative units and polling stations (in bulk)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.errors import ValidationFailed
from psephos.core.sql import db_value, insert_many
from psephos.ledger.actors import text_digest
from psephos.ledger.services.events import event_record, events_record_many

from .models import AdministrativeUnit, Geography, PollingStation, Revision

#: A station's own voting hours (``StationSpec``'s text, the model's ``TimeField``).
HOURS = ("opens", "closes")


@dataclass(frozen=True, slots=True)
class UnitSpec:
    code: str
    level: str
    kind: str
    name_en: str
    name_kk: str
    name_ru: str
    timezone: str
    urban: bool
    parent_code: str | None = None


@dataclass(frozen=True, slots=True)
class StationSpec:
    """A polling station; ``name`` and ``address`` are the English forms."""

    code: str
    number: int
    kind: str
    unit_code: str
    name: str
    urban: bool
    election_day_additions: bool = False
    name_kk: str = ""
    name_ru: str = ""
    address: str = ""
    address_kk: str = ""
    address_ru: str = ""
    latitude: str | None = None  # decimal degrees as text, six decimals
    longitude: str | None = None
    step_free: bool | None = None
    accessible_booth: bool | None = None
    braille_guide: bool | None = None
    opens: str | None = None  # "HH:MM" when the station's hours differ from the election's
    closes: str | None = None
    timezone: str = ""  # when it differs from the unit's (a station abroad)
    ramp: bool | None = None
    sign_language: bool | None = None


@dataclass
class TerritoryChanges[T]:
    """Records to add, change (the new version) and close (by code)."""

    added: list[T] = field(default_factory=list)
    changed: list[T] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def geography_create(
    *,
    key: str,
    name: str,
    valid_from: date,
    valid_to: date | None,
    timezone: str,
    units: list[UnitSpec],
    stations: list[StationSpec],
    actor: str,
    role: str = "system",
    country: str = "KZ",
) -> Geography:
    """Create a map with its units (parents listed before children) and stations, in bulk.

    Units and stations are valid from the map's ``valid_from``.
    Writes one ledger event with the counts. Raises ``IntegrityError`` if the key
    exists (callers check first and refuse with a domain error).
    """
    with transaction.atomic():
        geography = Geography.objects.create(
            key=key,
            name=name,
            valid_from=valid_from,
            valid_to=valid_to,
            timezone=timezone,
            country=country,
        )
        by_code: dict[str, AdministrativeUnit] = {}
        for level in ("region", "district"):
            batch = [
                AdministrativeUnit(
                    geography=geography,
                    code=u.code,
                    level=u.level,
                    kind=u.kind,
                    parent=by_code[u.parent_code] if u.parent_code else None,
                    name_en=u.name_en,
                    name_kk=u.name_kk,
                    name_ru=u.name_ru,
                    timezone=u.timezone,
                    urban=u.urban,
                    valid_from=valid_from,
                )
                for u in units
                if u.level == level
            ]
            for unit in AdministrativeUnit.objects.bulk_create(batch, batch_size=1000):
                by_code[unit.code] = unit
        # One prepared statement for every station: no PollingStation instance per row.
        names = ["geography", "unit", "valid_from", *(f.name for f in fields(StationSpec))]
        names.remove("unit_code")
        day = db_value(PollingStation, "valid_from", valid_from)
        insert_many(
            PollingStation,
            names,
            [
                (geography.pk, by_code[s.unit_code].pk, day, *_station_fields(s).values())
                for s in stations
            ],
        )
        event_record(
            actor=actor,
            role=role,
            action="geography.create",
            object_key=key,
            payload={"geography": key, "units": len(units), "stations": len(stations)},
        )
    return geography


def _station(
    geography: Geography, spec: StationSpec, unit_id: int, valid_from: date | None
) -> PollingStation:
    return PollingStation(
        geography=geography,
        unit_id=unit_id,
        valid_from=valid_from,
        **_station_fields(spec),
    )


def _station_fields(spec: StationSpec) -> dict[str, Any]:
    """Return a spec's values as the station's model fields (all but geography and unit)."""
    values = {f.name: getattr(spec, f.name) for f in fields(spec) if f.name != "unit_code"}
    for axis in ("latitude", "longitude"):
        values[axis] = None if values[axis] is None else Decimal(values[axis])
    for hour in HOURS:
        values[hour] = None if values[hour] is None else time.fromisoformat(values[hour])
    return values


def station_spec_of(station: PollingStation) -> StationSpec:
    """Return the spec of a stored station (its unit must be loaded or cheap to load)."""
    values = {
        f.name: getattr(station, f.name) for f in fields(StationSpec) if f.name != "unit_code"
    }
    for axis in ("latitude", "longitude"):
        values[axis] = None if values[axis] is None else f"{values[axis]:.6f}"
    for hour in HOURS:
        values[hour] = None if values[hour] is None else values[hour].strftime("%H:%M")
    return StationSpec(unit_code=station.unit.code, **values)


def unit_spec_of(unit: AdministrativeUnit) -> UnitSpec:
    """Return the spec of a stored unit (its parent must be loaded or cheap to load)."""
    values = {f.name: getattr(unit, f.name) for f in fields(UnitSpec) if f.name != "parent_code"}
    parent = unit.parent if unit.parent_id else None
    return UnitSpec(parent_code=parent.code if parent is not None else None, **values)


#: Spec fields that hold free text (names, addresses): a ledger payload holds their SHA-256.
_TEXT_FIELDS = ("name", "address")


def _values(spec: Any) -> dict[str, Any]:
    """Return a new record's fields for the ledger; a name or an address as its SHA-256."""
    return {
        f"{f.name}_sha256" if f.name.startswith(_TEXT_FIELDS) else f.name: (
            text_digest(getattr(spec, f.name) or "")
            if f.name.startswith(_TEXT_FIELDS)
            else getattr(spec, f.name)
        )
        for f in fields(spec)
    }


def _changes(old: Any, new: Any) -> dict[str, list[Any]]:
    """Return each changed field as ``[old, new]``; a name or an address as its SHA-256.

    Names and addresses are free text, which never enters the public ledger: they are
    kept in the unit's and station's versions, and the payload names them
    ``<field>_sha256`` with the digests of the old and the new text.
    """
    changes: dict[str, list[Any]] = {}
    for f in fields(old):
        before, after = getattr(old, f.name), getattr(new, f.name)
        if before == after:
            continue
        if f.name.startswith(_TEXT_FIELDS):
            changes[f"{f.name}_sha256"] = [text_digest(before or ""), text_digest(after or "")]
        else:
            changes[f.name] = [before, after]
    return changes


def _check_effective(record: str, code: str, current_from: date | None, on: date) -> None:
    if current_from is not None and on <= current_from:
        raise ValidationFailed(
            _(
                "The %(record)s “%(code)s” has a version valid from %(from)s; a change must "
                "take effect after it, not on %(on)s."
            )
            % {"record": record, "code": code, "from": current_from, "on": on},
            data={"record": record, "code": code, "valid_from": str(current_from)},
        )


def _revision_keep(
    geography: Geography,
    record: str,
    code: str,
    current_from: date | None,
    old: UnitSpec | StationSpec,
    on: date,
    until: date,
    now: datetime,
) -> None:
    """Keep a unit's or station's values before a change as its revision until ``until``.

    Refuses (``_check_effective``) a change on a day that is not after the one the
    current values took effect.
    """
    _check_effective(record, code, current_from, on)
    Revision.objects.create(
        geography=geography, record=record, code=code, valid_from=current_from,
        valid_to=until, values=asdict(old), created_at=now,
    )  # fmt: skip


def territory_revise(
    *,
    geography: Geography,
    units: TerritoryChanges[UnitSpec],
    stations: TerritoryChanges[StationSpec],
    on: date,
    actor: str,
    role: str = "system",
    decision: dict[str, str] | None = None,
) -> None:
    """Apply versioned changes to a map's units and stations, taking effect ``on``.

    A changed unit or station keeps its row (every reference to it stays valid): its
    old values go into a ``Revision`` valid until the day before ``on``, and the row
    takes the new ones from ``on``. A removed one is closed (``valid_to`` the day
    before ``on``), never deleted. Added units come parents first. Writes one ledger
    event per added, changed or closed record, naming the commission ``decision``
    that ordered the changes when one is given. Raises ``ValidationFailed`` if ``on``
    is not after a changed record's current version began.
    """
    until = on - timedelta(days=1)
    now = clock.now()
    events: list[tuple[str, str, dict[str, Any]]] = []
    with transaction.atomic():
        by_code = {
            u.code: u
            for u in AdministrativeUnit.objects.filter(geography=geography).select_related("parent")
        }
        for level in ("region", "district"):
            for spec in (u for u in units.added if u.level == level):
                unit = AdministrativeUnit.objects.create(
                    geography=geography,
                    parent=by_code[spec.parent_code] if spec.parent_code else None,
                    valid_from=on,
                    **{
                        f.name: getattr(spec, f.name)
                        for f in fields(spec)
                        if f.name != "parent_code"
                    },
                )
                by_code[unit.code] = unit
                events.append(("unit.add", unit.code, {"values": _values(spec)}))
        for spec in units.changed:
            unit = by_code[spec.code]
            old = unit_spec_of(unit)
            _revision_keep(geography, "unit", spec.code, unit.valid_from, old, on, until, now)
            for f in fields(spec):
                if f.name != "parent_code":
                    setattr(unit, f.name, getattr(spec, f.name))
            unit.parent = by_code[spec.parent_code] if spec.parent_code else None
            unit.valid_from = on
            unit.save()
            events.append(("unit.revise", spec.code, {"changes": _changes(old, spec)}))
        station_events = _stations_revise(geography, stations, by_code, on, until, now)
        for code in units.removed:
            AdministrativeUnit.objects.filter(geography=geography, code=code).update(valid_to=until)
            events.append(("unit.close", code, {}))
        events_record_many(
            actor=actor,
            role=role,
            events=[
                (action, f"{geography.key}/{code}", {"geography": geography.key, "code": code,
                 "valid_from": on.isoformat()} | ({"decision": decision} if decision else {})
                 | payload)
                for action, code, payload in events + station_events
            ],
        )  # fmt: skip


def _stations_revise(
    geography: Geography,
    changes: TerritoryChanges[StationSpec],
    units: dict[str, AdministrativeUnit],
    on: date,
    until: date,
    now: Any,
) -> list[tuple[str, str, dict[str, Any]]]:
    events: list[tuple[str, str, dict[str, Any]]] = []
    for spec in changes.added:
        PollingStation.objects.create(
            geography=geography, unit_id=units[spec.unit_code].pk, valid_from=on,
            **_station_fields(spec),
        )  # fmt: skip
        events.append(("station.add", spec.code, {"values": _values(spec)}))
    current = {
        s.code: s
        for s in PollingStation.objects.filter(
            geography=geography, code__in=[c.code for c in changes.changed]
        ).select_related("unit")
    }
    for spec in changes.changed:
        station = current[spec.code]
        old = station_spec_of(station)
        _revision_keep(geography, "station", spec.code, station.valid_from, old, on, until, now)
        for name, value in _station_fields(spec).items():
            setattr(station, name, value)
        station.unit_id = units[spec.unit_code].pk
        station.valid_from = on
        station.save()
        events.append(("station.revise", spec.code, {"changes": _changes(old, spec)}))
    for code in changes.removed:
        PollingStation.objects.filter(geography=geography, code=code).update(valid_to=until)
        events.append(("station.close", code, {}))
    return events


def geography_close(
    *, geography: Geography, valid_to: date, actor: str, role: str = "system"
) -> None:
    """End a map's validity (a new map replaces it from the next day). Writes ``geography.close``."""
    with transaction.atomic():
        Geography.objects.filter(pk=geography.pk).update(valid_to=valid_to)
        event_record(
            actor=actor,
            role=role,
            action="geography.close",
            object_key=geography.key,
            payload={"geography": geography.key, "valid_to": valid_to.isoformat()},
        )


def geography_delete(*, geography: Geography, actor: str, role: str = "system") -> None:
    """Delete a map's stations, units and the map itself; commissions and elections go first.

    Raises ``django.db.models.ProtectedError`` when other records still refer to them.
    """
    with transaction.atomic():
        key = geography.key
        counts = {
            "stations": PollingStation.objects.filter(geography=geography).count(),
            "units": AdministrativeUnit.objects.filter(geography=geography).count(),
        }
        PollingStation.objects.filter(geography=geography).delete()
        AdministrativeUnit.objects.filter(geography=geography, level="district").delete()
        AdministrativeUnit.objects.filter(geography=geography).delete()
        geography.delete()
        event_record(
            actor=actor, role=role, action="geography.delete", object_key=key, payload=counts
        )
