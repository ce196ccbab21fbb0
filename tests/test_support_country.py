"""The shared country builder writes the tree that the services would, and only that."""

from __future__ import annotations

import pytest

from psephos.commissions.models import Commission
from psephos.elections.enums import ElectionKind
from psephos.ledger.models import Event
from psephos.territory.models import AdministrativeUnit, PollingStation
from tests.support.country import REFERENDUM, country_grid, country_tiny

pytestmark = pytest.mark.django_db


def test_the_grid_links_every_pec_to_its_station_district_and_region() -> None:
    c = country_grid(regions=2, districts=1, stations=2)

    assert [p.code for p in c.pecs] == ["KZ-01-0101", "KZ-01-0102", "KZ-02-0101", "KZ-02-0102"]
    assert [
        (p.parent.code, p.tec.code, p.region.code, p.station.code, p.unit.code, p.station.number)
        for p in Commission.objects.filter(level="pec")
        .select_related("parent", "tec", "region", "station", "unit")
        .order_by("code")
    ] == [
        ("KZ-01-01", "KZ-01-01", "KZ-01", "KZ-01-0101", "KZ-01-01", 1011),
        ("KZ-01-01", "KZ-01-01", "KZ-01", "KZ-01-0102", "KZ-01-01", 1012),
        ("KZ-02-01", "KZ-02-01", "KZ-02", "KZ-02-0101", "KZ-02-01", 2011),
        ("KZ-02-01", "KZ-02-01", "KZ-02", "KZ-02-0102", "KZ-02-01", 2012),
    ]
    assert sorted(
        AdministrativeUnit.objects.filter(parent__isnull=False).values_list("code", "parent__code")
    ) == [("KZ-01-01", "KZ-01"), ("KZ-02-01", "KZ-02")]
    assert [(t.code, t.parent_id, t.region_id) for t in c.regions] == [
        ("KZ-01", c.cec.pk, c.regions[0].pk),
        ("KZ-02", c.cec.pk, c.regions[1].pk),
    ]
    assert sorted(c.users) == [
        "CEC",
        *("KZ-01", "KZ-01-01", "KZ-01-0101", "KZ-01-0102"),
        *("KZ-02", "KZ-02-01", "KZ-02-0101", "KZ-02-0102"),
    ]
    assert (c.users["KZ-01-0101"].username, c.users["KZ-01-0101"].role) == ("pec-KZ-01-0101", "pec")


def test_the_builder_writes_the_three_setup_events_as_system_tests() -> None:
    c = country_tiny(election=REFERENDUM, users=False)

    assert (c.election.kind, c.option_keys()) == (ElectionKind.REFERENDUM, ["yes", "no"])
    assert list(Event.objects.order_by("seq").values_list("actor", "action", "object_key")) == [
        ("system:tests", "geography.create", "kz-test"),
        ("system:tests", "commissions.create", "kz-test"),
        ("system:tests", "election.create", "kz-test-referendum"),
    ]
    assert (PollingStation.objects.count(), c.users) == (2, {})
