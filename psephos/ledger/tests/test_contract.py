"""The ledger's actor and payload contract (``rules/contract.py``), checked on every event
the suite writes by the ``tests.support.ledger_contract`` plugin."""

from __future__ import annotations

import pytest

from psephos.ledger.actors import actor_observer, actor_system, actor_user, text_digest
from psephos.ledger.rules.contract import actor_valid, payload_problems


@pytest.mark.parametrize(
    ("actor", "valid"),
    [
        ("public", True),
        ("system:psephos", True),
        ("system:demo_users", True),
        ("user:7", True),
        ("user:7@KZ-75-0412", True),
        ("user:7@org:odihr", True),
        ("observer:12@org:odihr", True),
        ("system", False),
        ("cli", False),
        ("simulate", False),
        ("psephos", False),
        ("admin1", False),
        ("OB-B4PBE9EJ", False),
        ("user:0", False),
        ("user:7@", False),
        ("user:ann", False),
        ("system:Demo Users", False),
        ("observer:12", False),
        ("user:7@org:ODIHR", False),
    ],
)
def test_actor_forms(actor, valid):
    assert actor_valid(actor) is valid


class _Org:
    key = "odihr"


class _Observer:
    organisation = _Org()

    def __init__(self, pk, user_id):
        self.pk, self.user_id = pk, user_id


def test_the_builders_make_only_valid_actors():
    built = [
        actor_system("cli"),
        actor_user(None),
        actor_observer(_Observer(12, None)),
        actor_observer(_Observer(12, 7)),
    ]
    assert built == ["system:cli", "public", "observer:12@org:odihr", "user:7@org:odihr"]
    assert all(actor_valid(a) for a in built)


def test_a_payload_of_keys_codes_numbers_digests_and_times_keeps_the_contract():
    payload = {
        "election": "kz-2022-presidential",
        "station": "KZ-75-0412",
        "votes": {"tokayev": 2850, "none": 12},
        "decide_by": "2022-11-25T18:00:00+06:00",
        "day": "2022-11-20",
        "at": "2022-11-20T10:15:00Z",
        "note_sha256": text_digest("Call Ann Smith on +7 701 000 0000"),
        "signature": "q" * 86 + "==",
        "text": "Алматы",
        "empty": "",
        "marks": [[1, "KZ-75-0001", "2022-11-20T10:15:00Z", "register"]],
        "none": None,
        "flag": True,
    }
    assert payload_problems(payload, names={"ann.smith", "Ann Smith"}) == []


def test_free_text_and_names_anywhere_in_a_payload_are_named():
    payload = {
        "note": "Call Ann on +7 701 000 0000",
        "escalated_to": "District TEC KZ-01-01",
        "nested": {"reasons": ["Letter checked."], "by": "ann.smith"},
        "long": "x" * 65,
        "Two words": 1,
    }
    assert payload_problems(payload, names={"ann.smith"}) == [
        "payload.note is free text: 'Call Ann on +7 701 000 0000'",
        "payload.escalated_to is free text: 'District TEC KZ-01-01'",
        "payload.nested.reasons[0] is free text: 'Letter checked.'",
        "payload.nested.by is a user's name: 'ann.smith'",
        f"payload.long is free text: {'x' * 65!r}",
        "payload.<key> is free text: 'Two words'",
    ]


@pytest.mark.django_db
def test_the_suite_wide_check_records_every_breach_of_the_events_a_test_writes():
    """The plugin wraps ``event_record`` for the session; a breach would fail this test,
    so the test takes the recorded breaches away before it ends."""
    from django.db import transaction

    from psephos.accounts.models import User
    from psephos.ledger.services import events
    from tests.support import ledger_contract

    User.objects.create_user(username="ann.smith", first_name="Ann", last_name="Smith")
    with transaction.atomic():
        events.event_record(
            actor="ann.smith",
            role="observation",
            action="test.breach",
            object_key="test/1",
            payload={"by": "Ann Smith", "note": "Call her on +7 701 000 0000"},
        )
        events.event_record(
            actor=actor_system("test"),
            role="system",
            action="test.kept",
            object_key="test/2",
            payload={"note_sha256": text_digest("Call her")},
        )
    breaches = list(ledger_contract._breaches)
    ledger_contract._breaches.clear()
    assert breaches == [
        "test.breach test/1: actor 'ann.smith' is not an actor form",
        "test.breach test/1: payload.by is a user's name: 'Ann Smith'",
        "test.breach test/1: payload.note is free text: 'Call her on +7 701 000 0000'",
    ]
