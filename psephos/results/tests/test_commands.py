"""The results commands through call_command: tabulate, export, certify."""

from __future__ import annotations

import dataclasses
import io
import json

import pytest
from django.core.management import CommandError, call_command

from psephos.elections.models import Election
from psephos.results import selectors
from psephos.results.exports import rows_csv
from psephos.results.models import Tally

from .factories import good_lines, protocol_make, small_country

pytestmark = pytest.mark.django_db


@pytest.fixture
def country():
    c = small_country(key="kz-2022-presidential")
    protocol_make(c, c.pecs[0])
    broken = dataclasses.replace(good_lines(c.option_keys()), ballots_found=9999)
    protocol_make(c, c.pecs[1], broken)
    return c


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_tabulate_reports_progress_and_breaches(country):
    out = run("tabulate", "kz-2022-presidential")
    first = out.splitlines()[0]
    assert first.startswith("kz-2022-presidential: 2 of 8 protocols accepted (25.0%); 7 tallies")
    assert out.splitlines()[1:] == [
        "1 accepted protocol(s) break control relations:",
        "  KZ-01-0102: R3, R5",
    ]
    assert Tally.objects.get(commission__code="CEC").accepted == 2


def test_tabulate_unknown_election():
    with pytest.raises(CommandError, match="No election “nope”"):
        run("tabulate", "nope")


@pytest.mark.parametrize("level", ["station", "tec", "region", "national"])
def test_export_csv_matches_the_api_rows(country, level, tmp_path):
    run("tabulate", "kz-2022-presidential")
    path = tmp_path / f"{level}.csv"
    run("export", "kz-2022-presidential", "--level", level, "--format", "csv", "--out", str(path))
    election = Election.objects.get()
    expected = rows_csv(
        selectors.result_columns(election=election, level=level),
        selectors.result_rows(election=election, level=level),
    )
    assert path.read_text() == expected
    from django.test import Client

    api = Client().get(f"/api/v1/elections/kz-2022-presidential/export/{level}")
    assert api.content.decode() == expected


def test_export_json_within(country, tmp_path):
    path = tmp_path / "s.json"
    run(
        "export",
        "kz-2022-presidential",
        "--format",
        "json",
        "--within",
        "KZ-01-01",
        "--out",
        str(path),
    )
    data = json.loads(path.read_text())
    assert [r["station"] for r in data["rows"]] == ["KZ-01-0101", "KZ-01-0102"]
    assert data["rows"][0]["tokayev"] == 200


def test_export_refusals(country, tmp_path):
    with pytest.raises(CommandError, match="No commission “KZ-77”"):
        run("export", "kz-2022-presidential", "--within", "KZ-77", "--out", str(tmp_path / "x"))
    with pytest.raises(CommandError, match="Cannot write"):
        run("export", "kz-2022-presidential", "--out", str(tmp_path / "missing" / "x.csv"))


def test_certify_command(country):
    with pytest.raises(CommandError, match="No user “ghost”"):
        run("certify", "kz-2022-presidential", "--user", "ghost")
    with pytest.raises(CommandError, match=r"^election_not_complete: "):
        run("certify", "kz-2022-presidential", "--user", "cec")
    for pec in country.pecs[2:]:
        protocol_make(country, pec)
    with pytest.raises(CommandError, match=r"^permission_denied: "):
        run("certify", "kz-2022-presidential", "--user", "tec-KZ-01")
    out = run("certify", "kz-2022-presidential", "--user", "cec")
    assert out.splitlines()[0] == "kz-2022-presidential certified: runoff."
    assert Election.objects.get().status == "certified"
