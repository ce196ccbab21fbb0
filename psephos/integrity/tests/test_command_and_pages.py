"""The ``psephos integrity`` command, the stored report, its portal pages and API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from psephos.integrity.models import IntegrityReport
from psephos.integrity.rules.synthetic import Scenario, generate
from psephos.ledger.models import Event
from psephos.results.tests.factories import good_lines, protocol_make, small_country

REQUIRED_KEYS = {
    "stations_used",
    "stations_dropped",
    "turnout",
    "leader_share",
    "integer_test",
    "shpilkin",
    "klimek",
    "benford_2bl",
    "last_digit",
    "spikes",
}


def write_synthetic(tmp_path: Path, stations: int = 400) -> tuple[Path, Path]:
    table, _ = generate(Scenario(stations=stations, seed=31, f_i=0.1))
    lines = ["station,region,tik,N,G,V,I,A,B,C"]
    for i in range(len(table)):
        lines.append(
            ",".join(
                str(x)
                for x in (
                    table.station[i],
                    table.region[i],
                    table.commission[i],
                    table.registered[i],
                    table.issued[i],
                    table.valid[i],
                    table.invalid[i],
                    *table.options[i],
                )
            )
        )
    lines.append("BAD,R1,T1,100,200,1,0,1,0,0")
    data = tmp_path / "data.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        '[columns]\nstation = "station"\nregion = "region"\ncommission = "tik"\nregistered = "N"\n'
        'ballots_issued = "G"\nvalid = "V"\ninvalid = "I"\nleader = "A"\noptions = ["A", "B", "C"]\n',
        encoding="utf-8",
    )
    return data, mapping


def test_run_writes_report_json_and_html(tmp_path: Path) -> None:
    data, mapping = write_synthetic(tmp_path)
    out = tmp_path / "out"
    call_command(
        "integrity",
        "run",
        str(data),
        "--mapping",
        str(mapping),
        "--out",
        str(out),
        "--spikes-resamples",
        "20",
        "--klimek-bootstrap",
        "2",
        "--progress",
    )
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert REQUIRED_KEYS <= set(report)
    assert report["stations_used"] == 400
    assert report["stations_dropped"] == 1
    assert report["dropped"][0]["line"] == 402
    assert set(report["integer_test"]) >= {"observed", "expected", "excess", "p_value"}
    assert set(report["klimek"]) >= {"f_i", "f_e", "alpha"}
    assert set(report["benford_2bl"]) >= {"statistic", "p_value"}
    assert "fraud_share" in report["spikes"]
    assert 0 < report["turnout"] < 1
    assert report["klimek"]["bootstrap"]["resamples"] == 2
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 5
    assert "ballots issued 200 exceed registered voters 100" in html


def test_run_refuses_a_bad_mapping_and_writes_nothing(tmp_path: Path) -> None:
    data, mapping = write_synthetic(tmp_path, stations=60)
    mapping.write_text('[columns]\nstation = "station"\n', encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(CommandError) as exc:
        call_command("integrity", "run", str(data), "--mapping", str(mapping), "--out", str(out))
    assert str(exc.value).startswith(
        "integrity_mapping_invalid: The mapping has 6 problem(s): m.toml: columns.registered"
    )
    assert not out.exists()


@pytest.mark.django_db
def test_election_report_is_recorded_and_served(tmp_path: Path) -> None:
    country = small_country(regions=2, districts=2, stations=15)
    keys = country.option_keys()
    for i, pec in enumerate(country.pecs):
        protocol_make(country, pec, good_lines(keys, scale=1 + i % 3))
    events_before = Event.objects.count()
    out = tmp_path / "out"
    call_command(
        "integrity",
        "election",
        country.election.key,
        "--out",
        str(out),
        "--spikes-resamples",
        "10",
        "--klimek-bootstrap",
        "0",
    )
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["stations_used"] == 60
    assert report["leader"] == "against-all"  # 300 votes per scale: the most
    assert report["source"]["control_relation_failures"]["count"] == 0
    row = IntegrityReport.objects.get()
    assert row.stations_used == 60
    event = Event.objects.get(seq=events_before + 1)
    assert event.action == "integrity.report_recorded"
    assert event.payload["digest"] == row.digest

    client = Client()
    page = client.get(f"/integrity/{country.election.key}/")
    assert page.status_code == 200
    assert b"<svg" in page.content
    assert client.get("/integrity/").status_code == 200
    ru = client.get(f"/integrity/{country.election.key}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "Целые проценты" in ru.content.decode()
    kk = client.get(f"/integrity/{country.election.key}/", HTTP_ACCEPT_LANGUAGE="kk")
    assert "Бүтін пайыздар" in kk.content.decode()
    assert (
        client.get(f"/integrity/{country.election.key}/report.json").json()["stations_used"] == 60
    )
    api = client.get(f"/api/v1/integrity/elections/{country.election.key}/report")
    assert api.status_code == 200
    assert api.json()["stations_used"] == 60
    assert api.json()["schema"] == "psephos.integrity.report/1"
    assert api.json() == row.report  # the typed schema leaves the stored body as it is
    listing = client.get("/api/v1/integrity/reports").json()
    assert [r["election"] for r in listing] == [country.election.key]


@pytest.mark.django_db
def test_unknown_election_is_refused_everywhere(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as exc:
        call_command("integrity", "election", "nope", "--out", str(tmp_path / "o"))
    assert str(exc.value) == "not_found: No election “nope”."
    client = Client()
    assert client.get("/integrity/nope/").status_code == 404
    api = client.get("/api/v1/integrity/elections/nope/report")
    assert api.status_code == 404
    assert api.json()["error"]["code"] == "not_found"
    assert IntegrityReport.objects.count() == 0


@pytest.mark.django_db
def test_election_without_accepted_protocols_is_refused(tmp_path: Path) -> None:
    country = small_country(regions=1, districts=1, stations=2)
    for pec in country.pecs:
        protocol_make(country, pec, status="submitted")
    with pytest.raises(CommandError) as exc:
        call_command("integrity", "election", country.election.key, "--out", str(tmp_path / "o"))
    assert "has no accepted protocols yet" in str(exc.value)
    assert IntegrityReport.objects.count() == 0
    assert not (tmp_path / "o").exists()


@pytest.mark.django_db
def test_station_table_selector_has_a_fixed_query_budget(django_assert_max_num_queries) -> None:
    from psephos.integrity.selectors import station_table_for_election

    country = small_country(regions=2, districts=2, stations=5)
    for pec in country.pecs:
        protocol_make(country, pec)
    with django_assert_max_num_queries(4):
        table, provenance = station_table_for_election(election=country.election)
    assert len(table) == 20
    assert provenance["protocols_accepted"] == 20
    assert table.issued.tolist() == [615] * 20
