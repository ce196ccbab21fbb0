"""A registered candidate's page shows the fund's totals and the free airtime that the
finance and media apps publish (``candidates.hooks``), on the smallest simulated 2022
election with its funds and media, and links both reports."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from psephos.candidates.enums import NominationStatus
from psephos.candidates.models import Nomination
from psephos.elections.models import Election
from psephos.finance.disclosure import election_disclosure
from psephos.media.selectors import airtime_report

pytestmark = pytest.mark.django_db
KEY = "kz-2022-presidential"


@pytest.mark.once
def test_a_registered_candidate_page_shows_the_fund_and_airtime_the_apps_publish(
    client, key_dir: object, django_assert_max_num_queries
) -> None:
    # The smallest country with the funds and the media monitoring (the airtime draw).
    smallest = "--scale 0.001 --candidates 0.05 --no-progress --no-mission"
    call_command("simulate", KEY, *smallest.split(), stdout=StringIO())
    election = Election.objects.get(key=KEY)
    funds = {d.fund.key: d for d in election_disclosure(election=election, itemised=slice(0, 0))}
    report = airtime_report(election=election)
    assert report.state == "drawn"
    airtime = {u.candidate: u for u in report.candidates}
    assert set(funds) == set(airtime) and len(funds) == 6

    for key, d in funds.items():
        # The page's own reads, the fund's (one lookup and the disclosure's ten) and the
        # airtime report's five: 24, whatever the number of receipts or slots.
        with django_assert_max_num_queries(24):
            response = client.get(f"/candidates/{KEY}/{key}/", HTTP_ACCEPT_LANGUAGE="ru")
        assert response.status_code == 200
        html = response.content.decode()
        assert re.findall(r'data-received="([^"]+)"', html) == [str(d.received)]
        assert re.findall(r'data-spent="([^"]+)"', html) == [str(d.spent)]
        assert [int(n) for n in re.findall(r'data-allocated="(\d+)"', html)] == list(
            airtime[key].allocated
        )
        assert [int(n) for n in re.findall(r'data-aired="(\d+)"', html)] == list(airtime[key].aired)
        assert "Избирательный фонд" in html
        [fund_link] = re.findall(r'id="fund-link" href="([^"]+)"', html)
        [airtime_link] = re.findall(r'id="airtime-link" href="([^"]+)"', html)
        assert fund_link == f"/finance/{KEY}/{key}/"
        assert client.get(fund_link).status_code == 200
        assert airtime_link == f"/media/{KEY}/#airtime"
    assert sum(sum(u.allocated) for u in airtime.values()) > 0
    assert any(d.received for d in funds.values())
    assert client.get(airtime_link.split("#")[0]).status_code == 200

    # A refused nominee's page has neither block.
    html = client.get(f"/candidates/{KEY}/zhanabayev/").content.decode()
    assert 'id="fund"' not in html and 'id="airtime"' not in html

    # A candidate who left the race keeps the fund's block (its money stays accountable),
    # not the airtime; one who left without a fund shows neither.
    gone = sorted(funds)[0]
    Nomination.objects.filter(election=election, key=gone).update(
        status=NominationStatus.DEREGISTERED
    )
    Nomination.objects.filter(election=election, key="zhanabayev").update(
        status=NominationStatus.WITHDRAWN
    )
    html = client.get(f"/candidates/{KEY}/{gone}/").content.decode()
    assert re.findall(r'id="fund-link" href="([^"]+)"', html) == [f"/finance/{KEY}/{gone}/"]
    assert re.findall(r'data-received="([^"]+)"', html) == [str(funds[gone].received)]
    assert 'id="airtime"' not in html
    html = client.get(f"/candidates/{KEY}/zhanabayev/").content.decode()
    assert 'id="fund"' not in html and 'id="airtime"' not in html
