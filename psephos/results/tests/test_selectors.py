"""The read model: summaries at every level, protocols, download rows, query budgets."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from psephos.core.errors import NotFound, ValidationFailed
from psephos.results import selectors
from psephos.results.rules.lines import LINE_NAMES
from psephos.results.services.tabulation import tally_recompute

from .factories import good_lines, protocol_make, small_country

pytestmark = pytest.mark.django_db


@pytest.fixture
def country():
    c = small_country()
    # Stations 1 and 2 of district KZ-01-01 accepted (scale 1 and 2), one submitted elsewhere.
    protocol_make(c, c.pecs[0], good_lines(c.option_keys(), scale=1))
    protocol_make(c, c.pecs[1], good_lines(c.option_keys(), scale=2))
    protocol_make(c, c.pecs[2], good_lines(c.option_keys(), scale=5), status="submitted")
    tally_recompute(election=c.election)
    return c


def test_national_summary_sums_accepted_protocols(country):
    with CaptureQueriesContext(connection) as ctx:
        s = selectors.result_summary_national(election=country.election)
    assert len(ctx.captured_queries) <= 6
    # scale 1 + scale 2: votes 100/200/300 ×3, valid 1800, invalid 30, found 1830, issued 1845.
    assert s.code == "CEC"
    assert s.level == "cec"
    assert s.registered == 3000
    assert s.ballots_issued == 1845
    assert s.valid == 1800
    assert s.invalid == 30
    assert s.both_marked == 0
    assert s.turnout == pytest.approx(1845 / 3000)
    assert [(o.key, o.votes) for o in s.options] == [
        ("abden", 300),
        ("tokayev", 600),
        ("against-all", 900),
    ]
    assert [o.share for o in s.options] == [300 / 1800, 600 / 1800, 900 / 1800]
    assert (s.progress.expected, s.progress.received, s.progress.accepted) == (8, 3, 2)
    assert [c.code for c in s.children] == ["KZ-01", "KZ-02"]
    assert s.children[0].valid == 1800
    assert s.children[1].valid == 0
    assert s.children[1].options[0].share is None
    assert s.path == []


def test_district_summary_lists_stations_with_protocols(country):
    tec = country.tecs[0]
    commission = selectors.result_commission_get(election=country.election, code=tec.code)
    with CaptureQueriesContext(connection) as ctx:
        s = selectors.result_summary(election=country.election, commission=commission)
    assert len(ctx.captured_queries) <= 6
    assert [p.code for p in s.path] == ["CEC", "KZ-01"]
    assert [c.code for c in s.children] == ["KZ-01-0101", "KZ-01-0102"]
    first = s.children[0]
    assert first.protocol is not None
    assert first.protocol.status == "accepted"
    assert first.protocol.version == 1
    assert first.protocol.votes == {"abden": 100, "tokayev": 200, "against-all": 300}
    assert first.valid == 600
    assert first.progress.accepted == 1
    assert sum(c.valid for c in s.children) == s.valid


def test_pec_summary_counts_only_accepted_figures(country):
    pending = selectors.result_commission_get(election=country.election, code="KZ-01-0201")
    s = selectors.result_summary(election=country.election, commission=pending)
    assert s.protocol is not None
    assert s.protocol.status == "submitted"
    assert s.protocol.lines["ballots_valid"] == 3000
    assert s.valid == 0
    assert (s.progress.expected, s.progress.received, s.progress.accepted) == (1, 1, 0)
    assert [p.code for p in s.path] == ["CEC", "KZ-01", "KZ-01-02"]


def test_protocol_get_for_station_without_protocol(country):
    view = selectors.protocol_get(election=country.election, station_code="KZ-02-0101")
    assert view.status == "draft"
    assert view.version is None
    assert view.lines == {}
    assert view.tec == "KZ-02-01"
    assert view.region == "KZ-02"


def test_protocol_get_unknown_station(country):
    with pytest.raises(NotFound) as exc:
        selectors.protocol_get(election=country.election, station_code="KZ-99-0001")
    assert exc.value.message == "No polling station “KZ-99-0001”."


def test_unknown_commission(country):
    with pytest.raises(NotFound) as exc:
        selectors.result_commission_get(election=country.election, code="NOPE")
    assert exc.value.data == {"commission": "NOPE", "election": "kz-test-presidential"}


def test_election_list(country):
    items = selectors.election_list()
    assert [(i.key, i.kind, i.name) for i in items] == [
        ("kz-test-presidential", "presidential", "Test presidential election")
    ]


def test_station_rows(country):
    with CaptureQueriesContext(connection) as ctx:
        rows = selectors.result_rows(election=country.election, level="station")
    assert len(ctx.captured_queries) <= 4
    assert len(rows) == 8
    assert list(rows[0])[:3] == ["station", "tec", "region"]
    assert list(rows[0]) == selectors.result_columns(election=country.election, level="station")
    assert rows[0]["station"] == "KZ-01-0101"
    assert rows[0]["tec"] == "KZ-01-01"
    assert rows[0]["region"] == "KZ-01"
    assert rows[0]["ballots_valid"] == 600
    assert rows[0]["tokayev"] == 200
    assert rows[2]["status"] == "submitted"
    assert rows[2]["ballots_valid"] is None
    assert rows[7]["status"] == "draft"


def test_station_rows_within_one_tec(country):
    rows = selectors.result_rows(election=country.election, level="station", within=country.tecs[1])
    assert [r["station"] for r in rows] == ["KZ-01-0201", "KZ-01-0202"]


def test_higher_level_rows(country):
    tec_rows = selectors.result_rows(election=country.election, level="tec")
    assert [r["tec"] for r in tec_rows] == ["KZ-01-01", "KZ-01-02", "KZ-02-01", "KZ-02-02"]
    assert tec_rows[0]["ballots_valid"] == 1800
    assert tec_rows[0]["accepted"] == 2
    region_rows = selectors.result_rows(election=country.election, level="region")
    assert [(r["region"], r["ballots_valid"]) for r in region_rows] == [
        ("KZ-01", 1800),
        ("KZ-02", 0),
    ]
    national = selectors.result_rows(election=country.election, level="national")
    assert len(national) == 1
    assert national[0]["election"] == "kz-test-presidential"
    assert {n: national[0][n] for n in LINE_NAMES} == {n: region_rows[0][n] for n in LINE_NAMES}
    assert national[0]["expected"] == 8


def test_unknown_level(country):
    with pytest.raises(ValidationFailed) as exc:
        selectors.result_rows(election=country.election, level="planet")
    assert exc.value.message == "Unknown level “planet”; use one of station, tec, region, national."
