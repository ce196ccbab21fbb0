"""The public quarantine list: stations whose protocols break control relations."""

import dataclasses
import zipfile
from io import StringIO

import pytest
from django.core.management import call_command

from psephos.results.errors import ProtocolBreaksRelations
from psephos.results.services.protocols import protocol_submit
from psephos.results.tests.factories import good_lines, protocol_make, small_country

pytestmark = pytest.mark.django_db


@pytest.fixture
def quarantined():
    """Station 1 accepted but inconsistent; station 2 refused at submission; the rest fine."""
    c = small_country(regions=1, districts=1, stations=3)
    keys = c.option_keys()
    bad = good_lines(keys)
    bad = dataclasses.replace(bad, votes=dict(bad.votes, tokayev=bad.votes["tokayev"] + 5))
    protocol_make(c, c.pecs[0], bad)
    with pytest.raises(ProtocolBreaksRelations):
        protocol_submit(
            user=c.users[c.pecs[1].code],
            election=c.election,
            station_code=c.pecs[1].code,
            lines=bad,
        )
    protocol_make(c, c.pecs[2])
    return c


def test_the_api_lists_both_kinds_with_their_votes(client, quarantined):
    body = client.get("/api/v1/elections/kz-test-presidential/quarantine").json()
    assert (body["count"], body["voters_on_list"]) == (2, 2000)
    first, second = body["stations"]
    assert (first["station"], first["status"], first["version"]) == ("KZ-01-0101", "accepted", 1)
    assert first["votes"] == {"abden": 100, "tokayev": 205, "against-all": 300}
    assert first["relations"] == second["relations"]
    assert len(first["relations"]) == 1
    assert (second["station"], second["status"], second["version"]) == (
        "KZ-01-0102",
        "refused",
        None,
    )
    assert client.get("/api/v1/elections/nope/quarantine").status_code == 404


def test_the_page_and_the_bundle_show_the_list(client, quarantined, tmp_path):
    html = client.get("/ledger/quarantine/kz-test-presidential/").content.decode()
    assert 'data-station="KZ-01-0101"' in html and 'data-station="KZ-01-0102"' in html
    assert 'data-station="KZ-01-0103"' not in html
    assert '<dd id="quarantine-voters">2,000</dd>' in html
    assert client.get("/ledger/quarantine/nope/").status_code == 404
    path = tmp_path / "b.zip"
    call_command("publish", "kz-test-presidential", "--out", str(path), stdout=StringIO())
    with zipfile.ZipFile(path) as z:
        rows = z.read("quarantine.csv").decode().splitlines()
    assert (
        rows[0]
        == "station,tec,region,status,version,relations,voters_on_list,abden,tokayev,against-all,since"
    )
    assert [r.split(",")[:5] for r in rows[1:]] == [
        ["KZ-01-0101", "KZ-01-01", "KZ-01", "accepted", "1"],
        ["KZ-01-0102", "KZ-01-01", "KZ-01", "refused", ""],
    ]


def test_an_empty_list_says_so(client):
    c = small_country(regions=1, districts=1, stations=1)
    protocol_make(c, c.pecs[0])
    html = client.get("/ledger/quarantine/kz-test-presidential/").content.decode()
    assert 'id="quarantine-empty"' in html
