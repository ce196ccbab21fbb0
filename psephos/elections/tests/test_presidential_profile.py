"""Candidates and campaign finance exist only under a presidential profile (one refusal path)."""

from __future__ import annotations

import pytest
from django.utils import translation

from psephos.candidates.errors import NoCandidates
from psephos.candidates.profile import candidate_profile
from psephos.elections.models import Election
from psephos.elections.rules.profiles import PresidentialProfile
from psephos.finance.errors import NoCampaignFinance
from psephos.finance.profile import finance_profile


@pytest.mark.parametrize(
    ("read", "refusal", "what"),
    [
        (candidate_profile, NoCandidates, "has no candidates"),
        (finance_profile, NoCampaignFinance, "has no campaign finance rules"),
    ],
)
def test_a_referendum_has_neither_candidates_nor_campaign_finance(read, refusal, what) -> None:
    # Only the profile's key and overrides are read: an unsaved election serves.
    referendum = Election(key="kz-2022-referendum", profile_key="kz-referendum-2022")
    with translation.override("en"), pytest.raises(refusal) as refused:
        read(referendum)
    assert refused.value.message == (
        f"Election “kz-2022-referendum” {what} (rule profile “kz-referendum-2022”)."
    )
    assert refused.value.data == {"election": "kz-2022-referendum"}
    presidential = Election(
        key="kz-2022-presidential",
        profile_key="kz-presidential-2022",
        profile_overrides={"candidate_minimum_age": 35},
    )
    profile = read(presidential)
    assert isinstance(profile, PresidentialProfile) and profile.candidate_minimum_age == 35
