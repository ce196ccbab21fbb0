"""The PEC's log book: kept on its page and through the API, append-only, published per profile."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from psephos.core import clock
from psephos.elections.models import Election
from psephos.ledger.actors import text_digest
from psephos.ledger.models import Event
from psephos.pollingday.models import LogEntry
from psephos.pollingday.rules.logbook import entry_problems
from tests.support.country import Country

pytestmark = pytest.mark.django_db

KEY = "kz-test-presidential"
API = f"/api/v1/elections/{KEY}/stations/KZ-01-0101/logbook"
PAGE = f"/pollingday/{KEY}/stations/KZ-01-0101/"
STATION = f"/results/{KEY}/stations/KZ-01-0101/"
ALMATY = dt.timezone(dt.timedelta(hours=6))


def freeze(monkeypatch: pytest.MonkeyPatch, hour: int, minute: int, day: int = 20) -> None:
    when = dt.datetime(2022, 11, day, hour, minute, tzinfo=ALMATY)
    monkeypatch.setattr(clock, "now", lambda: when)


def post(client: Client, url: str = API, **body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def state() -> tuple[int, int]:
    return LogEntry.objects.count(), Event.objects.count()


def test_entries_are_numbered_with_their_digest_in_the_ledger_and_read_back(
    client: Client, country: Country, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(country.users["KZ-01-0101"])
    freeze(monkeypatch, 11, 40)

    first = post(
        client,
        kind="observer_remark",
        text="  Observer of party A: the queue was not let in at 11:20.  ",
        occurred_at="2022-11-20T11:25:00",
    )
    second = post(client, kind="break", text="Break 11:30–11:35, the box stayed sealed.")

    assert first.status_code == 201
    assert second.status_code == 201
    assert first.json()["number"] == 1
    assert first.json()["occurred_at"] == "2022-11-20T05:25:00Z"
    assert second.json()["number"] == 2
    assert second.json()["occurred_at"] == "2022-11-20T05:40:00Z"
    events = list(Event.objects.filter(action="logbook.entry").order_by("seq"))
    assert [e.object_key for e in events] == [f"{KEY}/KZ-01-0101/1", f"{KEY}/KZ-01-0101/2"]
    assert events[0].payload == {
        "election": KEY,
        "station": "KZ-01-0101",
        "number": 1,
        "kind": "observer_remark",
        "occurred_at": "2022-11-20T11:25:00+06:00",
        "text_digest": text_digest("Observer of party A: the queue was not let in at 11:20."),
    }
    assert "queue" not in json.dumps(events[0].payload)
    client.logout()
    read = client.get(API)
    assert read.status_code == 200
    assert [(e["number"], e["kind"], e["text"], e["event_seq"]) for e in read.json()] == [
        (
            1,
            "observer_remark",
            "Observer of party A: the queue was not let in at 11:20.",
            events[0].seq,
        ),
        (2, "break", "Break 11:30–11:35, the box stayed sealed.", events[1].seq),
    ]
    page = client.get(STATION).content.decode()
    assert '<section id="logbook" data-entries="2">' in page
    assert '<tr data-number="1" data-kind="observer_remark">' in page
    assert "Observer of party A: the queue was not let in at 11:20." in page


def test_entries_cannot_be_changed(country: Country, client: Client, monkeypatch: Any) -> None:
    client.force_login(country.users["KZ-01-0101"])
    freeze(monkeypatch, 9, 0)
    assert post(client, kind="incident", text="Lamp failed.").status_code == 201
    entry = LogEntry.objects.get()
    before = state()

    entry.text = "Nothing happened."
    with pytest.raises(ValueError, match="never changed"):
        entry.save()

    assert LogEntry.objects.get().text == "Lamp failed."
    assert client.put(API, data="{}", content_type="application/json").status_code == 405
    assert state() == before


def test_refusals_name_every_problem_and_write_nothing(
    client: Client, country: Country, monkeypatch: pytest.MonkeyPatch
) -> None:
    freeze(monkeypatch, 9, 0)
    client.force_login(country.users["KZ-01-0101"])
    before = state()

    blank = post(client, kind="incident", text="   ", occurred_at="2022-11-20T10:00:00+06:00")
    early = post(client, kind="incident", text="x", occurred_at="2022-11-19T20:00:00+06:00")
    other = post(client, url=API.replace("0101", "0102"), kind="incident", text="x")
    client.force_login(country.users["KZ-01-0102"])
    not_theirs = post(client, kind="incident", text="x")

    assert blank.status_code == 422
    assert blank.json()["error"]["code"] == "log_entry_invalid"
    assert blank.json()["error"]["data"]["errors"] == [
        {"field": "text", "code": "text_empty", "message": "Write what happened."},
        {
            "field": "occurred_at",
            "code": "in_future",
            "message": "The time cannot be later than now.",
        },
    ]
    assert early.status_code == 422
    assert [e["code"] for e in early.json()["error"]["data"]["errors"]] == ["not_voting_day"]
    assert other.status_code == 403
    assert not_theirs.status_code == 403
    assert state() == before


def test_a_profile_that_keeps_the_log_book_to_the_commission(
    client: Client, country: Country, monkeypatch: pytest.MonkeyPatch
) -> None:
    Election.objects.filter(key=KEY).update(profile_overrides={"logbook_public": False})
    freeze(monkeypatch, 9, 0)
    client.force_login(country.users["KZ-01-0101"])
    assert post(client, kind="instruction", text="TEC: open the second box.").status_code == 201

    own = client.get(API)
    client.force_login(country.users["KZ-01-0102"])
    neighbour = client.get(API)
    client.logout()
    public = client.get(API)
    page = client.get(STATION).content.decode()

    assert [e["text"] for e in own.json()] == ["TEC: open the second box."]
    assert neighbour.status_code == 403
    assert public.status_code == 403
    assert public.json()["error"]["code"] == "logbook_not_public"
    assert 'id="logbook"' not in page
    assert "TEC: open the second box." not in page


def test_the_pec_keeps_its_log_book_on_its_page_in_kazakh(
    client: Client, country: Country, monkeypatch: pytest.MonkeyPatch
) -> None:
    client.force_login(country.users["KZ-01-0101"])
    freeze(monkeypatch, 0, 30, day=21)  # the count ran past midnight

    added = client.post(
        PAGE,
        {"action": "logbook", "kind": "box_replaced", "occurred": "00:10", "text": "Box S-2 full."},
    )
    before = state()
    refused = client.post(PAGE, {"action": "logbook", "kind": "gossip", "text": "x"})
    future = client.post(
        PAGE, {"action": "logbook", "kind": "incident", "occurred": "01:00", "text": "x"}
    )

    assert added.status_code == 302
    assert list(LogEntry.objects.values_list("number", "kind", "text")) == [
        (1, "box_replaced", "Box S-2 full.")
    ]
    assert LogEntry.objects.get().occurred_at == dt.datetime(2022, 11, 21, 0, 10, tzinfo=ALMATY)
    assert refused.status_code == 422
    assert (
        "Choose the kind of entry from the list and give the time as HH:MM."
        in refused.content.decode()
    )
    assert future.status_code == 422
    assert "The time cannot be later than now." in future.content.decode()
    assert state() == before
    kk = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert '<tr data-number="1" data-kind="box_replaced">' in kk
    assert "<td>00:10</td>" not in kk  # the time is a <time> element
    assert '<time datetime="2022-11-20T18:10:00+00:00">00:10</time>' in kk


def test_entry_rules() -> None:
    day = dt.date(2022, 11, 20)
    now = dt.datetime(2022, 11, 20, 12, 0)

    assert entry_problems(text="ok", occurred_local=now, local_now=now, voting_day=day) == []
    assert entry_problems(
        text="x" * 2001,
        occurred_local=dt.datetime(2022, 11, 22, 1, 0),
        local_now=now,
        voting_day=day,
    ) == [("text", "text_too_long"), ("occurred_at", "not_voting_day")]
    assert entry_problems(
        text="x" * 2000,
        occurred_local=dt.datetime(2022, 11, 20, 12, 1),
        local_now=now,
        voting_day=day,
    ) == [("occurred_at", "in_future")]
