"""The CEC-organised debate as a record: service, command, page and API."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from psephos.ledger.models import Event
from psephos.media.errors import DebateInvalid, KeyTaken
from psephos.media.models import Debate, DebateParticipant
from psephos.media.rules.debate import debate_problems
from psephos.media.services.debates import DebateSpec, debate_record

from .conftest import ACTOR, Media

KEY = "kz-test-presidential"
AT = dt.datetime(2022, 11, 11, 20, 0, tzinfo=ZoneInfo("Asia/Almaty"))


def test_every_wrong_field_is_named() -> None:
    assert debate_problems("Bad Key", False, {"x": "maybe"}, ["abden"]) == [
        ("key", "key"),
        ("outlet", "no_such_outlet"),
        ("participants.x", "unknown_candidate"),
        ("participants.x", "unknown_choice"),
    ]
    assert debate_problems("cec-1", True, {}, ["abden"]) == [("participants", "required")]
    assert debate_problems("cec-1", True, {"abden": "attended"}, ["abden"]) == []


def test_recorded_and_shown(media: Media, client: Client) -> None:
    election = media.country.election
    assert election is not None
    events = Event.objects.count()
    with pytest.raises(DebateInvalid) as refused:
        debate_record(
            election=election,
            spec=DebateSpec("cec-1", AT, "khabar", {"abden": "attended", "nobody": "attended"}),
            actor=ACTOR,
        )
    assert refused.value.data["errors"] == [
        {"field": "participants.nobody", "code": "unknown_candidate"}
    ]
    assert (Debate.objects.count(), Event.objects.count()) == (0, events)
    debate_record(
        election=election,
        spec=DebateSpec("cec-1", AT, "khabar", {"abden": "attended", "tokayev": "represented"}),
        actor=ACTOR,
    )
    event = Event.objects.order_by("-seq").first()
    assert event is not None and event.action == "debate.record"
    assert event.payload["answers"] == {"abden": "attended", "tokayev": "represented"}
    with pytest.raises(KeyTaken):
        debate_record(
            election=election,
            spec=DebateSpec("cec-1", AT, "khabar", {"abden": "declined"}),
            actor=ACTOR,
        )
    html = client.get(f"/media/{KEY}/").content.decode()
    assert '<h3 data-debate="cec-1">2022-11-11 20:00 · Khabar</h3>' in html
    assert '<tr data-candidate="tokayev" data-answer="represented">' in html
    body = client.get(f"/api/v1/elections/{KEY}/media").json()["debates"]
    assert body == [
        {
            "key": "cec-1",
            "held_at": "2022-11-11T20:00:00+06:00",
            "outlet": "khabar",
            "participants": [
                {"candidate": "abden", "answer": "attended"},
                {"candidate": "tokayev", "answer": "represented"},
            ],
        }
    ]
    client.cookies["django_language"] = "ru"
    assert "направил представителя" in client.get(f"/media/{KEY}/").content.decode()


def _debate(key: str, at: str, outlet: str, participants: str) -> None:
    call_command(
        "media", "debate", KEY, "--key", key, "--at", at, "--outlet", outlet,
        "--participants", participants,
    )  # fmt: skip


def test_the_command(media: Media) -> None:
    _debate("cec-1", "2022-11-11T20:00", "khabar", "abden=declined, tokayev=absent")
    debate = Debate.objects.get()
    assert debate.held_at == AT
    assert dict(DebateParticipant.objects.values_list("candidate", "answer")) == {
        "abden": "declined",
        "tokayev": "absent",
    }
    with pytest.raises(CommandError) as bad:
        _debate("cec-2", "11 Nov", "khabar", "abden=attended")
    assert str(bad.value) == (
        "debate_invalid: The time is a local date and time as YYYY-MM-DDTHH:MM."
    )
    with pytest.raises(CommandError) as outlet:
        _debate("cec-2", "2022-11-11T20:00", "ktk", "abden=attended")
    assert str(outlet.value).startswith(
        "debate_invalid: The debate is refused: outlet: no outlet has this key."
    )
