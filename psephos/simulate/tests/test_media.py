"""The simulated media monitoring goes through the real import and reproduces the reports."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command

from psephos.accounts.enums import Role
from psephos.accounts.services.invitations import operator_invite
from psephos.commissions.models import Decision
from psephos.elections.enums import ElectionKind, OptionKind
from psephos.elections.models import Election
from psephos.ledger.actors import actor_system
from psephos.media.models import (
    AdRate,
    AirtimeDraw,
    AirtimeSlot,
    Broadcast,
    CheckAssignment,
    CodedItem,
    Debate,
    DebateParticipant,
    MonitoringPlan,
    PaidAd,
)
from psephos.media.rules.report import PERIOD, is_total
from psephos.media.selectors import (
    airtime_report,
    debate_list,
    draw_verify,
    paid_report,
    plan_report,
)
from psephos.simulate.rules import media as figures
from psephos.simulate.services.media import (
    airtime_simulate,
    media_simulate,
    simulated_media_delete,
)
from tests.support.country import (
    REFERENDUM,
    ElectionPlan,
    _option,
    country_tiny,
    members_make,
)

ACTOR = actor_system("tests")
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
    # The demo's CEC operators (made by --candidates): the draw is their formal decision.
    members_make(country.cec)
    for name in ("simulate-cec-1", "simulate-cec-2"):
        operator_invite(username=name, role=Role.CEC_OPERATOR, commission=country.cec, actor=ACTOR)
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
    # TV and online count in seconds and characters: a total per unit; items add up.
    paid: dict[str, int] = {}
    for total in (c for key, c in period.items() if is_total(key)):
        for s in total.subjects:
            paid[s.subject] = paid.get(s.subject, 0) + s.paid_items
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
    _free_airtime_and_paid_ads(country.election, (result.slots, result.broadcasts, result.ads))
    assert Decision.objects.get().number == figures.DRAW_DECISION
    assert AirtimeDraw.objects.get().decision == figures.DRAW_DECISION
    simulated_media_delete(election_key=PRESIDENTIAL_2022.key)
    assert (Debate.objects.count(), DebateParticipant.objects.count()) == (0, 0)
    assert [m.objects.count() for m in (AirtimeSlot, AirtimeDraw, Broadcast, AdRate, PaidAd)] == [
        0
    ] * 5


def _free_airtime_and_paid_ads(election: Election, counts: tuple[int, int, int]) -> None:
    """Every candidate drawn exactly the entitlement; all but Auesbayev and Tokayev used it
    ([P] fn71); the draw verifies; the ad types of fn74 at the published rates."""
    users = set(figures.FREE_AIRTIME_USERS)
    report = airtime_report(election=election)
    assert report.state == "drawn" and report.disagreements == []
    for use in report.candidates:
        assert use.allocated == use.entitled == (900, 600, 2), use.candidate
        assert use.aired == (use.entitled if use.candidate in users else (0, 0, 0))
    check = draw_verify(election=election)
    assert check.commitment_ok and check.inputs_ok and check.allocation_ok
    # Nine outlets offer one slot per candidate; the monitors record the TV slots used.
    candidates = len(report.candidates)
    slots, broadcasts, ads = counts
    assert slots == 9 * candidates
    used = len(users & {u.candidate for u in report.candidates})
    assert broadcasts == 9 * used + 6 * used
    paid = {t.candidate: t for t in paid_report(election=election).totals}
    for candidate, types in figures.PAID_ITEMS.items():
        if candidate in paid:
            assert paid[candidate].ads == types * 6 + 3
            assert paid[candidate].seconds == types * 6 * figures.AD_SECONDS
            assert paid[candidate].flagged == 0
    assert ads == sum(t.ads for t in paid.values()) > 0


@pytest.mark.django_db
def test_without_cec_operators_the_draw_runs_directly() -> None:
    country = country_tiny(users=False)  # abden and tokayev
    assert country.election is not None
    result = airtime_simulate(election=country.election, seed=7)
    _free_airtime_and_paid_ads(country.election, (result.slots, result.broadcasts, result.ads))
    assert AirtimeDraw.objects.get().decision == ""
    assert Decision.objects.count() == 0


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
