"""The guided count through the API: the legal order, each refusal, the relations."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from psephos.core import clock
from psephos.ledger.models import Event
from psephos.pollingday.models import CountRecord
from psephos.pollingday.rules.count import STEPS
from tests.support.country import Country

pytestmark = pytest.mark.django_db

KEY = "kz-test-presidential"
URL = f"/api/v1/elections/{KEY}/stations/KZ-01-0101/count"
ALMATY = dt.timezone(dt.timedelta(hours=6))
LABELS = {
    "voters_announced": "announce the voters on the list",
    "ballots_issued": "determine the ballots issued from the signatures",
    "unused_cancelled": "count and cancel the unused ballots",
    "mobile_opened": "open the mobile boxes",
    "stationary_opened": "open the stationary boxes",
    "ballots_counted": "count all ballots found before sorting",
    "piles_counted": "sort and count each pile, with the invalid ballots",
}
FIGURES = {
    "voters_announced": 1000,
    "ballots_issued": 700,
    "unused_cancelled": 310,
    "mobile_opened": 20,
    "stationary_opened": 690,
    "ballots_counted": 710,
}
PILES = {"abden": 50, "tokayev": 600, "against-all": 40, "invalid": 20}


def step(client: Client, **body: Any) -> Any:
    return client.post(URL, data=json.dumps(body), content_type="application/json")


def state() -> tuple[int, int]:
    return CountRecord.objects.count(), Event.objects.count()


@pytest.fixture
def pec(client: Client, country: Country, monkeypatch: pytest.MonkeyPatch) -> Client:
    client.force_login(country.users["KZ-01-0101"])
    when = dt.datetime(2022, 11, 20, 20, 30, tzinfo=ALMATY)
    monkeypatch.setattr(clock, "now", lambda: when)
    return client


@pytest.mark.parametrize("index", range(1, len(STEPS)))
def test_every_step_out_of_order_is_refused_naming_the_first(pec: Client, index: int) -> None:
    for name in STEPS[: index - 1]:
        body = {"piles": PILES} if name == "piles_counted" else {"figure": FIGURES[name]}
        assert step(pec, step=name, **body).status_code == 201
    before = state()
    skipped, first = STEPS[index], STEPS[index - 1]

    response = step(pec, step=skipped, figure=1, piles=PILES)

    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "count_step_out_of_order",
        "message": f"“{LABELS[skipped]}” cannot be recorded yet: “{LABELS[first]}” comes first.",
        "data": {"station": "KZ-01-0101", "step": skipped, "expected": first},
    }
    assert state() == before


def test_the_whole_count_gives_the_lines_and_names_the_relations(pec: Client) -> None:
    for name in STEPS[:-1]:
        observers = {"observers_present": 3} if name == "voters_announced" else {}
        assert step(pec, step=name, figure=FIGURES[name], **observers).status_code == 201
    before = state()
    bad = step(pec, step="piles_counted", piles={"tokayev": 1, "invalid": 0}).json()["error"]
    assert (
        bad["message"]
        == "Give a pile for each of abden, tokayev, against-all, invalid, each zero or more."
    )
    assert state() == before

    response = step(pec, step="piles_counted", piles=PILES)

    assert response.status_code == 201
    count = response.json()
    assert count["next_step"] is None
    assert count["lines"] == {
        "voters_on_list": 1000,
        "ballots_issued": 700,
        "ballots_cancelled": 310,
        "ballots_found": 710,
        "ballots_invalid": 20,
        "ballots_valid": 690,
    }
    assert count["relations"] == [
        {
            "relation": "C1",
            "message": "Ballots found in the boxes (710) exceed the ballots issued by the signatures (700).",
            "numbers": {"ballots_found": 710, "ballots_issued": 700},
            "line": "",
        }
    ]
    assert [s["step"] for s in count["steps"]] == list(STEPS)
    # The observers present at the count, as the PEC counted them at its first step.
    assert [s["observers_present"] for s in count["steps"]] == [3] + [None] * (len(STEPS) - 1)
    first = Event.objects.filter(action="count.step").order_by("seq").first()
    assert first is not None and first.payload["observers_present"] == 3
    page = Client().get(f"/results/{KEY}/stations/KZ-01-0101/").content.decode()
    assert '<li data-step="voters_announced" data-observers="3">' in page
    assert Client().get(URL).json() == count
    again = step(pec, step="piles_counted", piles=PILES).json()["error"]
    assert again["message"] == "The count of station KZ-01-0101 is complete."


def test_a_figure_is_required_where_the_station_keeps_no_list(pec: Client) -> None:
    assert step(pec, step="voters_announced", figure=1000).status_code == 201
    before = state()

    response = step(pec, step="ballots_issued")

    assert response.status_code == 422
    assert response.json()["error"]["message"] == (
        "Give the figure of “determine the ballots issued from the signatures” (zero or more)."
    )
    assert state() == before
