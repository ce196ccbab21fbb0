from psephos.ledger.rules.hashing import GENESIS, canonical_json, digest, event_hash


def test_canonical_json_sorts_keys_and_keeps_unicode():
    assert canonical_json({"b": 1, "a": "Алматы"}) == '{"a":"Алматы","b":1}'.encode()


def test_digest_is_sha256_of_canonical_json():
    # sha256(b'{}')
    assert digest({}) == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"


def test_event_hash_changes_with_previous_hash():
    fields = dict(
        seq=1,
        at="2022-11-20T15:00:00+00:00",
        actor="a",
        role="r",
        action="x",
        object_key="k",
        payload_digest=digest({}),
    )
    assert event_hash(**fields, prev_hash=GENESIS) != event_hash(**fields, prev_hash="1" * 64)
