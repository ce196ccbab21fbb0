"""Broadcasts as aired, recorded against the drawn slots: service, command, report, API, CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from psephos.ledger.models import Event
from psephos.media.errors import BroadcastFileInvalid
from psephos.media.models import Broadcast
from psephos.media.rules.draw import commitment
from psephos.media.selectors import airtime_report
from psephos.media.services.airtime import broadcasts_record, draw_commit, draw_run

from .conftest import ACTOR, Media
from .test_draw import SEED, _offer

KEY = "kz-test-presidential"
HEADER = "slot,candidate,aired_at,seconds,articles\n"


@pytest.fixture
def drawn(media: Media) -> dict[str, str]:
    election = media.country.election
    assert election is not None
    _offer(media)
    draw_commit(election=election, commitment_sha256=commitment(SEED), actor=ACTOR)
    return draw_run(election=election, seed=SEED, actor=ACTOR)


def test_recorded_broadcasts_count_against_the_entitlement(
    media: Media, drawn: dict[str, str], client: Client
) -> None:
    election = media.country.election
    assert election is not None
    one, two = drawn["kh-1"], drawn["kh-2"]
    by_outlet = HEADER + f"kh-1,{one},2022-11-01T20:00,450,\nkh-2,{two},2022-11-02T20:00,450,\n"
    by_monitor = (
        HEADER + f"kh-1,{one},2022-11-01T20:00,420,\nvl-1,{drawn['vl-1']},2022-11-01T09:00,,1\n"
    )
    assert (
        broadcasts_record(
            election=election,
            data=by_outlet.encode(),
            file_name="o.csv",
            source="outlet",
            actor=ACTOR,
        )
        == 2
    )
    broadcasts_record(
        election=election,
        data=by_monitor.encode(),
        file_name="m.csv",
        source="monitor",
        actor=ACTOR,
    )
    event = Event.objects.order_by("-seq").first()
    assert event is not None and event.action == "airtime_broadcasts.record"
    assert (event.payload["source"], event.payload["slots"]) == ("monitor", ["kh-1", "vl-1"])
    report = airtime_report(election=election)
    use = {u.candidate: u for u in report.candidates}
    assert use[one].entitled == (900, 600, 2)
    # The monitor's 420 s of kh-1 count, not the outlet's 450.
    assert use[one].aired[0] == 420 + (450 if two == one else 0)
    assert report.disagreements == ["kh-1"]
    html = client.get(f"/media/{KEY}/").content.decode()
    assert '<section id="airtime" data-state="drawn">' in html
    assert "Nothing drawn yet" not in html
    assert html.count('<tr data-candidate="abden">') == 3
    assert "kh-1" in html.split('id="airtime-disagreements"')[1]
    body = client.get(f"/api/v1/elections/{KEY}/media").json()["airtime"]
    assert body["state"] == "drawn"
    assert body["candidates"][0]["entitled"] == {"tv": 900, "radio": 600, "articles": 2}
    assert body["disagreements"] == ["kh-1"]
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/media/{KEY}/airtime.csv").content.decode()))
    )
    kh1 = next(r for r in rows if r["candidate"] == one and r["outlet"] == "khabar")
    assert (kh1["aired_by_outlet"], kh1["aired_by_monitor"]) == (
        str(450 + (450 if two == one else 0)),
        "420",
    )
    total = next(
        r for r in rows if r["candidate"] == one and r["outlet"] == "*" and r["medium"] == "tv"
    )
    assert (total["entitled"], total["used"]) == ("900", str(use[one].aired[0]))


def test_a_bad_file_is_refused_whole_with_line_and_column(
    media: Media, drawn: dict[str, str], tmp_path: Path
) -> None:
    election = media.country.election
    assert election is not None
    events = Event.objects.count()
    bad = (
        HEADER
        + f"kh-1,{drawn['kh-1']},2022-11-01T20:00,450,\nkh-2,{drawn['kh-2']},2022-11-02T20:00,451,\n"
    )
    with pytest.raises(BroadcastFileInvalid) as refused:
        broadcasts_record(
            election=election, data=bad.encode(), file_name="b.csv", source="outlet", actor=ACTOR
        )
    assert refused.value.data["problems"] == [
        {"line": 3, "column": "seconds", "code": "beyond_slot"}
    ]
    assert (Broadcast.objects.count(), Event.objects.count()) == (0, events)
    with pytest.raises(BroadcastFileInvalid) as source:
        broadcasts_record(
            election=election, data=bad.encode(), file_name="b.csv", source="party", actor=ACTOR
        )
    assert source.value.data["problems"] == [
        {"line": 1, "column": "source", "code": "unknown_choice"}
    ]
    path = tmp_path / "b.csv"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(CommandError) as command:
        call_command("media", "broadcasts", str(path), "--election", KEY, "--source", "outlet")
    assert str(command.value) == (
        "airtime_broadcast_file_invalid: b.csv is refused: 1 problem(s); nothing was stored.\n"
        "  b.csv line 3, column seconds: more than the slot offers"
    )
    path.write_text(HEADER + f"kh-1,{drawn['kh-1']},2022-11-01T20:00,450,\n", encoding="utf-8")
    call_command("media", "broadcasts", str(path), "--election", KEY, "--source", "outlet")
    with pytest.raises(CommandError) as twice:
        call_command("media", "broadcasts", str(path), "--election", KEY, "--source", "outlet")
    assert str(twice.value).endswith("b.csv line 2, column slot: recorded before")
