"""A station added to a map by a revision reaches the ledger without its free text."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from psephos.ledger.actors import actor_system, text_digest
from psephos.ledger.models import Event
from psephos.territory.services import StationSpec, TerritoryChanges, territory_revise
from tests.support.country import country_tiny

pytestmark = pytest.mark.django_db


def test_an_added_station_has_its_name_and_address_only_as_digests() -> None:
    country = country_tiny(election=None, users=False)
    spec = StationSpec(
        code="KZ-01-0103",
        number=1103,
        kind="regular",
        unit_code="KZ-01-01",
        name="School No. 7",
        urban=True,
        address="7 Abai Avenue, Semey",
    )
    with transaction.atomic():
        territory_revise(
            geography=country.geography,
            units=TerritoryChanges(),
            stations=TerritoryChanges(added=[spec]),
            on=date(2022, 7, 1),
            actor=actor_system("cli"),
        )
    values = Event.objects.get(action="station.add").payload["values"]
    assert values["name_sha256"] == text_digest("School No. 7")
    assert values["address_sha256"] == text_digest("7 Abai Avenue, Semey")
    assert "School No. 7" not in str(values) and "Abai" not in str(values)
    assert (values["code"], values["number"], values["unit_code"]) == (
        "KZ-01-0103",
        1103,
        "KZ-01-01",
    )
