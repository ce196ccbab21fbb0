"""``psephos simulate --turnout``: the 2022 intraday table replayed through the turnout reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from psephos.elections.models import Election
from psephos.ledger.models import Event
from psephos.pollingday.models import TurnoutReport
from psephos.pollingday.rules.intraday_2022 import NATIONAL, REGION_RATES, SLOTS
from psephos.pollingday.selectors_turnout import turnout_for_election
from psephos.results.models import Protocol

pytestmark = pytest.mark.django_db


def test_every_region_and_the_nation_meet_the_published_rates_at_each_time() -> None:
    out = StringIO()

    call_command(
        "simulate",
        "kz-2022-presidential",
        "--scale",
        "0.01",
        "--no-mission",
        "--no-media",
        "--no-progress",
        "--turnout",
        # As `make demo`: a TEC's stations left without protocols for the night still
        # reported their turnout during the day.
        "--leave-open",
        "KZ-75-01",
        stdout=out,
    )

    reports = TurnoutReport.objects.count()
    assert reports == 5 * TurnoutReport.objects.values("station").distinct().count() > 0
    left_open = TurnoutReport.objects.filter(station__code__startswith="KZ-75-")
    assert left_open.exists()
    assert not Protocol.objects.filter(commission__parent__code="KZ-75-01").exists()
    assert Event.objects.filter(action="turnout.report").count() == reports
    assert set(TurnoutReport.objects.values_list("source", flat=True)) == {"entered"}
    election = Election.objects.get(key="kz-2022-presidential")
    view = turnout_for_election(election=election, now=dt.datetime(2022, 11, 21, tzinfo=dt.UTC))
    assert len(view.regions) == len(REGION_RATES)
    for curve in view.regions:
        assert [p.slot for p in curve.points] == list(SLOTS)
        for point, published in zip(curve.points, REGION_RATES[curve.code], strict=True):
            assert abs(point.percent - published) <= Decimal("0.05"), (curve.code, point.slot)
    text = out.getvalue()
    assert (
        f"Turnout through the day: {reports} reports; 100 of 100 regional figures within "
        "0.05 points of the published ones." in text
    )
    # The national line exactly as published, to its two decimals, from the simulated
    # register's own lists (the regions' DERIVED shares; docs/pollingday.md).
    assert [p.percent for p in view.national.points] == list(NATIONAL)
    for point, published in zip(view.national.points, NATIONAL, strict=True):
        line = f"  {point.slot:%H:%M} national {point.percent} % (published {published} %)"
        assert line in text


def test_turnout_is_refused_for_the_referendum_and_with_the_full_register() -> None:
    for args in (
        ["kz-2022-referendum", "--turnout"],
        ["kz-2022-presidential", "--turnout", "--full-register"],
    ):
        with pytest.raises(CommandError) as caught:
            call_command("simulate", *args, "--scale", "0.01", "--no-progress", stdout=StringIO())
        assert "--turnout replays the presidential election's published turnout" in str(
            caught.value
        )
    assert Election.objects.count() == 0
