"""The territory, commissions and elections services that simulate writes through."""

from __future__ import annotations

from datetime import date

import pytest

from psephos.core.errors import Conflict
from psephos.elections.models import Contest, Election, Option
from psephos.elections.services.election import OptionSpec, election_create
from psephos.ledger.models import Event
from psephos.territory.services import StationSpec, UnitSpec, geography_create

pytestmark = pytest.mark.django_db


def _geography():
    return geography_create(
        key="test-map",
        name="Test map",
        valid_from=date(2022, 6, 8),
        valid_to=None,
        timezone="Asia/Almaty",
        units=[
            UnitSpec(
                "KZ-75",
                "region",
                "city",
                "Almaty",
                "Алматы қаласы",
                "город Алматы",
                "Asia/Almaty",
                True,
            ),
            UnitSpec(
                "KZ-75-01",
                "district",
                "city_district",
                "Alatau district",
                "Алатау ауданы",
                "Алатауский район",
                "Asia/Almaty",
                True,
                parent_code="KZ-75",
            ),
        ],
        stations=[
            StationSpec("KZ-75-0001", 1, "regular", "KZ-75-01", "Polling station No. 1", True)
        ],
        actor="system:test",
    )


def _create(geography):
    return election_create(
        key="test-election",
        kind="referendum",
        name_en="Test",
        name_kk="Сынақ",
        name_ru="Тест",
        date=date(2022, 6, 5),
        geography=geography,
        profile_key="kz-referendum-2022",
        contest_key="amendments",
        contest_names=("Question", "Сұрақ", "Вопрос"),
        options=[
            OptionSpec("yes", "yes", "Yes", "Иә", "Да"),
            OptionSpec("no", "no", "No", "Жоқ", "Нет"),
        ],
        actor="system:test",
    )


def test_geography_create_writes_units_stations_and_one_event():
    geography = _geography()
    district = geography.units.get(code="KZ-75-01")
    assert district.parent.code == "KZ-75"
    station = geography.stations.get()
    assert (station.code, station.unit_id, station.kind) == ("KZ-75-0001", district.pk, "regular")
    event = Event.objects.get(action="geography.create")
    assert event.payload == {"geography": "test-map", "units": 2, "stations": 1}


def test_election_create_orders_options_and_refuses_a_second_election_with_the_key():
    geography = _geography()
    election = _create(geography)
    assert [(o.key, o.ballot_order) for o in Option.objects.filter(contest__election=election)] == [
        ("yes", 1),
        ("no", 2),
    ]
    before = (
        Election.objects.count(),
        Contest.objects.count(),
        Option.objects.count(),
        Event.objects.count(),
    )
    with pytest.raises(Conflict) as info:
        _create(geography)
    assert info.value.message == "Election “test-election” already exists."
    after = (
        Election.objects.count(),
        Contest.objects.count(),
        Option.objects.count(),
        Event.objects.count(),
    )
    assert after == before
