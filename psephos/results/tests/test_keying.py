"""Double entry of paper protocols at the TEC, and attachments of the signed paper protocol."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from psephos.accounts.enums import Role
from psephos.accounts.services.tokens import api_token_create
from psephos.core.errors import PermissionDenied
from psephos.ledger.models import Event
from psephos.results.errors import ProtocolAlreadySubmitted, ProtocolBreaksRelations
from psephos.results.models import (
    KeyedEntry,
    Protocol,
    ProtocolAttachment,
    ProtocolRefusal,
    ProtocolVersion,
    Tally,
)
from psephos.results.services.keying import (
    AttachmentRefused,
    SameOperator,
    protocol_attach,
    protocol_key,
)
from psephos.results.services.protocols import protocol_submit
from psephos.results.services.tabulation import tally_recompute

from .factories import UserFactory, good_lines, small_country

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("key_dir")]

KEY = "kz-test-presidential"
STATION = "KZ-01-0101"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.fixture
def country():
    c = small_country(regions=1, districts=1)
    tally_recompute(election=c.election)
    tec = c.tecs[0]
    for name in ("op2", "op3"):
        c.users[name] = UserFactory(username=f"tec-{name}", role=Role.TEC_OPERATOR, commission=tec)
    return c


def key(c, who, lines=None, station=STATION):
    return protocol_key(
        user=c.users[who],
        election=c.election,
        station_code=station,
        lines=lines or good_lines(c.option_keys()),
    )


def off_by(c, n=10):
    lines = good_lines(c.option_keys())
    votes = dict(lines.votes)
    votes["abden"] += n
    return dataclasses.replace(
        lines,
        ballots_valid=lines.ballots_valid + n,
        ballots_invalid=lines.ballots_invalid - n,
        votes=votes,
    )


def test_two_matching_entries_submit_with_source_tec(country):
    first = key(country, "KZ-01-01")
    assert (first.state, first.entries) == ("awaiting_second", 1)
    assert not Protocol.objects.exists()
    second = key(country, "op2")
    assert (second.state, second.version) == ("submitted", 1)
    protocol = Protocol.objects.get(commission__code=STATION)
    assert protocol.status == "submitted"
    assert protocol.current.source == "tec"
    assert protocol.current.ballots_valid == 600
    assert (
        list(KeyedEntry.objects.values_list("version_id", flat=True)) == [protocol.current_id] * 2
    )
    tally = Tally.objects.get(election=country.election, commission=country.cec)
    assert tally.received == 1
    event = Event.objects.filter(action="protocol.submit").get()
    assert event.payload["source"] == "tec"


def test_same_operator_cannot_key_twice(country):
    key(country, "KZ-01-01")
    with pytest.raises(SameOperator):
        key(country, "KZ-01-01")
    assert KeyedEntry.objects.count() == 1


def test_mismatch_lists_lines_then_third_operator_resolves(country):
    key(country, "KZ-01-01")
    out = key(country, "op2", off_by(country))
    assert out.state == "mismatch"
    assert out.differences == ["ballots_invalid", "ballots_valid", "votes.abden"]
    assert not Protocol.objects.exists()
    assert Event.objects.get(action="protocol.key.mismatch").payload["lines"] == out.differences
    for who in ("KZ-01-01", "op2"):
        with pytest.raises(SameOperator):
            key(country, who)
    resolved = key(country, "op3", off_by(country))
    assert (resolved.state, resolved.version) == ("submitted", 1)
    assert Protocol.objects.get().current.ballots_valid == 610
    assert KeyedEntry.objects.filter(kind="resolution").count() == 1


def test_matching_entries_breaking_relations_are_refused_and_round_restarts(country):
    bad = dataclasses.replace(good_lines(country.option_keys()), ballots_valid=1)
    key(country, "KZ-01-01", bad)
    with pytest.raises(ProtocolBreaksRelations):
        key(country, "op2", bad)
    assert not Protocol.objects.exists()
    refusal = ProtocolRefusal.objects.get()
    assert refusal.station_code == STATION
    assert Event.objects.filter(action="protocol.refuse").count() == 1
    assert KeyedEntry.objects.filter(refused=True).count() == 2
    assert key(country, "KZ-01-01").state == "awaiting_second"
    assert key(country, "op2").state == "submitted"


def test_only_tec_above_may_key(country):
    with pytest.raises(PermissionDenied):
        key(country, "KZ-01-0101")
    assert KeyedEntry.objects.count() == 0


def test_keying_a_submitted_protocol_is_refused(country):
    protocol_submit(
        user=country.users[STATION],
        election=country.election,
        station_code=STATION,
        lines=good_lines(country.option_keys()),
    )
    with pytest.raises(ProtocolAlreadySubmitted):
        key(country, "KZ-01-01")
    assert KeyedEntry.objects.count() == 0
    assert ProtocolVersion.objects.count() == 1


def test_attachment_sniffed_hashed_and_shown(country, client):
    a = protocol_attach(
        user=country.users["KZ-01-01"],
        election=country.election,
        station_code=STATION,
        content=PNG,
    )
    assert (a.content_type, a.size, a.sha256) == ("image/png", 108, hashlib.sha256(PNG).hexdigest())
    assert Event.objects.get(action="protocol.attach").payload["sha256"] == a.sha256
    html = client.get(f"/results/{KEY}/stations/{STATION}/").content.decode()
    assert f'<code class="sha256">{a.sha256}</code>' in html
    url = f"/results/{KEY}/stations/{STATION}/attachments/{a.sha256}/"
    assert f'href="{url}"' in html
    download = client.get(url)
    assert (download.status_code, download["Content-Type"], download.content) == (
        200,
        "image/png",
        PNG,
    )
    assert (
        client.get(f"/results/{KEY}/stations/KZ-01-0102/attachments/{a.sha256}/").status_code == 404
    )


@pytest.mark.parametrize("content", [b"GIF89a" + b"\x00" * 10, b"", b"%PDF-" + b"x" * 2000])
def test_attachment_refused(country, settings, content):
    settings.PSEPHOS_ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(AttachmentRefused):
        protocol_attach(
            user=country.users["KZ-01-01"],
            election=country.election,
            station_code=STATION,
            content=content,
        )
    assert ProtocolAttachment.objects.count() == 0
    assert not Event.objects.filter(action="protocol.attach").exists()


def test_attachment_by_other_pec_refused(country):
    with pytest.raises(PermissionDenied):
        protocol_attach(
            user=country.users["KZ-01-0102"],
            election=country.election,
            station_code=STATION,
            content=PNG,
        )


def bearer(c, who):
    _t, raw = api_token_create(user=c.users[who], label="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_keying_api_round_trip(country):
    url = f"/api/v1/elections/{KEY}/stations/{STATION}/keying"
    lines = good_lines(country.option_keys())
    body = json.dumps(lines.as_dict() | {"votes": dict(lines.votes)})
    h1, h2 = bearer(country, "KZ-01-01"), bearer(country, "op2")
    r1 = Client().post(url, body, content_type="application/json", **h1)
    assert r1.status_code == 200
    assert r1.json()["state"] == "awaiting_second"
    again = Client().post(url, body, content_type="application/json", **h1)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "keying_same_operator"
    other = off_by(country)
    r2 = Client().post(
        url,
        json.dumps(other.as_dict() | {"votes": dict(other.votes)}),
        content_type="application/json",
        **h2,
    )
    assert r2.json()["differences"] == ["ballots_invalid", "ballots_valid", "votes.abden"]
    state = Client().get(url, **h1).json()
    assert (state["state"], state["entries"]) == ("mismatch", 2)
    assert state["differences"] == ["ballots_invalid", "ballots_valid", "votes.abden"]


def test_attachment_api(country):
    url = f"/api/v1/elections/{KEY}/stations/{STATION}/attachments"
    h = bearer(country, "KZ-01-01")
    ok = Client().post(url, {"file": SimpleUploadedFile("p.png", PNG, "image/png")}, **h)
    assert ok.status_code == 201
    assert ok.json()["sha256"] == hashlib.sha256(PNG).hexdigest()
    bad = Client().post(url, {"file": SimpleUploadedFile("p.png", b"<html>", "image/png")}, **h)
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "attachment_refused"
    assert ProtocolAttachment.objects.count() == 1


def test_keyed_protocol_accepted_verifies_against_ledger(country):
    from io import StringIO

    from django.core.management import call_command

    from psephos.results.services.protocols import protocol_accept

    key(country, "KZ-01-01")
    key(country, "op2")
    protocol_accept(user=country.users["KZ-01-01"], protocol=Protocol.objects.get())
    protocol_attach(
        user=country.users["KZ-01-01"],
        election=country.election,
        station_code=STATION,
        content=PNG,
    )
    out = StringIO()
    call_command("ledger", "checkpoint", stdout=out)  # a ledger without a signed head is not OK
    call_command("ledger", "verify", stdout=out)
    assert out.getvalue().split("\n", 1)[1].startswith("ledger OK: ")


def _race(c, who: list[str]) -> list[str]:
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(who))
    outcomes: list[str] = []

    def run(name: str) -> None:
        barrier.wait()
        try:
            outcomes.append(key(c, name).state)
        except ProtocolAlreadySubmitted:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in who]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_operators_keying_at_once_submit_exactly_once(country):
    assert _race(country, ["KZ-01-01", "op2"]) == ["awaiting_second", "submitted"]
    protocol = Protocol.objects.get()
    assert protocol.versions.count() == 1
    assert Tally.objects.get(commission=country.cec).received == 1
    assert Event.objects.filter(action="protocol.submit").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_second_and_third_entry_at_once_submit_once(country):
    key(country, "KZ-01-01")
    assert _race(country, ["op2", "op3"]) == ["conflict", "submitted"]
    assert ProtocolVersion.objects.count() == 1
    assert KeyedEntry.objects.filter(version__isnull=False).count() == 2
    assert KeyedEntry.objects.count() == 2


def test_losing_a_race_for_the_first_protocol_is_a_conflict_and_keeps_nothing(country, monkeypatch):
    """A concurrent first submission wins the unique constraint: a 409, not a 500, nothing kept."""
    from django.db import IntegrityError

    from psephos.results.services import keying

    def lose_the_race(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: protocol_one_per_station")

    key(country, "KZ-01-01")
    events_before = Event.objects.count()
    monkeypatch.setattr(keying, "_version_submit", lose_the_race)
    with pytest.raises(ProtocolAlreadySubmitted) as info:
        key(country, "op2")
    assert info.value.http_status == 409
    assert KeyedEntry.objects.count() == 1  # the second entry was rolled back with the round
    assert Event.objects.count() == events_before
    assert not Protocol.objects.exists()
