"""The signed pre-election manifest: ``psephos manifest`` and /results/<election>/manifest.json."""

from __future__ import annotations

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from psephos.core.errors import PermissionDenied
from psephos.ledger.models import Event
from psephos.ledger.rules.hashing import canonical_json
from psephos.ledger.rules.signing import verify
from psephos.ledger.services.keys import public_key_get
from psephos.results.models import Manifest
from psephos.results.services.manifest import (
    ManifestFrozen,
    manifest_create,
    manifest_message,
)
from psephos.results.services.protocols import protocol_submit

from .factories import good_lines, small_country

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("key_dir")]

KEY = "kz-test-presidential"


@pytest.fixture
def country():
    return small_country(regions=1, districts=2, stations=2)


def test_manifest_command_signs_and_publishes(country):
    out = StringIO()
    call_command("manifest", KEY, "--user", "cec", stdout=out)
    m = Manifest.objects.get()
    event = Event.objects.get(action="election.manifest")
    assert out.getvalue() == (
        f"{KEY} manifest: 4 stations, SHA-256 {m.sha256}, ledger event {event.seq}.\n"
    )
    assert m.sha256 == hashlib.sha256(canonical_json(m.body)).hexdigest()
    assert event.payload["sha256"] == m.sha256
    assert event.payload["signature"] == m.signature
    public, kid = public_key_get()
    assert (m.public_key, m.key_id) == (public, kid)

    resp = Client().get(f"/results/{KEY}/manifest.json")
    assert resp.status_code == 200
    doc = resp.json()
    body = doc["manifest"]
    assert [s["code"] for s in body["stations"]] == [
        "KZ-01-0101",
        "KZ-01-0102",
        "KZ-01-0201",
        "KZ-01-0202",
    ]
    assert body["stations"][0] == {
        "code": "KZ-01-0101",
        "number": 1011,
        "kind": "regular",
        "tec": "KZ-01-01",
        "region": "KZ-01",
    }
    assert body["zero_totals"]["votes"] == {"abden": 0, "tokayev": 0, "against-all": 0}
    assert set(body["zero_totals"]["lines"].values()) == {0}
    assert body["election"]["key"] == KEY
    assert hashlib.sha256(canonical_json(body)).hexdigest() == doc["sha256"]
    assert verify(doc["public_key"], manifest_message(body), doc["signature"])
    tampered = body | {"stations": body["stations"][1:]}
    assert not verify(doc["public_key"], manifest_message(tampered), doc["signature"])
    assert doc["ledger_seq"] == event.seq


def test_manifest_replaced_before_count_and_frozen_after(country):
    first = manifest_create(user=country.users["CEC"], election=country.election)
    second = manifest_create(user=country.users["CEC"], election=country.election)
    assert Manifest.objects.count() == 1
    assert Event.objects.filter(action="election.manifest").last().payload["replaces"] == (
        first.sha256
    )
    assert second.sha256 == first.sha256
    protocol_submit(
        user=country.users["KZ-01-0101"],
        election=country.election,
        station_code="KZ-01-0101",
        lines=good_lines(country.option_keys()),
    )
    events = Event.objects.count()
    with pytest.raises(ManifestFrozen):
        manifest_create(user=country.users["CEC"], election=country.election)
    with pytest.raises(CommandError, match="manifest_frozen"):
        call_command("manifest", KEY, "--user", "cec")
    assert Event.objects.count() == events
    assert Manifest.objects.get().event_seq == second.event_seq


def test_manifest_needs_cec(country):
    with pytest.raises(PermissionDenied):
        manifest_create(user=country.users["KZ-01-01"], election=country.election)
    assert not Manifest.objects.exists()


def test_no_manifest_is_404(country):
    assert Client().get(f"/results/{KEY}/manifest.json").status_code == 404
