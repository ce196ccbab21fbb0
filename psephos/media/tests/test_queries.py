"""The election's media API reads a fixed number of queries, whatever the records' number."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from psephos.media.rules.draw import commitment
from psephos.media.services.airtime import broadcasts_record, draw_commit, draw_run
from psephos.media.services.debates import DebateSpec, debate_record
from psephos.media.services.paid import ads_record, rates_publish

from .conftest import ACTOR, Media
from .test_debates import AT
from .test_draw import SEED, _offer
from .test_paid import ADS, RATES

KEY = "kz-test-presidential"


def _queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/api/v1/elections/{KEY}/media").status_code == 200
    return len(captured)


def test_the_api_reads_a_fixed_number_of_queries(media: Media, client: Client) -> None:
    election = media.country.election
    assert election is not None
    _offer(media)
    draw_commit(election=election, commitment_sha256=commitment(SEED), actor=ACTOR)
    drawn = draw_run(election=election, seed=SEED, actor=ACTOR)
    rates_publish(election=election, data=RATES.encode(), file_name="r.csv", actor=ACTOR)
    header = "slot,candidate,aired_at,seconds,articles\n"
    first = header + f"kh-1,{drawn['kh-1']},2022-11-01T20:00,450,\n"
    broadcasts_record(
        election=election, data=first.encode(), file_name="b.csv", source="outlet", actor=ACTOR
    )
    ads_record(election=election, data=ADS.encode(), file_name="a.csv", actor=ACTOR)
    debate_record(
        election=election,
        spec=DebateSpec("cec-1", AT, "khabar", {"abden": "attended"}),
        actor=ACTOR,
    )
    few = _queries(client)
    more = header + "".join(
        f"kh-{d},{drawn[f'kh-{d}']},2022-11-0{d}T20:00,400,\n" for d in (2, 3, 4)
    )
    broadcasts_record(
        election=election, data=more.encode(), file_name="c.csv", source="monitor", actor=ACTOR
    )
    extra = (
        ADS.splitlines()[0]
        + "\n"
        + "".join(f"x-{n},khabar,abden,prime-spot,2022-11-0{n},30,,300000\n" for n in range(1, 8))
    )
    ads_record(election=election, data=extra.encode(), file_name="x.csv", actor=ACTOR)
    debate_record(
        election=election,
        spec=DebateSpec("cec-2", AT, "vlast", {"tokayev": "declined"}),
        actor=ACTOR,
    )
    assert _queries(client) == few
    assert few <= 20
