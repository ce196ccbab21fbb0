"""Turnout reports through the API, the public curve, late stations, and §13.2 replayed."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from psephos.core import clock
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_system
from psephos.ledger.models import Event
from psephos.pollingday.models import TurnoutReport
from psephos.pollingday.rules.intraday_2022 import NATIONAL, REGION_RATES, SLOTS, region_shares
from psephos.pollingday.selectors_turnout import turnout_for_election
from psephos.pollingday.services.turnout_simulation import turnout_simulate
from psephos.simulate.rules.scenarios import VOTER_WEIGHTS
from psephos.territory.data.kz_2022 import MAP_20
from tests.support.country import (
    PRESIDENTIAL,
    Country,
    DistrictPlan,
    RegionPlan,
    StationPlan,
    country_build,
)

pytestmark = pytest.mark.django_db

KEY = PRESIDENTIAL.key
ALMATY = dt.timezone(dt.timedelta(hours=6))


def freeze(monkeypatch: pytest.MonkeyPatch, hour: int, minute: int = 0) -> None:
    when = dt.datetime(2022, 11, 20, hour, minute, tzinfo=ALMATY)
    monkeypatch.setattr(clock, "now", lambda: when)


def report(client: Client, code: str = "KZ-01-0101", **body: Any) -> Any:
    return client.post(
        f"/api/v1/elections/{KEY}/stations/{code}/turnout",
        data=json.dumps(body),
        content_type="application/json",
    )


def state() -> tuple[int, int]:
    return TurnoutReport.objects.count(), Event.objects.count()


def test_reports_fill_the_curve_and_refusals_carry_their_numbers(
    client: Client, country: Country, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(country.users["KZ-01-0101"])
    freeze(monkeypatch, 10, 5)

    response = report(client, slot="10:00", voted=250, registered=1000)

    assert response.status_code == 201
    assert response.json() == {
        "station": "KZ-01-0101",
        "slot": "10:00",
        "voted": 250,
        "registered": 1000,
        "percent": "25.00",
        "source": "entered",
        "event_seq": Event.objects.get(action="turnout.report").seq,
    }
    before = state()

    assert report(client, slot="10:00", voted=260, registered=1000).json()["error"]["code"] == (
        "turnout_reported"
    )
    freeze(monkeypatch, 12, 10)
    refused = report(client, slot="12:00", voted=1001 - 800, registered=200).json()["error"]
    assert refused == {
        "code": "turnout_refused",
        "message": (
            "The turnout report of station KZ-01-0101 at 12:00 is refused: 201 voters is more "
            "than the 200 voters on the list. 201 voters is fewer than the 250 of the previous "
            "report."
        ),
        "data": {
            "station": "KZ-01-0101",
            "slot": "12:00",
            "errors": [
                {
                    "code": "above_registered",
                    "message": "201 voters is more than the 200 voters on the list.",
                },
                {
                    "code": "below_previous",
                    "message": "201 voters is fewer than the 250 of the previous report.",
                },
            ],
        },
    }
    late = report(client, slot="10:00", voted=300, registered=1000).json()["error"]
    assert late["message"] == (
        "The turnout report of station KZ-01-0101 at 10:00 is refused: The report for this "
        "time is accepted from 2022-11-20 10:00 to 11:00; it is 2022-11-20 12:10 at the station."
    )
    missing = report(client, slot="12:00").json()["error"]["data"]["errors"][0]["code"]
    assert missing == "figures_missing"
    assert state() == before

    assert report(client, slot="12:00", voted=400, registered=1000).status_code == 201
    turnout = Client().get(f"/api/v1/elections/{KEY}/turnout").json()
    assert turnout["times"] == ["10:00", "12:00", "16:00", "18:00", "22:00"]
    assert turnout["national"]["points"] == [
        {"slot": "10:00", "voted": 250, "registered": 1000, "percent": "25.00", "stations": 1},
        {"slot": "12:00", "voted": 400, "registered": 1000, "percent": "40.00", "stations": 1},
    ]
    assert [c["code"] for c in turnout["regions"]] == ["KZ-01"]
    assert turnout["districts"][0]["code"] == "KZ-01-01"
    # 11:00 closed the 10:00 window; the other station never reported.
    assert turnout["late"] == [{"station": "KZ-01-0102", "slot": "10:00"}]

    page = Client().get(f"/pollingday/{KEY}/turnout/").content.decode()
    assert '<polyline points="120.0,225.0 200.0,180.0"' in page
    assert '<circle cx="200.0" cy="180.0" r="5" data-slot="12:00" data-percent="40.00">' in page
    assert '<li data-station="KZ-01-0102">KZ-01-0102: no report for 10:00</li>' in page

    # One station's own curve: the API and its public page.
    assert (
        Client().get(f"/api/v1/elections/{KEY}/stations/KZ-01-0101/turnout").json()
        == (turnout["national"]["points"])
    )
    assert Client().get(f"/api/v1/elections/{KEY}/stations/KZ-01-0102/turnout").json() == []
    station = Client().get(f"/results/{KEY}/stations/KZ-01-0101/").content.decode()
    assert '<section id="station-turnout" data-reports="2">' in station
    assert (
        '<tr data-slot="12:00"><td>12:00</td><td>400</td><td>1000</td><td>40.00</td></tr>'
        in station
    )


def test_the_curve_is_read_from_the_cache_until_a_report_or_a_window_closes(
    client: Client, country: Country, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(country.users["KZ-01-0101"])
    freeze(monkeypatch, 10, 5)
    assert report(client, slot="10:00", voted=250, registered=1000).status_code == 201
    reader = Client()
    first = reader.get(f"/api/v1/elections/{KEY}/turnout").json()
    with CaptureQueriesContext(connection) as cold:
        reader.get(f"/api/v1/elections/{KEY}/turnout")
    assert not any("pollingday_turnoutreport" in q["sql"] for q in cold.captured_queries)

    second = Client()
    second.force_login(country.users["KZ-01-0102"])
    assert report(second, "KZ-01-0102", slot="10:00", voted=100, registered=500).status_code == 201
    after = reader.get(f"/api/v1/elections/{KEY}/turnout").json()
    assert [p["stations"] for p in (first["national"]["points"] + after["national"]["points"])] == [
        1,
        2,
    ]
    assert after["late"] == []
    freeze(monkeypatch, 12, 10)  # nothing written since, but 11:00 closed no window: still none
    assert reader.get(f"/api/v1/elections/{KEY}/turnout").json()["late"] == []
    freeze(monkeypatch, 13, 0)  # the 12:00 window closed at 13:00: both stations are late
    late = reader.get(f"/api/v1/elections/{KEY}/turnout").json()["late"]
    assert [x["slot"] for x in late] == ["12:00", "12:00"]


def test_in_production_the_curve_may_be_a_few_seconds_old_during_a_burst(
    client: Client, country: Country, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from psephos.pollingday import selectors_turnout

    settings.POLLINGDAY_TURNOUT_STALE_SECONDS = 2.0
    wall = {"now": 1_000_000.5}
    monkeypatch.setattr(selectors_turnout.time, "time", lambda: wall["now"])
    client.force_login(country.users["KZ-01-0101"])
    freeze(monkeypatch, 10, 5)
    assert report(client, slot="10:00", voted=250, registered=1000).status_code == 201
    reader = Client()
    url = f"/api/v1/elections/{KEY}/turnout"
    assert reader.get(url).json()["national"]["points"][0]["stations"] == 1

    second = Client()
    second.force_login(country.users["KZ-01-0102"])
    assert report(second, "KZ-01-0102", slot="10:00", voted=100, registered=500).status_code == 201
    # Within the same two seconds: the view as it was, read without the ledger head.
    with CaptureQueriesContext(connection) as cached:
        stale = reader.get(url).json()
    assert stale["national"]["points"][0]["stations"] == 1
    assert not any("ledger" in q["sql"] for q in cached.captured_queries)
    wall["now"] += 1.5  # the next window: current
    assert reader.get(url).json()["national"]["points"][0]["stations"] == 2


def test_only_the_station_pec_reports(
    client: Client, country: Country, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch, 10, 5)
    client.force_login(country.users["KZ-01-0102"])
    before = state()

    assert report(client, slot="10:00", voted=1, registered=10).status_code == 403
    assert state() == before


def _country_2022(registered_total: int) -> tuple[Country, dict[str, int]]:
    """Twenty regions of the 2022 map, two stations each, the lists sized by derived shares."""
    shares = region_shares({c: float(VOTER_WEIGHTS[c]) for c in REGION_RATES})
    regions, registered = [], {}
    for r in MAP_20.regions:
        names = (r.name_en, r.name_kk, r.name_ru)
        stations = [StationPlan(f"{r.code}-{n:04d}", n, f"Station {n}", f"PEC {n}") for n in (1, 2)]
        regions.append(
            RegionPlan(
                code=r.code,
                names=names,
                commission_name=f"{r.name_en} TEC",
                kind="city" if r.city else "oblast",
                timezone=r.timezone,
                districts=[
                    DistrictPlan(
                        code=f"{r.code}-01",
                        names=names,
                        commission_name=f"{r.name_en} district TEC",
                        timezone=r.timezone,
                        stations=stations,
                    )
                ],
            )
        )
        voters = round(shares[r.code] * registered_total)
        registered[f"{r.code}-0001"] = voters * 3 // 5
        registered[f"{r.code}-0002"] = voters - voters * 3 // 5
    return country_build(regions=regions, election=PRESIDENTIAL), registered


def test_the_simulation_reproduces_the_2022_intraday_table(db: None) -> None:
    _country, registered = _country_2022(400_000)
    election = election_get(key=KEY)

    written = turnout_simulate(
        election=election,
        registered=registered,
        slots=SLOTS,
        region_rates=REGION_RATES,
        national=NATIONAL,
        actor=actor_system("simulate"),
    )

    assert written == 200
    view = turnout_for_election(
        election=election, now=dt.datetime(2022, 11, 21, 0, 0, tzinfo=ALMATY)
    )
    assert [p.percent for p in view.national.points] == list(NATIONAL)
    assert [p.stations for p in view.national.points] == [40] * 5
    for curve in view.regions:
        for point, published in zip(curve.points, REGION_RATES[curve.code], strict=True):
            assert abs(point.percent - published) <= Decimal("0.05"), (curve.code, point.slot)
    assert view.late == []


def test_the_reporting_times_are_a_profile_switch(
    client: Client, country: Country, monkeypatch: pytest.MonkeyPatch
) -> None:
    country.election.profile_overrides = {"turnout_report_times": ["15:00", "09:00"]}
    country.election.save(update_fields=["profile_overrides"])
    client.force_login(country.users["KZ-01-0101"])
    freeze(monkeypatch, 10, 5)
    before = state()

    refused = report(client, slot="10:00", voted=250, registered=1000)

    assert refused.status_code == 422
    assert refused.json()["error"]["data"]["errors"][0]["code"] == "slot_unknown"
    assert refused.json()["error"]["data"]["errors"][0]["message"] == (
        "10:00 is not a reporting time; the times are 09:00 15:00."
    )
    assert state() == before
    freeze(monkeypatch, 9, 5)
    assert report(client, slot="09:00", voted=250, registered=1000).status_code == 201
    view = client.get(f"/api/v1/elections/{KEY}/turnout").json()
    assert view["times"] == ["09:00", "15:00"]
    page = client.get(f"/pollingday/{KEY}/stations/KZ-01-0101/").content.decode()
    assert '<option value="09:00">09:00</option><option value="15:00">15:00</option>' in page
