"""``psephos publish`` and ``psephos verify``: the signed bundle, its NIST export, tampering."""

import base64
import json
import zipfile
from io import StringIO

import jsonschema
import pytest
from django.core.management import CommandError, call_command

from psephos.ledger.rules.bundle import verify_bundle
from psephos.ledger.rules.hashing import canonical_json
from psephos.ledger.rules.signing import (
    manifest_message,
    private_key_from_base64,
    public_key_base64,
    sign,
)
from psephos.results.models import Protocol
from psephos.results.rules.nist import schema
from psephos.results.services.protocols import protocol_accept, protocol_submit
from psephos.results.tests.factories import STATIONS_CSV_HEADER, good_lines, small_country

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle(country, tmp_path):
    path = tmp_path / "bundle.zip"
    out = StringIO()
    call_command("publish", country.election.key, "--out", str(path), stdout=out)
    assert out.getvalue().startswith(f"wrote {path}: 8 stations (5 accepted), ")
    return path


def verify(path, *args):
    out, err = StringIO(), StringIO()
    call_command("verify", str(path), *args, stdout=out, stderr=err)
    return out.getvalue()


def rewrite(path, name, change, *, resign_with=None):
    """Rewrite one member of the bundle; optionally fix the manifest and re-sign it."""
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    files[name] = change(files[name])
    if resign_with is not None:
        import hashlib

        manifest = json.loads(files["manifest.json"])
        manifest["files"][name] = hashlib.sha256(files[name]).hexdigest()
        files["manifest.json"] = json.dumps(manifest).encode()
        files["manifest.sig"] = sign(resign_with, manifest_message(manifest)).encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)


def fails(path, first, *args):
    with pytest.raises(CommandError) as info:
        verify(path, *args)
    assert str(info.value).endswith(f"the first: {first}")
    return str(info.value)


def test_bundle_holds_every_file_and_verifies(bundle):
    with zipfile.ZipFile(bundle) as z:
        names = sorted(z.namelist())
        header = z.read("stations.csv").decode().splitlines()[0]
        national = z.read("totals/national.csv").decode().splitlines()
    assert names == [
        "ledger/events.jsonl",
        "ledger/tree-head.json",
        "ledger/tree-heads.jsonl",
        "manifest.json",
        "manifest.sig",
        "nist.json",
        "public-key.json",
        "quarantine.csv",
        "stations.csv",
        "stations.json",
        "totals.json",
        "totals/national.csv",
        "totals/region.csv",
        "totals/tec.csv",
    ]
    assert header == STATIONS_CSV_HEADER
    # 5 accepted protocols with scales 1..5: abden 100 × 15, tokayev 200 × 15.
    assert national[1].split(",")[0] == "kz-test-presidential"
    assert ",1500,3000,4500,8,6,5" in national[1]
    out = verify(bundle)
    assert out.startswith("bundle OK: signed by key ")
    assert "5 of 8 stations accepted, each matching its ledger event (10 inclusion proofs)" in out
    assert "7 totals equal the sums of their stations" in out


def test_the_nist_export_validates_against_the_schema(bundle, country):
    with zipfile.ZipFile(bundle) as z:
        report = json.loads(z.read("nist.json"))
    jsonschema.validate(report, schema())
    assert report["Status"] == "unofficial-partial"
    contest = report["Election"][0]["Contest"][0]
    assert contest["@type"] == "ElectionResults.CandidateContest"
    tokayev = next(s for s in contest["ContestSelection"] if s["@id"] == "sel-tokayev")
    national = next(v for v in tokayev["VoteCounts"] if v["GpUnitId"] == "ru-cec")
    assert national["Count"] == 3000
    assert contest["ExternalIdentifier"][0]["Value"] == "sel-against-all"
    precincts = [u for u in report["GpUnit"] if u["Type"] == "precinct"]
    assert len(precincts) == 8


def test_the_nist_export_of_a_referendum_validates(tmp_path):
    c = small_country(kind="referendum", key="kz-test-referendum", regions=1, districts=1)
    for pec in c.pecs:
        protocol_submit(
            user=c.users[pec.code],
            election=c.election,
            station_code=pec.code,
            lines=good_lines(c.option_keys(), both=7),
        )
        protocol_accept(
            user=c.users[pec.tec.code], protocol=Protocol.objects.get(station=pec.station)
        )
    path = tmp_path / "ref.zip"
    call_command("publish", c.election.key, "--out", str(path), stdout=StringIO())
    with zipfile.ZipFile(path) as z:
        report = json.loads(z.read("nist.json"))
    jsonschema.validate(report, schema())
    contest = report["Election"][0]["Contest"][0]
    assert contest["@type"] == "ElectionResults.BallotMeasureContest"
    assert report["Status"] == "unofficial-complete"
    assert {o["GpUnitId"]: o["Overvotes"] for o in contest["OtherCounts"]}["ru-cec"] == 14
    assert verify(path).startswith("bundle OK")


def test_an_edited_bundle_file_is_named(bundle):
    rewrite(bundle, "stations.csv", lambda b: b.replace(b",200,", b",201,", 1))
    fails(bundle, "stations.csv: its SHA-256 does not match the manifest (the file was changed)")


def test_an_edited_row_resigned_by_an_impostor_fails_the_signature(bundle):
    impostor = private_key_from_base64(base64.b64encode(b"\x09" * 32).decode())
    rewrite(
        bundle, "stations.csv", lambda b: b.replace(b",200,", b",201,", 1), resign_with=impostor
    )
    fails(bundle, "manifest.sig: the manifest's signature does not verify under the public key")


def test_a_station_row_that_differs_from_its_ledger_event_is_named(bundle, settings):
    key = private_key_from_base64((settings.PSEPHOS_KEY_DIR / "ledger-ed25519.key").read_text())
    rewrite(bundle, "stations.csv", lambda b: b.replace(b",200,", b",201,", 1), resign_with=key)
    fails(
        bundle,
        "stations.csv line 2 (station KZ-01-0101): tokayev differ from event 6 "
        "(protocol.accept): tokayev 201 ≠ 200",
    )
    # The JSON copy and the published totals were not changed, so they disagree too.
    assert verify_bundle(bundle).problems[1:] == [
        "stations.json row for KZ-01-0101 differs from stations.csv line 2 in tokayev",
        "totals/tec.csv line 2 (KZ-01-01): tokayev published 600, stations sum to 601",
        "totals/region.csv line 2 (KZ-01): tokayev published 2000, stations sum to 2001",
        "totals/national.csv line 2 (kz-test-presidential): tokayev published 3000, stations sum to 3001",
        "nist.json: tokayev at CEC is 3000, the stations give 3001",
        "nist.json: tokayev at KZ-01-0101 is 200, the stations give 201",
    ]


def test_a_total_that_differs_from_its_stations_is_named(bundle, settings):
    key = private_key_from_base64((settings.PSEPHOS_KEY_DIR / "ledger-ed25519.key").read_text())
    rewrite(
        bundle, "totals/national.csv", lambda b: b.replace(b",3000,", b",3001,"), resign_with=key
    )
    fails(
        bundle,
        "totals/national.csv line 2 (kz-test-presidential): tokayev published 3001, stations sum to 3000",
    )


def test_a_deleted_event_is_named(bundle, settings):
    key = private_key_from_base64((settings.PSEPHOS_KEY_DIR / "ledger-ed25519.key").read_text())

    def drop_third(data):
        lines = data.decode().splitlines(keepends=True)
        return "".join(lines[:2] + lines[3:]).encode()

    rewrite(bundle, "ledger/events.jsonl", drop_third, resign_with=key)
    fails(bundle, "ledger/events.jsonl: event 3 is missing: the next event in the ledger is 4")


def test_reordered_events_are_named(bundle, settings):
    key = private_key_from_base64((settings.PSEPHOS_KEY_DIR / "ledger-ed25519.key").read_text())

    def swap(data):
        lines = data.decode().splitlines(keepends=True)
        lines[3], lines[4] = lines[4], lines[3]
        return "".join(lines).encode()

    rewrite(bundle, "ledger/events.jsonl", swap, resign_with=key)
    fails(bundle, "ledger/events.jsonl: event 4 is missing: the next event in the ledger is 5")


def test_an_edited_event_is_named(bundle, settings):
    key = private_key_from_base64((settings.PSEPHOS_KEY_DIR / "ledger-ed25519.key").read_text())

    def edit(data):
        lines = data.decode().splitlines(keepends=True)
        event = json.loads(lines[1])
        event["actor"] = "someone-else"
        lines[1] = canonical_json(event).decode() + "\n"
        return "".join(lines).encode()

    rewrite(bundle, "ledger/events.jsonl", edit, resign_with=key)
    fails(bundle, "ledger/events.jsonl: event 2: its fields do not match its hash (row edited)")


def test_a_pinned_wrong_key_is_refused(bundle):
    other = public_key_base64(private_key_from_base64(base64.b64encode(b"\x05" * 32).decode()))
    fails(bundle, "public-key.json does not hold the pinned public key", "--public-key", other)


def test_the_right_pinned_key_verifies(bundle):
    with zipfile.ZipFile(bundle) as z:
        public = json.loads(z.read("public-key.json"))["public_key"]
    assert verify(bundle, "--public-key", public).startswith("bundle OK")


def test_a_swapped_public_key_is_detected(bundle):
    other = public_key_base64(private_key_from_base64(base64.b64encode(b"\x05" * 32).decode()))
    rewrite(bundle, "public-key.json", lambda b: json.dumps({"public_key": other}).encode())
    fails(bundle, "manifest.sig: the manifest's signature does not verify under the public key")


def test_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "x.zip"
    path.write_text("hello")
    check = verify_bundle(path)
    assert check.problems[0].startswith(f"{path}: not a readable zip file")


def test_publish_refuses_an_unknown_election():
    with pytest.raises(CommandError, match=r"^not_found: No election “nope”\.$"):
        call_command("publish", "nope", "--out", "/tmp/never.zip")


def test_the_standalone_verifier_needs_no_django(bundle, capsys):
    from psephos.ledger.rules.bundle import main

    assert main([str(bundle)]) == 0
    assert capsys.readouterr().out.startswith("bundle OK: signed by key ")
    rewrite(bundle, "totals.json", lambda b: b + b" ")
    assert main([str(bundle)]) == 1
    assert capsys.readouterr().out == (
        "FAIL totals.json: its SHA-256 does not match the manifest (the file was changed)\n"
    )


def test_a_nist_count_that_differs_from_the_stations_is_named(bundle, settings):
    key = private_key_from_base64((settings.PSEPHOS_KEY_DIR / "ledger-ed25519.key").read_text())

    def edit(data):
        report = json.loads(data)
        contest = report["Election"][0]["Contest"][0]
        tokayev = next(s for s in contest["ContestSelection"] if s["@id"] == "sel-tokayev")
        for vc in tokayev["VoteCounts"]:
            if vc["GpUnitId"] in ("ru-cec", "ru-kz-01-0101"):
                vc["Count"] += 1
        return json.dumps(report).encode()

    rewrite(bundle, "nist.json", edit, resign_with=key)
    assert verify_bundle(bundle).problems == [
        "nist.json: tokayev at CEC is 3001, the stations give 3000",
        "nist.json: tokayev at KZ-01-0101 is 201, the stations give 200",
    ]


def test_publishing_reports_each_step_to_the_progress_bar(country, tmp_path):
    from psephos.results.services.publication import PUBLISH_STEPS, bundle_publish

    steps: list[int] = []
    report = bundle_publish(
        election=country.election, out=tmp_path / "b.zip", advance=lambda n=1: steps.append(n)
    )
    assert len(steps) == PUBLISH_STEPS == 8
    assert report.path.exists()


def _resign_tree_head(path, key, change):
    """Replace ledger/tree-head.json by ``change(tree_head)``, fix the manifest, re-sign it."""
    import hashlib

    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    head = change(json.loads(files["ledger/tree-head.json"]))
    files["ledger/tree-head.json"] = canonical_json(head)
    manifest = json.loads(files["manifest.json"])
    manifest["root_hash"] = head["root_hash"]
    manifest["files"]["ledger/tree-head.json"] = hashlib.sha256(
        files["ledger/tree-head.json"]
    ).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    files["manifest.sig"] = sign(key, manifest_message(manifest)).encode()
    with zipfile.ZipFile(path, "w") as z:
        for n, data in files.items():
            z.writestr(n, data)


def test_a_validly_signed_tree_head_over_another_root_is_named(bundle, settings):
    """The tree head's signature holds; only comparing its root with the events catches it."""
    from psephos.ledger.rules.signing import tree_head_message

    key = private_key_from_base64((settings.PSEPHOS_KEY_DIR / "ledger-ed25519.key").read_text())

    def other_root(head):
        head = head | {"root_hash": "ab" * 32}
        head["signature"] = sign(
            key,
            tree_head_message(
                tree_size=head["tree_size"],
                root_hash=head["root_hash"],
                timestamp=head["timestamp"],
                key_id=head["key_id"],
            ),
        )
        return head

    _resign_tree_head(bundle, key, other_root)
    assert verify_bundle(bundle).problems == [
        "ledger/events.jsonl: the events' Merkle root differs from the signed tree head"
    ]


def test_a_tree_head_whose_signature_does_not_cover_it_is_named(bundle, settings):
    """The manifest is re-signed; only the tree head's own signature check catches the edit."""
    key = private_key_from_base64((settings.PSEPHOS_KEY_DIR / "ledger-ed25519.key").read_text())
    _resign_tree_head(bundle, key, lambda head: head | {"timestamp": "2030-01-01T00:00:00+00:00"})
    assert verify_bundle(bundle).problems == [
        "ledger/tree-head.json: the tree head's signature does not verify under the public key"
    ]


def test_an_unpinned_key_is_warned_about_and_a_pinned_one_is_not(bundle):
    with zipfile.ZipFile(bundle) as z:
        key = json.loads(z.read("public-key.json"))
    out, err = StringIO(), StringIO()
    call_command("verify", str(bundle), stdout=out, stderr=err)
    assert err.getvalue() == (
        "WARNING the signing key was not pinned (--public-key): the bundle was checked "
        "against the key it carries, so anyone could have made it. Compare the key id "
        f"{key['key_id']} with the fingerprint the election commission publishes, or pin "
        "its public key.\n"
    )
    assert out.getvalue().startswith("bundle OK: ")
    out, err = StringIO(), StringIO()
    call_command("verify", str(bundle), "--public-key", key["public_key"], stdout=out, stderr=err)
    assert (err.getvalue(), out.getvalue().startswith("bundle OK: ")) == ("", True)


def test_every_earlier_tree_head_is_in_the_bundle_and_checked(country, tmp_path, settings):
    from psephos.ledger.services.checkpoints import checkpoint_create

    first = checkpoint_create()
    path = tmp_path / "bundle.zip"
    call_command("publish", country.election.key, "--out", str(path), stdout=StringIO())
    with zipfile.ZipFile(path) as z:
        heads = [json.loads(line) for line in z.read("ledger/tree-heads.jsonl").splitlines()]
        last = json.loads(z.read("ledger/tree-head.json"))
    assert [h["tree_size"] for h in heads] == [first.tree_size, last["tree_size"]]
    assert heads[-1] == last
    assert "2 earlier tree head(s) consistent with it" in verify(path)

    key = private_key_from_base64((settings.PSEPHOS_KEY_DIR / "ledger-ed25519.key").read_text())

    def forge_first(data):
        lines = data.splitlines()
        head = json.loads(lines[0]) | {"root_hash": "cd" * 32}
        return b"\n".join([json.dumps(head).encode(), *lines[1:]]) + b"\n"

    rewrite(path, "ledger/tree-heads.jsonl", forge_first, resign_with=key)
    assert verify_bundle(path).problems == [
        f"ledger/tree-heads.jsonl line 1 (size {first.tree_size}): the tree head does not "
        "verify under the public key"
    ]
