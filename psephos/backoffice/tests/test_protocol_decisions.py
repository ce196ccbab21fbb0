"""A protocol correction proposed by one TEC operator is confirmed by another on the back
office's decision page, which applies it through the results service (issue 16 item 2)."""

from __future__ import annotations

import pytest
from django.test import Client

from psephos.commissions.models import Decision
from psephos.ledger.models import Event
from psephos.results.models import ProtocolVersion
from psephos.results.services.decisions import protocol_correct_by_decision
from psephos.results.tests.factories import (
    DECISION_DAY,
    DECISION_DOCUMENT,
    decision_country,
    moved_lines,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("key_dir")]


def _url() -> str:
    return f"/staff/office/decisions/{Decision.objects.get(number='12').pk}/"


@pytest.fixture
def proposed():  # type: ignore[no-untyped-def]
    c = decision_country(regions=1, districts=1)
    protocol_correct_by_decision(
        user=c.users["KZ-01-01"], election=c.election, station_code="KZ-01-0101", number="12",
        date=DECISION_DAY, reasons="Line 9 mis-added.", document=DECISION_DOCUMENT,
        lines=moved_lines(c), votes_for=5, votes_against=1, present=6,
    )  # fmt: skip
    return c, c.users["KZ-01-01#2"]


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_second_operator_confirms_a_correction_on_the_page(proposed) -> None:  # type: ignore[no-untyped-def]
    _c, second = proposed
    page = _client(second).get(_url())
    assert page.status_code == 200
    assert "It corrects the results protocol of polling station KZ-01-0101" in page.text
    versions = ProtocolVersion.objects.count()
    response = _client(second).post(f"{_url()}confirm/", {"confirm": "on"})
    assert response.status_code == 302
    assert Decision.objects.get(number="12").status == "confirmed"
    assert ProtocolVersion.objects.count() == versions + 1


def test_the_proposer_cannot_confirm_it(proposed) -> None:  # type: ignore[no-untyped-def]
    c, _second = proposed
    before = (ProtocolVersion.objects.count(), Event.objects.count())
    response = _client(c.users["KZ-01-01"]).post(f"{_url()}confirm/", {"confirm": "on"})
    assert response.status_code == 403
    assert Decision.objects.get(number="12").status == "pending"
    assert (ProtocolVersion.objects.count(), Event.objects.count()) == before
