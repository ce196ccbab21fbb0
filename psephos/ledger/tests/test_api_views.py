"""The ledger API under /api/v1/ledger/ and the public page at /ledger/."""

import pytest
from django.db import transaction

from psephos.ledger.models import Event
from psephos.ledger.rules.merkle import verify_consistency, verify_inclusion
from psephos.ledger.rules.signing import tree_head_message, verify
from psephos.ledger.services.checkpoints import checkpoint_create
from psephos.ledger.services.events import event_record

pytestmark = pytest.mark.django_db


def test_events_are_paginated_by_sequence(client, add_events):
    add_events(5)
    first = client.get("/api/v1/ledger/events?limit=2").json()
    assert [e["seq"] for e in first["events"]] == [1, 2]
    assert (first["total"], first["next_after"]) == (5, 2)
    last = client.get("/api/v1/ledger/events?after=4&limit=2").json()
    assert [e["seq"] for e in last["events"]] == [5]
    assert last["next_after"] is None
    event = first["events"][0]
    stored = Event.objects.get(seq=1)
    assert event["hash"] == stored.hash
    assert event["at"] == stored.at.isoformat()
    assert event["payload"] == {"i": 0, "text": "Алматы"}


@pytest.mark.parametrize(
    "query",
    ["limit=0", "limit=1001", "after=-1", "after=x"],
)
def test_bad_event_queries_get_422(client, query):
    response = client.get(f"/api/v1/ledger/events?{query}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_tree_heads_and_public_key_verify(client, add_events):
    add_events(3)
    checkpoint_create()
    heads = client.get("/api/v1/ledger/tree-heads").json()
    key = client.get("/api/v1/ledger/public-key").json()
    assert key["algorithm"] == "Ed25519"
    assert len(heads) == 1
    h = heads[0]
    assert h["tree_size"] == 3
    message = tree_head_message(
        tree_size=3, root_hash=h["root_hash"], timestamp=h["timestamp"], key_id=key["key_id"]
    )
    assert verify(key["public_key"], message, h["signature"])


def test_inclusion_and_consistency_proofs_verify(client, add_events):
    add_events(4)
    first = checkpoint_create()
    add_events(6)
    second = checkpoint_create()
    proof = client.get(f"/api/v1/ledger/proofs/inclusion?seq=3&tree_size={second.tree_size}").json()
    assert proof["tree_size"] == 11
    assert proof["root_hash"] == second.root_hash
    assert verify_inclusion(
        2,
        11,
        bytes.fromhex(proof["leaf_hash"]),
        [bytes.fromhex(p) for p in proof["audit_path"]],
        bytes.fromhex(second.root_hash),
    )
    c = client.get(f"/api/v1/ledger/proofs/consistency?first={first.tree_size}").json()
    assert (c["first"], c["second"]) == (4, 11)
    assert verify_consistency(
        4,
        11,
        bytes.fromhex(first.root_hash),
        bytes.fromhex(second.root_hash),
        [bytes.fromhex(p) for p in c["proof"]],
    )


def test_proofs_outside_the_tree_get_404_with_a_reason(client, add_events):
    add_events(2)
    checkpoint_create()
    response = client.get("/api/v1/ledger/proofs/inclusion?seq=9")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "code": "ledger_proof_unavailable",
        "message": "Event 9 is not in the tree of 2 events.",
        "data": {"seq": 9, "tree_size": 2},
    }
    response = client.get("/api/v1/ledger/proofs/consistency?first=1&second=50")
    assert response.status_code == 404
    assert response.json()["error"]["data"] == {"tree_size": 50, "provable": 2}
    assert client.get("/api/v1/ledger/proofs/inclusion?seq=0").status_code == 422
    assert client.get("/api/v1/ledger/proofs/inclusion").status_code == 422


@pytest.mark.parametrize(
    "query",
    [
        "inclusion?seq=9223372036854775808",
        "inclusion?seq=1&tree_size=9223372036854775808",
        "consistency?first=9223372036854775808",
        "consistency?first=1&second=9223372036854775808",
    ],
)
def test_proof_numbers_beyond_64_bits_get_422_not_a_server_error(client, add_events, query):
    # Found by tests/test_api_fuzz.py: SQLite raised OverflowError (a 500) on these.
    add_events(2)
    checkpoint_create()
    response = client.get(f"/api/v1/ledger/proofs/{query}")
    assert (response.status_code, response.json()["error"]["code"]) == (422, "invalid_input")


def test_the_public_page_lists_events_tree_heads_and_the_key(
    client, add_events, django_assert_max_num_queries
):
    add_events(3)
    sth = checkpoint_create()
    with django_assert_max_num_queries(6):
        response = client.get("/ledger/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "The ledger holds 4 events." in html
    assert sth.root_hash in html
    assert 'data-seq="4"' in html and 'data-seq="1"' in html
    assert client.get("/api/v1/ledger/public-key").json()["public_key"] in html


def test_the_public_page_pages_back(client, add_events):
    add_events(120)
    html = client.get("/ledger/").content.decode()
    assert 'data-seq="120"' in html and 'data-seq="71"' in html and 'data-seq="70"' not in html
    assert "?before=71" in html
    older = client.get("/ledger/?before=71").content.decode()
    assert 'data-seq="70"' in older and 'data-seq="21"' in older and 'data-seq="20"' not in older


def test_an_event_page_shows_its_audit_path(client, add_events):
    add_events(5)
    checkpoint_create()
    html = client.get("/ledger/events/2/").content.decode()
    assert Event.objects.get(seq=2).hash in html
    assert 'id="audit-path"' in html
    assert client.get("/ledger/events/99/").status_code == 404


def test_events_of_one_object_via_api_and_page(client, add_events):
    add_events(4)
    body = client.get("/api/v1/ledger/events?object_key=test/2").json()
    assert [e["seq"] for e in body["events"]] == [3]
    html = client.get("/ledger/?object=test/2").content.decode()
    assert 'data-seq="3"' in html and 'data-seq="2"' not in html
    assert 'id="no-events"' in client.get("/ledger/?object=nothing").content.decode()


def test_an_object_page_shortens_long_payloads(client):
    with transaction.atomic():  # e.g. a seal of 5,000 election-day marks
        event_record(
            actor="system:psephos",
            role="system",
            action="voters.marks_sealed",
            object_key="test/big",
            payload={
                "marks": [
                    [i, "KZ-75-0001", "2022-11-20T10:15:00Z", "register"] for i in range(5000)
                ]
            },
        )
    html = client.get("/ledger/?object=test/big").content.decode()
    assert "{&#x27;marks&#x27;: [[0, &#x27;KZ-75-0001&#x27;" in html
    assert "[4999," not in html and len(html) < 20_000


def test_the_openapi_schema_documents_every_ledger_endpoint(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert sorted(p for p in paths if "/ledger/" in p or p.endswith("/quarantine")) == [
        "/api/v1/elections/{key}/quarantine",
        "/api/v1/ledger/events",
        "/api/v1/ledger/proofs/consistency",
        "/api/v1/ledger/proofs/inclusion",
        "/api/v1/ledger/public-key",
        "/api/v1/ledger/tree-heads",
    ]
