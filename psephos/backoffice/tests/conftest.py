"""A map with two district TECs (one region), a second operator at the CEC and at one TEC."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.candidates.tests.conftest import (  # noqa: F401 (test_candidates.py's fixtures)
    frozen,
    world,
)
from psephos.commissions.tests.conftest import set_now  # noqa: F401 (clock at 2022-11-01 09:00 UTC)
from tests.support.country import Country, country_grid


@dataclass
class Office:
    country: Country
    cec: User
    cec2: User
    tec: User  # district TEC KZ-01-01
    tec2: User  # a second operator of KZ-01-01
    other_tec: User  # district TEC KZ-01-02
    pec: User  # PEC KZ-01-0101

    def client(self, user: User) -> Client:
        c = Client()
        c.force_login(user)
        return c


def office_build() -> Office:
    """Return the map KZ-01 (districts KZ-01-01, KZ-01-02; two stations each) with operators."""
    c = country_grid(regions=1, districts=2, stations=2)
    cec2 = User.objects.create(username="cec-two", role=Role.CEC_OPERATOR, commission=c.cec)
    tec = c.tecs[0]
    tec2 = User.objects.create(username="tec-two", role=Role.TEC_OPERATOR, commission=tec)
    return Office(
        country=c,
        cec=c.users["CEC"],
        cec2=cec2,
        tec=c.users[tec.code],
        tec2=tec2,
        other_tec=c.users[c.tecs[1].code],
        pec=c.users[c.pecs[0].code],
    )


@pytest.fixture
def office(db: None, request: pytest.FixtureRequest) -> Office:
    """The map with its operators, the clock frozen at 2022-11-01 09:00 UTC (``set_now``)."""
    request.getfixturevalue("set_now")
    return office_build()
