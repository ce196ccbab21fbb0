"""The simulated media monitoring goes through the real import and reproduces the reports."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from psephos.elections.enums import ElectionKind, OptionKind
from psephos.media.models import (
    CheckAssignment,
    CodedItem,
    Debate,
    DebateParticipant,
    MonitoringPlan,
)
from psephos.media.rules.report import ALL_OUTLETS, PERIOD
from psephos.media.selectors import debate_list, plan_report
from psephos.simulate.rules import media as figures
from psephos.simulate.services.media import media_simulate, simulated_media_delete
from tests.support.country import REFERENDUM, ElectionPlan, _option, country_tiny

PRESIDENTIAL_2022 = ElectionPlan(
    key="kz-2022-presidential",
    kind=ElectionKind.PRESIDENTIAL,
    names=("Presidential election", "Президент сайлауы", "Выборы Президента"),
    date=dt.date(2022, 11, 20),
    profile_key="kz-presidential-2022",
    options=(
        *(_option(c, OptionKind.CANDIDATE, c.title()) for c in figures.CANDIDATES),
        _option("against-all", OptionKind.AGAINST_ALL, "Against all"),
    ),
)


@pytest.mark.django_db
def test_the_presidential_monitoring_is_reproduced() -> None:
    country = country_tiny(election=PRESIDENTIAL_2022, users=False)
    assert country.election is not None
    result = media_simulate(election=country.election, seed=2022)
    report = plan_report(plan=result.plan)
    assert len(report.outlets) == 12
    assert sorted(o.medium for o in report.outlets.values()) == ["online"] * 6 + ["tv"] * 6
    period = {c.outlet: c for c in report.coverage if c.scope == PERIOD}
    for outlet in figures.TV:
        shares = {s.subject: s.news_share for s in period[outlet.key].subjects}
        assert {round(shares[c] * 100) for c in figures.CANDIDATES} == {
            round(outlet.candidate_share * 100)
        }, outlet.key
        assert round(shares["incumbent_institutional"] * 100) == round(
            outlet.institutional_share * 100
        ), outlet.key
    # Khabar: about 9 % per candidate, and the incumbent another 21 % as president.
    khabar = {s.subject: s.news_share for s in period["khabar"].subjects}
    assert (round(khabar["tokayev"], 2), khabar["incumbent_institutional"]) == (0.09, 0.21)
    for coverage in period.values():
        assert coverage.women_share is not None and coverage.women_share < 0.2
    paid = {s.subject: s.paid_items for s in period[ALL_OUTLETS].subjects}
    assert paid["tokayev"] == 66 and max(v for k, v in paid.items() if k != "tokayev") == 24
    assert period["khabar"].voter_information_volume == 1200
    assert result.items == CodedItem.objects.filter(second=False).count()
    drawn = CheckAssignment.objects.count()
    assert result.checks == drawn == -(-report.items // 10)
    assert report.agreement.items == drawn
    assert report.agreement.volume_alpha is not None and report.agreement.volume_alpha > 0.8
    assert report.agreement.tone_alpha is not None and report.agreement.tone_alpha > 0.67
    # The CEC's debate on Khabar, 11 Nov: everyone in person but the incumbent ([P] fn73).
    (debate,) = debate_list(election=country.election)
    assert (debate.outlet.key, debate.held_at.date()) == ("khabar", dt.date(2022, 11, 11))
    assert dict(debate.answers) == {
        c: "represented" if c == "tokayev" else "attended" for c in figures.CANDIDATES
    }
    simulated_media_delete(election_key=PRESIDENTIAL_2022.key)
    assert (Debate.objects.count(), DebateParticipant.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_the_referendum_screening_is_reproduced(capsys: pytest.CaptureFixture[str]) -> None:
    country = country_tiny(election=REFERENDUM, users=False)
    assert country.election is not None
    media_simulate(election=country.election, seed=7)
    call_command("media", "report", REFERENDUM.key, "--format", "json")
    (plan,) = json.loads(capsys.readouterr().out)["plans"]
    assert plan["items"] == 193
    everything = next(c for c in plan["coverage"] if c["outlet"] == "*" and c["scope"] == "period")
    (yes,) = everything["subjects"]
    assert (yes["subject"], yes["tone_items"]) == (
        "yes",
        {"negative": 0, "neutral": 108, "positive": 85},
    )
    assert simulated_media_delete(election_key=REFERENDUM.key) == 193 + plan["agreement"]["items"]
    assert (MonitoringPlan.objects.count(), CodedItem.objects.count()) == (0, 0)
