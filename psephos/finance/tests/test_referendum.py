"""The 2022 referendum had no campaign-finance regime ([R] §VII): no fund opens for it."""

from __future__ import annotations

import datetime as dt

import pytest

from psephos.candidates.models import Nomination
from psephos.finance.errors import NoCampaignFinance
from psephos.finance.models import Fund
from psephos.finance.services.funds import fund_open
from tests.support.country import REFERENDUM, election_write

from .conftest import ACCOUNT, ACTOR, World


@pytest.mark.once
def test_the_referendum_profile_refuses_to_open_a_fund(world: World) -> None:
    referendum = election_write(REFERENDUM, geography=world.country.geography)
    campaigner = Nomination(election=referendum, key="yes-campaign")  # never saved
    with pytest.raises(NoCampaignFinance) as refused:
        fund_open(
            nomination=campaigner,
            bank="Halyk Bank",
            account=ACCOUNT,
            opens_on=dt.date(2022, 5, 10),
            actor=ACTOR,
        )
    assert str(refused.value) == (
        "Election “kz-test-referendum” has no campaign finance rules"
        " (rule profile “kz-referendum-2022”)."
    )
    assert refused.value.code == "no_campaign_finance"
    assert not Fund.objects.filter(election=referendum).exists()
