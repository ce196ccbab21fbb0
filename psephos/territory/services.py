"""Write geographies, administrative units and polling stations (in bulk)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from psephos.ledger.services.events import event_record

from .models import AdministrativeUnit, Geography, PollingStation


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
    code: str
    number: int
    kind: str
    unit_code: str
    name: str
    urban: bool
    election_day_additions: bool = False
    address: str = ""


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
) -> Geography:
    """Create a map with its units (parents listed before children) and stations, in bulk.

    Writes one ledger event with the counts. Raises ``IntegrityError`` if the key
    exists (callers check first and refuse with a domain error).
    """
    with transaction.atomic():
        geography = Geography.objects.create(
            key=key, name=name, valid_from=valid_from, valid_to=valid_to, timezone=timezone
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
                )
                for u in units
                if u.level == level
            ]
            for unit in AdministrativeUnit.objects.bulk_create(batch, batch_size=1000):
                by_code[unit.code] = unit
        PollingStation.objects.bulk_create(
            [
                PollingStation(
                    geography=geography,
                    code=s.code,
                    number=s.number,
                    kind=s.kind,
                    unit=by_code[s.unit_code],
                    name=s.name,
                    address=s.address,
                    urban=s.urban,
                    election_day_additions=s.election_day_additions,
                )
                for s in stations
            ],
            batch_size=2000,
        )
        event_record(
            actor=actor,
            role=role,
            action="geography.create",
            object_key=key,
            payload={"geography": key, "units": len(units), "stations": len(stations)},
        )
    return geography


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
