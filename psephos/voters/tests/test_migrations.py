"""Migration 0006 refuses a register keyed the old way; 0007 keeps the keyed values' bytes."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("voters", "0005_self_check_count")]
AFTER = [("voters", "0006_iin_index_order")]
AS_UUID = [("voters", "0007_iin_key_uuid")]


def _register_one(apps: object, value: bytes) -> None:
    Geography = apps.get_model("territory", "Geography")  # type: ignore[attr-defined]
    Unit = apps.get_model("territory", "AdministrativeUnit")  # type: ignore[attr-defined]
    Station = apps.get_model("territory", "PollingStation")  # type: ignore[attr-defined]
    Voter = apps.get_model("voters", "Voter")  # type: ignore[attr-defined]
    geo = Geography.objects.create(key="m", name="m", valid_from=dt.date(2022, 1, 1))
    unit = Unit.objects.create(
        geography=geo,
        code="KZ-75",
        level="region",
        kind="city",
        name_en="A",
        name_kk="A",
        name_ru="A",
    )
    station = Station.objects.create(
        geography=geo, code="KZ-75-0001", number=1, kind="regular", unit=unit, name="S"
    )
    Voter.objects.create(
        geography=geo,
        iin_hash=value,
        surname="A",
        given_name="B",
        birth_date=dt.date(1990, 1, 1),
        sex="M",
        station=station,
    )


def _apps(target: list[tuple[str, str]]) -> Any:
    """Return the models at ``target`` for voters, the other apps as migrated now.

    Only voters is migrated back and forth; a row written through an older state of
    another app (a station without the columns territory added since) would be refused.
    """
    loader = MigrationExecutor(connection).loader
    others = [node for node in loader.graph.leaf_nodes() if node[0] != "voters"]
    return loader.project_state(target + others).apps


def _migrate(target: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("width", "refused"), [(32, True), (16, False)])
def test_old_keyed_values_stop_the_migration(width: int, refused: bool) -> None:
    _migrate(BEFORE)
    _register_one(_apps(BEFORE), bytes(width))
    try:
        if refused:
            with pytest.raises(RuntimeError, match="import the population-register extract again"):
                _migrate(AFTER)
        else:
            _migrate(AFTER)
    finally:
        with connection.cursor() as cur:
            cur.execute("DELETE FROM voters_voter")
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_keyed_values_keep_their_bytes_as_uuids_and_back() -> None:
    value = bytes(range(200, 216))
    _migrate(AFTER)
    _register_one(_apps(AFTER), value)
    try:
        _migrate(AS_UUID)
        Voter = _apps(AS_UUID).get_model("voters", "Voter")
        assert Voter.objects.get().iin_hash == uuid.UUID(bytes=value)
        assert Voter.objects.filter(iin_hash=uuid.UUID(bytes=value)).count() == 1
        _migrate(AFTER)
        Voter = _apps(AFTER).get_model("voters", "Voter")
        assert bytes(Voter.objects.get().iin_hash) == value
    finally:
        with connection.cursor() as cur:
            cur.execute("DELETE FROM voters_voter")
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
