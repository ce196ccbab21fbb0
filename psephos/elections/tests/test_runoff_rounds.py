"""A runoff's lists carry over from its first round, and the two rounds link to each other."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from psephos.commissions.models import Commission
from psephos.core import clock
from psephos.elections.models import Election
from psephos.ledger.models import Event
from psephos.results.selectors.nist import nist_export
from psephos.results.services.tabulation import tally_recompute
from psephos.results.tests.factories import good_lines, protocol_make, small_country
from psephos.voters import iin_hash as iin_hash_module
from psephos.voters.models import ListEntry
from psephos.voters.services.lists import list_extract
from psephos.voters.services.register import register_import
from psephos.voters.services.register_update import register_update
from psephos.voters.tests.conftest import person_rows, write_csv

KEY = "kz-test-presidential"
RUNOFF = f"{KEY}-runoff"
UPDATE_HEADER = "change,iin,surname,given_name,patronymic,birth_date,sex,station,status,reason\n"


@pytest.fixture
def rounds(db, key_dir, tmp_path):
    """A certified first round with a register of five voters and its lists, where
    nobody has a majority; then a register update after the first round."""
    iin_hash_module._key.cache_clear()
    country = small_country()
    codes = [pec.station.code for pec in country.pecs]
    rows = [
        *person_rows(3, station=codes[0]),  # V0, V1, V2 at the first station
        *person_rows(1, station=codes[1], start=10),  # V3 at the second
    ]
    register_import(
        geography=country.geography,
        path=write_csv(tmp_path / "register.csv", rows),
        report_path=tmp_path / "e.csv",
        actor="system:cec",
    )
    assert list_extract(election=country.election, actor="system:cec") == 4
    for pec in Commission.objects.filter(level="pec"):
        protocol_make(country, pec, good_lines(country.option_keys()))
    tally_recompute(election=country.election)
    Election.objects.filter(pk=country.election.pk).update(status="certified")
    # After the first round: V1 moves to the third station, V2 dies, V4 is new.
    iins = [r.split(",")[0] for r in rows]
    v1, v4 = rows[1].replace(codes[0], codes[2]), person_rows(1, station=codes[3], start=20)[0]
    delta = [
        f"change,{v1.rstrip()},\n",
        f"remove,{iins[2]},,,,,,,,death\n",
        f"add,{v4.rstrip()},\n",
    ]
    (tmp_path / "delta.csv").write_text(UPDATE_HEADER + "".join(delta), encoding="utf-8")
    result = register_update(
        geography=country.geography,
        path=tmp_path / "delta.csv",
        report_path=tmp_path / "d.csv",
        actor="system:cec",
    )
    assert result.lists == {}  # the certified first round's lists stay as they were
    return country, codes, [*iins, v4.split(",")[0]]


def runoff_entries(iins, geography_id):
    from psephos.voters.iin_hash import iin_hash

    keys = {iin_hash(iin, geography_id): n for n, iin in enumerate(iins)}
    return sorted(
        (keys[e.voter.iin_hash], e.station.code, e.source, e.removed_reason)
        for e in ListEntry.objects.filter(election__key=RUNOFF).select_related("voter", "station")
    )


def test_the_runoff_carries_the_lists_over_with_the_register_changes(rounds, monkeypatch, tmp_path):
    country, codes, iins = rounds
    out = StringIO()
    call_command("runoff", KEY, "--voting-day", "2022-12-18", stdout=out)
    assert out.getvalue() == (
        f"Created {RUNOFF} on 2022-12-18 between tokayev, abden.\nExtracted 4 list entries.\n"
    )
    # V0 and V3 where they were, V1 at their new address, V2 (died) off, V4 (new) on.
    assert runoff_entries(iins, country.geography.pk) == [
        (0, codes[0], "carried_over", ""),
        (1, codes[2], "carried_over", ""),
        (3, codes[1], "carried_over", ""),
        (4, codes[3], "carried_over", ""),
    ]
    event = Event.objects.filter(action="voters.lists_extracted").latest("seq")
    assert (event.object_key, event.payload) == (RUNOFF, {"entries": 4, "first_round": KEY})
    # The runoff is open: a later update moves V0 on its lists.
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2022, 12, 1, 6, 0, tzinfo=dt.UTC))
    v0 = person_rows(3, station=codes[0])[0].replace(codes[0], codes[1]).rstrip()
    (tmp_path / "later.csv").write_text(UPDATE_HEADER + f"change,{v0},\n", encoding="utf-8")
    result = register_update(
        geography=country.geography,
        path=tmp_path / "later.csv",
        report_path=tmp_path / "l.csv",
        actor="system:cec",
    )
    assert list(result.lists) == [RUNOFF]
    assert runoff_entries(iins, country.geography.pk)[:2] == [
        (0, codes[0], "carried_over", "register_moved"),
        (0, codes[1], "register_update", ""),
    ]


def test_the_rounds_link_each_other_on_pages_and_exports(rounds):
    _country, codes, _iins = rounds
    call_command("runoff", KEY, "--voting-day", "2022-12-18", stdout=StringIO())
    client = Client()
    for key, other, text in (
        (KEY, RUNOFF, "This election went to a second round (runoff):"),
        (RUNOFF, KEY, "Second round (runoff). First round:"),
    ):
        national = client.get(f"/e/{key}/").content.decode()
        assert f'data-other-round="{other}"' in national and text in national
        assert f'href="/e/{other}/"' in national
        pec = client.get(f"/e/{key}/c/{codes[0]}/").content.decode()
        assert f'href="/e/{other}/c/{codes[0]}/"' in pec
        station = client.get(f"/results/{key}/stations/{codes[0]}/").content.decode()
        assert f'href="/results/{other}/stations/{codes[0]}/"' in station
        relation = "runoff" if key == KEY else "first_round"
        response = client.get(f"/api/v1/elections/{key}/export/station?format=csv")
        assert response["Link"] == (
            f'</api/v1/elections/{other}/export/station?format=csv>; rel="related";'
            f' title="{relation}"'
        )
        assert next(csv.reader(io.StringIO(response.content.decode())))[0] == "station"
        document = json.loads(
            client.get(f"/api/v1/elections/{key}/export/national?format=json").content
        )
        assert document[relation] == other
        election = Election.objects.get(key=key)
        report = nist_export(
            election=election, sequence=1, generated=dt.datetime(2022, 12, 19, tzinfo=dt.UTC)
        )
        ids = report["Election"][0]["ExternalIdentifier"]
        assert [(i["OtherType"], i["Value"]) for i in ids] == [
            ("psephos-election", key),
            (f"psephos-{relation.replace('_', '-')}", other),
        ]
    # An election without a second round shows no link.
    Election.objects.filter(key=RUNOFF).delete()
    cache.clear()  # deleted behind the ledger's back: the page cache cannot know
    assert "data-other-round" not in client.get(f"/e/{KEY}/").content.decode()
