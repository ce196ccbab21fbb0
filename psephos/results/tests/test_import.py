"""``psephos results import``: an existing election's station table becomes a psephos election."""

from __future__ import annotations

import json
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from psephos.commissions.models import Commission
from psephos.elections.models import Election
from psephos.ledger.models import Event
from psephos.results.models import Protocol, ProtocolVersion, Tally
from psephos.territory.models import Geography, PollingStation

pytestmark = pytest.mark.django_db

HEADER = ["uik", "region", "tik", "Registered", "Early", "On the day", "Valid", "Invalid", "A", "B"]
ROWS = [
    ["101", "North", "N-1", "1000", "10", "590", "580", "20", "400", "180"],
    ["102", "North", "N-1", "800", "0", "500", "490", "10", "245", "245"],
    ["103", "North", "N-2", "1200", "5", "700", "690", "15", "500", "190"],
    # quarantined: the option votes (300 + 150) are not the valid ballots (460)
    ["201", "South", "S-1", "900", "0", "470", "460", "10", "300", "150"],
    ["202", "South", "S-1", "950", "20", "600", "610", "10", "300", "310"],
]
MAPPING = """
[columns]
station = "uik"
region = "region"
commission = "tik"
registered = "Registered"
ballots_issued = ["Early", "On the day"]
valid = "Valid"
invalid = "Invalid"
options = ["A", "B"]
leader = "A"

[election]
key = "xl-2021-presidential"
kind = "presidential"
name_en = "Presidential election 2021"
name_kk = "2021 жылғы Президент сайлауы"
name_ru = "Президентские выборы 2021 года"
voting_day = 2021-10-10
geography = "xl-2021"

[election.options]
A = { key = "alpha", name = "Alpha" }
B = { key = "beta", name_en = "Beta", name_kk = "Бета", name_ru = "Бета" }
"""
KEY = "xl-2021-presidential"


def write_csv(
    path: Path, rows: list[list[str]], *, sep: str = ",", encoding: str = "utf-8"
) -> Path:
    text = "\n".join(sep.join(r) for r in [HEADER, *rows]) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def run(tmp_path: Path, data: Path, *extra: str, mapping: str = MAPPING) -> str:
    m = tmp_path / "mapping.toml"
    m.write_text(mapping, encoding="utf-8")
    out = StringIO()
    call_command("results", "import", str(data), "--mapping", str(m), *extra, stdout=out)
    return out.getvalue()


def column_sum(name: str, rows: list[list[str]] = ROWS) -> int:
    i = HEADER.index(name)
    return sum(int(r[i]) for r in rows)


def ledger_verify() -> str:
    call_command("ledger", "checkpoint", stdout=StringIO())
    out = StringIO()
    call_command("ledger", "verify", stdout=out)
    return out.getvalue()


def national() -> Tally:
    return Tally.objects.get(election__key=KEY, commission__code="CEC")


def state() -> tuple[int, ...]:
    return (
        Election.objects.count(),
        Geography.objects.count(),
        PollingStation.objects.count(),
        Commission.objects.count(),
        Protocol.objects.count(),
        Event.objects.count(),
    )


def test_an_import_totals_exactly_the_columns_and_lists_its_quarantined_row(tmp_path, client):
    out = run(tmp_path, write_csv(tmp_path / "r.csv", ROWS))
    assert "election xl-2021-presidential: 5 protocols" in out
    assert "quarantined (kept and counted, listed publicly): 1" in out
    assert "line 5: 201 R4" in out
    tally = national()
    assert tally.voters_on_list == column_sum("Registered")
    assert tally.ballots_issued == column_sum("Early") + column_sum("On the day")
    assert (tally.ballots_valid, tally.ballots_invalid) == (
        column_sum("Valid"),
        column_sum("Invalid"),
    )
    votes = {v.option.key: v.votes for v in tally.votes.select_related("option")}
    assert votes == {"alpha": column_sum("A"), "beta": column_sum("B")}
    assert (tally.expected, tally.accepted) == (5, 5)
    assert set(ProtocolVersion.objects.values_list("source", flat=True)) == {"imported"}
    # the map: two regions, three districts, five stations, and a commission for each
    assert PollingStation.objects.filter(geography__key="xl-2021").count() == 5
    assert Commission.objects.filter(geography__key="xl-2021").count() == 1 + 2 + 3 + 5
    event = Event.objects.get(action="results.import")
    assert event.payload["sha256"] and event.payload["quarantined"] == 1
    assert event.payload["votes"] == {"alpha": column_sum("A"), "beta": column_sum("B")}
    body = client.get(f"/api/v1/elections/{KEY}/quarantine").json()
    assert [s["station"] for s in body["stations"]] == ["201"]
    result = client.get(f"/api/v1/elections/{KEY}/results").json()
    assert {o["key"]: o["votes"] for o in result["options"]} == votes
    assert client.get(f"/e/{KEY}/").status_code == 200
    assert client.get(f"/e/{KEY}/c/N-1/").status_code == 200
    assert 'data-station="201"' in client.get(f"/ledger/quarantine/{KEY}/").content.decode()
    assert "accepted protocols of 1 election(s) equal their ledger events" in ledger_verify()
    bundle = tmp_path / "b.zip"
    call_command("publish", KEY, "--out", str(bundle), stdout=StringIO())
    with zipfile.ZipFile(bundle) as z:
        assert any("nist" in n for n in z.namelist())
    verified = StringIO()
    call_command("verify", str(bundle), stdout=verified, stderr=StringIO())
    export = tmp_path / "stations.csv"
    call_command("export", KEY, "--level", "station", "--out", str(export), stdout=StringIO())
    assert len(export.read_text().splitlines()) == 6
    call_command("integrity", "election", KEY, "--out", str(tmp_path / "rep"), stdout=StringIO())
    report = json.loads((tmp_path / "rep" / "report.json").read_text())
    assert report["stations_used"] >= 4


@pytest.mark.parametrize(
    ("row", "where"),
    [
        (["103", "North", "N-2", "1200", "5", "x", "690", "15", "500", "190"], "line 4, column On the day"),
        (["103", "North", "N-2", "1200", "5", "700", "690", "-1", "500", "190"], "line 4, column Invalid"),
        (["101", "North", "N-2", "1200", "5", "700", "690", "15", "500", "190"], "line 4, column uik"),
        (["103", "South", "N-1", "1200", "5", "700", "690", "15", "500", "190"], "line 4, column tik"),
        (["103", "North", "N-2", "1200", "5", "700", "690", "15", "500"], "line 4: the row has 9 fields"),
    ],
)  # fmt: skip
def test_a_bad_cell_refuses_the_whole_table_by_line_and_column(tmp_path, row, where):
    before = state()
    rows = [*ROWS[:2], row, *ROWS[3:]]
    with pytest.raises(CommandError) as info:
        run(tmp_path, write_csv(tmp_path / "r.csv", rows))
    assert str(info.value).startswith("results_import_refused: r.csv has 1 problem(s)")
    assert where in str(info.value)
    assert state() == before


def test_a_missing_column_and_a_bad_election_table_are_refused(tmp_path):
    before = state()
    with pytest.raises(CommandError) as info:
        run(
            tmp_path,
            write_csv(tmp_path / "r.csv", ROWS),
            mapping=MAPPING.replace('"Valid"', '"Val"'),
        )
    assert "Line 1 (header) lacks mapped column(s): Val (valid)" in str(info.value)
    with pytest.raises(CommandError) as info:
        run(tmp_path, write_csv(tmp_path / "r.csv", ROWS), mapping=MAPPING.replace("B = {", "#"))
    assert "election.options.B: missing" in str(info.value)
    assert state() == before


def test_an_existing_election_is_refused_and_a_dry_run_writes_nothing(tmp_path):
    data = write_csv(tmp_path / "r.csv", ROWS)
    before = state()
    assert "dry run, nothing written" in run(tmp_path, data, "--dry-run")
    assert state() == before
    run(tmp_path, data)
    after = state()
    with pytest.raises(CommandError) as info:
        run(tmp_path, data)
    assert str(info.value).startswith("conflict: Election “xl-2021-presidential” already exists")
    assert state() == after


def test_a_second_election_on_the_same_map_reuses_it_and_never_changes_it_under_another(tmp_path):
    run(tmp_path, write_csv(tmp_path / "r.csv", ROWS))
    second = MAPPING.replace(f'key = "{KEY}"', 'key = "xl-2021-second"')
    out = run(tmp_path, write_csv(tmp_path / "r2.csv", ROWS[:3]), mapping=second)
    assert "added 0 units, 0 stations, 0 commissions" in out
    tally = Tally.objects.get(election__key="xl-2021-second", commission__code="CEC")
    assert tally.ballots_valid == column_sum("Valid", ROWS[:3])
    assert "stored tallies of 2 election(s)" in ledger_verify()
    before = state()
    more = [*ROWS, ["301", "East", "E-1", "500", "0", "300", "290", "10", "100", "190"]]
    third = MAPPING.replace(f'key = "{KEY}"', 'key = "xl-2021-third"')
    with pytest.raises(CommandError) as info:
        run(tmp_path, write_csv(tmp_path / "r3.csv", more), mapping=third)
    assert "The map “xl-2021” lacks 3 unit(s) or station(s) of the table (first: East)" in str(
        info.value
    )
    assert state() == before


def test_cp1251_semicolons_in_a_zip(tmp_path):
    rows = [[c.replace("North", "Северный") for c in r] for r in ROWS]
    csv_path = write_csv(tmp_path / "r.csv", rows, sep=";", encoding="cp1251")
    archive = tmp_path / "r.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.write(csv_path, "results.csv")
    run(tmp_path, archive)
    assert national().ballots_valid == column_sum("Valid")
    assert Commission.objects.filter(code="Северный", level="tec_region").exists()


def test_parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {h: [r[i] if i < 3 else int(r[i]) for r in ROWS] for i, h in enumerate(HEADER)}
    )
    path = tmp_path / "r.parquet"
    pq.write_table(table, path)
    out = run(tmp_path, path)
    assert "row 4: 201 R4" in out
    assert national().ballots_valid == column_sum("Valid")
