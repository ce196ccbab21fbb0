"""The life cycle of the invented example election, from files to a verified bundle.

No ``simulate``: ``psephos setup`` loads Dalaria (docs/examples/dalaria), a re-run adds
an operator for every commission, a voter register is imported, the lists extracted and a
register update moves a voter (``psephos voters update``; the self-check follows), the
operators set their passwords through their invitation links, each PEC submits its
protocol through the API, the district TEC accepts it, ``psephos tabulate`` sums, the CEC certifies through the API, and
``psephos publish`` writes a bundle that ``psephos verify`` accepts, and the public
national and station pages show the result.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from psephos.core import clock
from psephos.elections.models import Election
from psephos.voters import iin_hash
from psephos.voters.tests.conftest import HEADER as REGISTER_HEADER
from psephos.voters.tests.conftest import person_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("key_dir")]

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "dalaria"
KEY = "xd-2027-presidential"
BASE = f"/api/v1/elections/{KEY}"
PASSWORD = "a long example password"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def lines_for(number: int) -> dict:
    """Return a protocol that reconciles, different for every station number."""
    votes = {"abenova": 300 + number, "dosanov": 200, "kenzhebekova": 100, "against-all": 10}
    valid = sum(votes.values())
    found = valid + 5
    issued = found + 2
    return {
        "voters_on_list": 1500,
        "ballots_received": issued + 20,
        "ballots_issued": issued,
        "ballots_issued_mobile": 1,
        "voted_with_certificate": 0,
        "ballots_cancelled": 20,
        "ballots_found": found,
        "ballots_invalid": 5,
        "ballots_valid": valid,
        "ballots_both_marked": 0,
        "votes": votes,
    }


def invitation_links(output: str) -> dict[str, str]:
    return {
        parts[0]: "/" + parts[1].split("/", 3)[3]
        for line in output.splitlines()
        if "/accounts/invitation/" in line and len(parts := line.split()) == 2
    }


def at(monkeypatch, moment: dt.datetime) -> None:
    monkeypatch.setattr(clock, "now", lambda: moment)


def test_the_example_election_from_setup_to_a_verified_bundle(tmp_path, monkeypatch):
    at(monkeypatch, dt.datetime(2027, 1, 10, 9, 0, tzinfo=dt.UTC))
    directory = Path(shutil.copytree(EXAMPLE, tmp_path / "dalaria"))
    links = invitation_links(run("setup", str(directory)))
    assert sorted(links) == ["cec-operator", "pec-xd-01-0101", "pec-xd-01-0102", "tec-xd-01-01"]

    # A re-run gives every PEC and every district TEC an operator.
    with (directory / "commissions.csv").open(encoding="utf-8") as f:
        commissions = list(csv.DictReader(f))
    pecs = {c["code"]: c["parent"] for c in commissions if c["level"] == "pec"}
    tecs = sorted(c["code"] for c in commissions if c["level"] == "tec_district")
    with (directory / "operators.csv").open("a", encoding="utf-8") as f:
        for code in sorted(pecs):
            if code not in ("XD-01-0101", "XD-01-0102"):
                f.write(f"pec-{code.lower()},pec,{code}\n")
        for code in tecs:
            if code != "XD-01-01":
                f.write(f"tec-{code.lower()},tec,{code}\n")
    out = run("setup", str(directory), "--on", "2027-02-01")
    assert "operators.csv: 36 added, 0 changed, 0 removed" in out.splitlines()
    links |= invitation_links(out)
    assert len(links) == 1 + len(tecs) + len(pecs) == 40

    # The register: an extract, the lists, then a register update moves one voter.
    iin_hash._key.cache_clear()  # the key of this test's key directory
    rows = person_rows(3, station="XD-01-0101")
    register = tmp_path / "register.csv"
    register.write_text(REGISTER_HEADER + "".join(rows), encoding="utf-8")
    assert run("voters", "import", str(register), "--election", KEY).startswith("Imported 3 voters")
    assert run("voters", "extract", "--election", KEY) == "Extracted 3 list entries.\n"
    moved = rows[0].replace("XD-01-0101", "XD-01-0102").rstrip("\n")
    delta = tmp_path / "delta.csv"
    delta.write_text(
        f"change,{REGISTER_HEADER.rstrip()},reason\nchange,{moved},\n", encoding="utf-8"
    )
    out = run("voters", "update", str(delta), "--election", KEY)
    assert f"lists of {KEY}: 0 added, 1 moved, 0 removed" in out
    check = Client().post(
        "/api/v1/voters/self-check",
        json.dumps({"election": KEY, "iin": rows[0].split(",")[0]}),
        content_type="application/json",
    )
    assert check.json()["station_code"] == "XD-01-0102"

    # Each operator sets a password through the invitation page and logs in.
    clients: dict[str, Client] = {}
    for username, path in links.items():
        client = Client()
        done = client.post(path, {"password1": PASSWORD, "password2": PASSWORD})
        assert (done.status_code, done["Location"]) == (302, "/staff/"), username
        clients[username] = client

    def post(username: str, url: str, data: dict) -> dict:
        client = clients[username]
        client.get("/staff/")  # the session's CSRF cookie
        response = client.post(
            url,
            json.dumps(data),
            content_type="application/json",
            headers={"X-CSRFToken": client.cookies["csrftoken"].value},
        )
        assert response.status_code in (200, 201), (url, response.content)
        return response.json()

    # Election night (polls close at 20:00 in Asia/Almaty): every PEC submits, its TEC accepts.
    at(monkeypatch, dt.datetime(2027, 3, 21, 16, 0, tzinfo=dt.UTC))
    numbers = {code: int(code[-4:]) for code in pecs}
    for code, number in sorted(numbers.items()):
        submitted = post(
            f"pec-{code.lower()}", f"{BASE}/stations/{code}/protocol", lines_for(number)
        )
        assert (submitted["status"], submitted["version"]) == ("submitted", 1)
    for code, tec in sorted(pecs.items()):
        accepted = post(f"tec-{tec.lower()}", f"{BASE}/protocols/{code}/accept", {})
        assert accepted["status"] == "accepted"

    tabulated = run("tabulate", KEY).splitlines()
    assert tabulated[0].startswith(f"{KEY}: 31 of 31 protocols accepted (100.0%); ")
    assert tabulated[1] == "Every accepted protocol satisfies the control relations."
    national = Client().get(f"{BASE}/results").json()
    expected_abenova = sum(300 + n for n in numbers.values())
    votes = {v["key"]: v["votes"] for v in national["options"]}
    assert votes == {
        "abenova": expected_abenova,
        "dosanov": 200 * 31,
        "kenzhebekova": 100 * 31,
        "against-all": 10 * 31,
    }
    assert national["valid"] == expected_abenova + 310 * 31

    # After the last day to challenge the results at the Constitutional Council.
    at(monkeypatch, dt.datetime(2027, 4, 3, 6, 0, tzinfo=dt.UTC))
    outcome = post("cec-operator", f"{BASE}/certify", {})
    assert (outcome["status"], outcome["winner"]) == ("elected", "abenova")
    assert Election.objects.get(key=KEY).status == "certified"

    bundle = tmp_path / "bundle.zip"
    assert run("publish", KEY, "--out", str(bundle)).startswith(
        f"wrote {bundle}: 31 stations (31 accepted), "
    )
    assert run("verify", str(bundle)).startswith("bundle OK: signed by key ")

    # The public pages show the certified result.
    public = Client()
    national = public.get(f"/e/{KEY}/")
    assert national.status_code == 200 and "Saule Abenova" in national.content.decode()
    station = public.get(f"/results/{KEY}/stations/XD-01-0101/").content.decode()
    assert 'data-status="accepted"' in station
