"""A registered candidate of the candidates tests' country, and an open fund for them."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from psephos.candidates.tests.conftest import ACTOR, World, collecting, frozen, world
from psephos.candidates.tests.test_registration import decide, sign
from psephos.finance.models import Fund
from psephos.finance.rules.iban import iban_make
from psephos.finance.services.funds import fund_open

__all__ = ["ACTOR", "World", "frozen", "world"]

ACCOUNT = iban_make("KZ", "125KZT5004100100")
OPENS = dt.date(2022, 10, 12)


def registered(world: World, key: str = "tokayev") -> object:
    nomination = collecting(world, key)
    sign(world, nomination, [0, 1, 10, 11], f"{key}.csv")
    decide(nomination, "register")
    nomination.refresh_from_db()
    return nomination


@pytest.fixture
def fund(world: World) -> Fund:
    return fund_open(
        nomination=registered(world),  # type: ignore[arg-type]
        bank="Halyk Bank",
        account=ACCOUNT,
        opens_on=OPENS,
        actor=ACTOR,
    )


def cli(fund: Fund, command: str, path: Path) -> str:
    """Run ``psephos finance COMMAND FILE`` for the fund and return what it printed."""
    out = StringIO()
    call_command(
        "finance",
        command,
        str(path),
        "--election",
        fund.election.key,
        "--fund",
        fund.key,
        stdout=out,
    )
    return out.getvalue()
