"""A ballot issued from the portable box marks the voter's list entry: no second ballot."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from psephos.ledger.models import Event
from psephos.pollingday.models import MobileBallot
from psephos.voters.errors import AlreadyMarked
from psephos.voters.models import Mark
from psephos.voters.tests.conftest import (  # noqa: F401 (fixtures)
    A,
    B,
    World,
    _iin_key,
    at,
    listed,
    mark,
    world,
)

pytestmark = pytest.mark.django_db

ALMATY = dt.timezone(dt.timedelta(hours=6))
TRIP = {
    "box_serial": "M-1",
    "members": ["member", "secretary"],
    "left_at": "2022-11-20T11:00:00+06:00",
    "returned_at": "2022-11-20T12:30:00+06:00",
}


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    url = f"/api/v1/elections/kz-2022-presidential/stations/KZ-75-0001/{path}"
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _state() -> tuple[int, int, int]:
    return MobileBallot.objects.count(), Mark.objects.count(), Event.objects.count()


def test_the_mobile_ballot_marks_the_list_and_a_second_ballot_is_refused_either_way(
    listed: World,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pec = Client()
    pec.force_login(listed.pec[0])  # type: ignore[attr-defined]
    at(monkeypatch, dt.datetime(2022, 11, 19, 10, 0, tzinfo=ALMATY))
    for text in ("A., Abai St 1", "B., farm 7"):
        assert (
            _post(pec, "mobile/applications", {"grounds": "health", "text": text}).status_code
            == 201
        )
    at(monkeypatch, dt.datetime(2022, 11, 20, 10, 0, tzinfo=ALMATY))
    mark(listed, 1, B)  # B voted at the station at 10:00
    assert _post(pec, "mobile/trips", TRIP).status_code == 201
    ballot = {"application": 1, "trip": 1, "issued_at": "2022-11-20T11:30:00+06:00"}
    before = _state()

    missing = _post(pec, "mobile/ballots", ballot)
    assert missing.status_code == 422
    assert [e["code"] for e in missing.json()["error"]["data"]["errors"]] == ["iin_missing"]
    assert _state() == before

    issued = _post(pec, "mobile/ballots", {**ballot, "iin": A})
    assert issued.status_code == 201
    marked = Mark.objects.get(voter__entries__station=listed.stations[0], mobile=True)  # type: ignore[attr-defined]
    assert marked.at == dt.datetime(2022, 11, 20, 11, 30, tzinfo=ALMATY)
    event = Event.objects.get(action="mobile.ballot")
    assert event.payload["list_marked"] is True
    assert A not in json.dumps(event.payload)
    # A cannot be given a ballot again at the station: the list says the mobile box.
    with pytest.raises(AlreadyMarked) as again:
        mark(listed, 1, A)
    assert again.value.data == {"station": "KZ-75-0001", "time": "11:30"}

    # B voted at the station: a ballot from the box for B is refused, nothing written.
    before = _state()
    refused = _post(pec, "mobile/ballots", {**ballot, "application": 2, "iin": B})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "already_marked"
    assert refused.json()["error"]["data"] == {"station": "KZ-75-0001", "time": "10:00"}
    assert _state() == before
    assert list(Mark.objects.filter(mobile=True).values_list("pk", flat=True)) == [marked.pk]
