"""An incident description is at most 10,000 characters (issue 16: 300,000 were stored)."""

from __future__ import annotations

import json

import pytest

from psephos.accounts.services.tokens import api_token_create
from psephos.ledger.models import Event
from psephos.observation.models import Incident

from .factories import observed_country

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("length", "stored"), [(10_000, 1), (10_001, 0), (300_000, 0)])
def test_an_incident_description_has_a_length_limit(client, length: int, stored: int) -> None:
    o = observed_country()
    token = api_token_create(user=o.observer_user)[1]
    events = Event.objects.count()
    body = {
        "election": "kz-test-presidential",
        "category": "ballot_stuffing",
        "description": "x" * length,
        "station": "KZ-01-0101",
    }
    r = client.post(
        "/api/v1/observation/incidents",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert Incident.objects.count() == stored
    if stored:
        assert r.status_code == 201
        return
    assert (r.status_code, r.json()["error"]["data"]["errors"]) == (
        422,
        [{"where": "description", "message": "The description has more than 10,000 characters."}],
    )
    assert Event.objects.count() == events
