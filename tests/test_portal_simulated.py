"""The portal over small simulated elections: every commission page answers, and the
determination reads as the reports say (Tokayev elected; the amendments adopted).
"""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client

from psephos.commissions.enums import CommissionLevel
from psephos.commissions.models import Commission
from psephos.elections.models import Election

# Runs once, in the SQLite half of make test: the walk checks links and pages; the pages' queries run on both engines in the page tests.
pytestmark = [pytest.mark.django_db, pytest.mark.once]


def simulate(key: str) -> Election:
    call_command("simulate", key, "--scale", "0.01", "--seed", "1", "--no-progress", stdout=None)
    return Election.objects.get(key=key)


def visible(html: bytes) -> str:
    body = html.decode()
    body = re.sub(r"<[^>]+>", " ", body[body.index("<main") :])
    return re.sub(r"\s+", " ", body)


def test_presidential_every_unit_and_tec_page_and_one_pec_per_tec(client: Client) -> None:
    election = simulate("kz-2022-presidential")
    national = client.get(f"/e/{election.key}/")
    assert national.status_code == 200
    text = visible(national.content)
    assert "Determination: Elected in the first round" in text
    assert "Elected: Kassym-Jomart Tokayev" in text
    commissions = Commission.objects.filter(geography_id=election.geography_id)
    regions = list(commissions.filter(level=CommissionLevel.TEC_REGION))
    assert len(regions) == 20
    for region in regions:
        assert f'href="/e/{election.key}/c/{region.code}/"' in national.content.decode()
    pages = 0
    for tec in commissions.exclude(level__in=[CommissionLevel.CEC, CommissionLevel.PEC]):
        response = client.get(f"/e/{election.key}/c/{tec.code}/")
        assert response.status_code == 200, tec.code
        pages += 1
        pec = commissions.filter(parent=tec, level=CommissionLevel.PEC).first()
        if pec is not None:
            page = client.get(f"/e/{election.key}/c/{pec.code}/")
            assert page.status_code == 200, pec.code
            assert "Results protocol accepted · version 1" in visible(page.content), pec.code
    assert pages > 20


def test_referendum_determination_and_both_marked(client: Client) -> None:
    election = simulate("kz-2022-referendum")
    response = client.get(f"/e/{election.key}/")
    assert response.status_code == 200
    text = visible(response.content)
    assert "Determination: Adopted" in text
    assert "“Yes” has a majority in 17 of 17 first-level units; 12 are required." in text
    assert "Valid ballots with both options marked (counted for neither):" in text
    assert re.search(r'<li class="winner" data-option="yes">', response.content.decode())
