"""Fixtures for the voters tests: a small map, commissions, an election, users, CSV files."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

E_DAY = dt.date(2022, 11, 20)
HEADER = "iin,surname,given_name,patronymic,birth_date,sex,station,status\n"


@pytest.fixture(autouse=True)
def _iin_key(tmp_path_factory: pytest.TempPathFactory, settings: object) -> Iterator[None]:
    from psephos.voters import iin_hash

    settings.PSEPHOS_KEY_DIR = tmp_path_factory.getbasetemp() / "keys"  # type: ignore[attr-defined]
    iin_hash._key.cache_clear()
    yield
    iin_hash._key.cache_clear()


@dataclass
class World:
    geography: object
    stations: list  # KZ-75-0001 … KZ-75-0004; 0004 is designated for unregistered additions
    election: object
    pec: list  # one PEC user per station
    cec: object
    reader: object


def build_world(n_stations: int = 4) -> World:
    from psephos.accounts.models import User
    from psephos.commissions.models import Commission
    from psephos.elections.models import Election
    from psephos.territory.models import AdministrativeUnit, Geography, PollingStation

    geo = Geography.objects.create(
        key="kz-2022-11", name="KZ 20 units", valid_from=dt.date(2022, 6, 8)
    )
    region = AdministrativeUnit.objects.create(
        geography=geo,
        code="KZ-75",
        level="region",
        kind="city",
        name_en="Almaty",
        name_kk="Алматы",
        name_ru="Алматы",
        timezone="Asia/Almaty",
    )
    cec = Commission.objects.create(geography=geo, code="CEC", level="cec", name="CEC")
    tec = Commission.objects.create(
        geography=geo, code="KZ-75", level="tec_region", parent=cec, unit=region, name="Almaty TEC"
    )
    stations, pecs = [], []
    for i in range(1, n_stations + 1):
        station = PollingStation.objects.create(
            geography=geo,
            code=f"KZ-75-{i:04d}",
            number=i,
            kind="regular",
            unit=region,
            name=f"School {i}",
            address=f"Street {i}",
            election_day_additions=(i == 4),
        )
        commission = Commission.objects.create(
            geography=geo,
            code=station.code,
            level="pec",
            parent=tec,
            region=tec,
            tec=tec,
            unit=region,
            station=station,
            name=f"PEC {i}",
        )
        stations.append(station)
        pecs.append(
            User.objects.create_user(f"pec{i}", password="pw", role="pec", commission=commission)
        )
    election = Election.objects.create(
        key="kz-2022-presidential",
        kind="presidential",
        name_en="Presidential",
        name_kk="П",
        name_ru="П",
        date=E_DAY,
        geography=geo,
        profile_key="kz-presidential-2022",
    )
    return World(
        geography=geo,
        stations=stations,
        election=election,
        pec=pecs,
        cec=User.objects.create_user("cec", password="pw", role="cec", commission=cec),
        reader=User.objects.create_user("reader", password="pw"),
    )


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def person_rows(n: int, *, station: str = "KZ-75-0001", start: int = 0) -> list[str]:
    """Return ``n`` valid CSV rows for distinct synthetic adults."""
    from psephos.voters.rules.iin import iin_make

    rows = []
    serial = start
    while len(rows) < n:
        birth = dt.date(1960, 1, 1) + dt.timedelta(days=len(rows) + start)
        iin = iin_make(birth, "F", serial % 10000)
        serial += 1
        if iin is None:
            continue
        rows.append(
            f"{iin},Surname{len(rows) + start},Given,Patr,{birth.isoformat()},F,{station},\n"
        )
    return rows


def write_csv(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text(header + "".join(rows), encoding="utf-8")
    return path


# Four voters at station 1, one under age, one prisoner, one incapacitated at station 2.
A = "921029350851"  # M 1992, station 1
B = "791028302728"  # M 1979, station 1
C = "900101300007"  # M 1990, station 2 (prisoner)
D = "061211600012"  # F 2006, station 2 (17 on election day)
E = "850315400608"  # F 1985, station 2 (incapacitated)
UNREGISTERED = "900101300811"  # M 1990, in no register
ROWS = [
    f"{A},Ахметов,Бауыржан,Серикович,1992-10-29,M,KZ-75-0001,\n",
    f"{B},Иванов,Михаил,Петрович,1979-10-28,M,KZ-75-0001,\n",
    f"{C},Сидоров,Олег,,1990-01-01,M,KZ-75-0002,prisoner\n",
    f"{D},Омарова,Айгерим,,2006-12-11,F,KZ-75-0002,\n",
    f"{E},Ким,Ольга,,1985-03-15,F,KZ-75-0002,incapacitated\n",
]
ELECTION_DAY_10_15_UTC = dt.datetime(2022, 11, 20, 10, 15, tzinfo=dt.UTC)  # 16:15 in Almaty


def at(monkeypatch: pytest.MonkeyPatch, when: dt.datetime) -> None:
    """Freeze the service clock at ``when``."""
    from psephos.core import clock

    monkeypatch.setattr(clock, "now", lambda: when)


def register_rows(world: World, tmp_path: Path) -> None:
    """Import ROWS (two voters at station 1) into the world's register from a CSV file."""
    from psephos.voters.services.register import register_import

    register_import(
        geography=world.geography,
        path=write_csv(tmp_path / "r.csv", ROWS),
        report_path=tmp_path / "e.csv",
        actor="system:cec",
    )


@pytest.fixture
def listed(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> World:
    """The world with ROWS imported and the lists extracted (two voters at station 1)."""
    from psephos.voters.services.lists import list_extract

    register_rows(world, tmp_path)
    at(monkeypatch, dt.datetime(2022, 11, 1, 6, 0, tzinfo=dt.UTC))
    assert list_extract(election=world.election, actor="system:cec") == 2
    return world


RESIDENCE_DOCUMENT = "ID card 041234567"  # what a PEC types for a residence addition


def mark(world: World, station: int, iin: str, **kwargs: object):  # type: ignore[no-untyped-def]
    """Mark ``iin`` at station number ``station`` (1-based) as that station's PEC.

    A residence addition is made on ``RESIDENCE_DOCUMENT`` unless ``document`` is given.
    """
    from psephos.voters.enums import AdditionBasis
    from psephos.voters.services.marks import mark_record

    if kwargs.get("addition") == AdditionBasis.RESIDENCE:
        kwargs.setdefault("document", RESIDENCE_DOCUMENT)

    return mark_record(
        election=world.election,
        station=world.stations[station - 1],  # type: ignore[attr-defined]
        iin=iin,
        user=world.pec[station - 1],  # type: ignore[attr-defined]
        actor=f"pec{station}",
        **kwargs,  # type: ignore[arg-type]
    )
