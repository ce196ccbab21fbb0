"""Verify a published results bundle offline, with nothing but the bundle (no Django).

Checks, in order, each reported with what exactly does not hold:

1. the manifest's signature under the bundle's public key (or a pinned one);
2. every file's SHA-256 against the manifest, and no file missing or unlisted;
3. the signed tree head's signature;
4. the events' hash chain, and their Merkle root against the signed tree head; every
   earlier head in ``ledger/tree-heads.jsonl`` signed and matching its prefix of events;
5. for every accepted station: its acceptance (or correction) event, proved included
   in the signed tree by an audit path, carries the same figures as its CSV row;
6. ``stations.json`` holds the same rows as ``stations.csv``;
7. every published total (TEC, region, national) equals the sum of its stations;
8. the NIST export's vote counts for every precinct and the country equal the stations.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .chain import check_chain, event_leaf
from .figures import FIGURE_ACTIONS, figure_differences, latest_figures
from .merkle import MerkleLevels, leaf_hash, verify_inclusion
from .signing import key_id, manifest_message, tree_head_message, verify
from .treehead import tree_head_fault

SIGNED_FILES = ("manifest.json", "manifest.sig")
COUNT_COLUMNS = ("expected", "received", "accepted")
MAX_PROBLEMS = 50
UNPINNED_WARNING = (
    "the signing key was not pinned (--public-key): the bundle was checked against the "
    "key it carries, so anyone could have made it. Compare the key id %s with the "
    "fingerprint the election commission publishes, or pin its public key."
)


@dataclass(slots=True)
class BundleCheck:
    """The outcome: what was checked, and every problem found (empty when all holds)."""

    problems: list[str] = field(default_factory=list)
    events: int = 0
    stations: int = 0
    accepted: int = 0
    proofs: int = 0
    totals: int = 0
    key_id: str = ""
    tree_size: int = 0
    root_hash: str = ""
    tree_heads: int = 0
    pinned: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def fail(self, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(message)


def _int(value: str, where: str, check: BundleCheck) -> int | None:
    if value == "":
        return None
    try:
        return int(value)
    except ValueError:
        check.fail(f"{where}: “{value}” is not a whole number")
        return None


def _read_csv(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(data.decode()))
    return list(reader.fieldnames or []), list(reader)


def verify_bundle(
    path: Path, *, public_key: str | None = None, advance: Callable[[int], None] | None = None
) -> BundleCheck:
    """Check a bundle file; return every problem found (``check.ok`` when all holds).

    ``public_key`` (base64 raw Ed25519) pins the key the signatures must verify under;
    without it the key inside the bundle is used and its id reported, to be compared
    with the one the commission publishes.
    """
    check = BundleCheck()
    try:
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        check.fail(f"{path}: not a readable zip file ({exc})")
        return check
    with archive:
        names = set(archive.namelist())
        for required in ("manifest.json", "manifest.sig", "public-key.json"):
            if required not in names:
                check.fail(f"{required} is missing from the bundle")
        if not check.ok:
            return check
        files = {name: archive.read(name) for name in names}
    return _verify_files(files, check, public_key, advance)


def _verify_files(
    files: dict[str, bytes],
    check: BundleCheck,
    pinned: str | None,
    advance: Callable[[int], None] | None,
) -> BundleCheck:
    try:
        manifest = json.loads(files["manifest.json"])
        key_doc = json.loads(files["public-key.json"])
    except (ValueError, UnicodeDecodeError) as exc:
        check.fail(f"manifest.json or public-key.json is not valid JSON ({exc})")
        return check
    public = pinned or key_doc.get("public_key", "")
    check.pinned = bool(pinned)
    check.key_id = key_id(public) if public else ""
    if pinned and pinned != key_doc.get("public_key"):
        check.fail("public-key.json does not hold the pinned public key")
    signature = files["manifest.sig"].decode(errors="replace").strip()
    if not verify(public, manifest_message(manifest), signature):
        check.fail("manifest.sig: the manifest's signature does not verify under the public key")
        return check

    # 2. file digests
    listed: dict[str, str] = manifest.get("files", {})
    for name, expected in sorted(listed.items()):
        if name not in files:
            check.fail(f"{name}: listed in the manifest but missing from the bundle")
        elif hashlib.sha256(files[name]).hexdigest() != expected:
            check.fail(f"{name}: its SHA-256 does not match the manifest (the file was changed)")
    for name in sorted(set(files) - set(listed) - set(SIGNED_FILES)):
        check.fail(f"{name}: in the bundle but not listed in the manifest")
    if not check.ok:
        return check

    # 3. tree head
    sth = json.loads(files["ledger/tree-head.json"])
    check.tree_size, check.root_hash = int(sth["tree_size"]), sth["root_hash"]
    message = tree_head_message(
        tree_size=check.tree_size,
        root_hash=sth["root_hash"],
        timestamp=sth["timestamp"],
        key_id=sth["key_id"],
    )
    if sth["key_id"] != check.key_id or not verify(public, message, sth["signature"]):
        check.fail(
            "ledger/tree-head.json: the tree head's signature does not verify under the public key"
        )
    if (check.tree_size, check.root_hash) != (manifest.get("tree_size"), manifest.get("root_hash")):
        check.fail("manifest.json: its tree size and root differ from ledger/tree-head.json")

    # 4. events: chain and Merkle root
    events = [
        json.loads(line) for line in files["ledger/events.jsonl"].splitlines() if line.strip()
    ]
    count, fault = check_chain(events)
    check.events = count
    if fault is not None:
        check.fail(f"ledger/events.jsonl: {fault.message}")
        return check
    if count != check.tree_size:
        check.fail(
            f"ledger/events.jsonl holds {count} events; the signed tree head covers {check.tree_size}"
        )
        return check
    levels = MerkleLevels([leaf_hash(event_leaf(e["hash"])) for e in events])
    root = levels.root()
    if root.hex() != check.root_hash:
        check.fail("ledger/events.jsonl: the events' Merkle root differs from the signed tree head")
        return check
    _check_tree_heads(files.get("ledger/tree-heads.jsonl", b""), public, levels, check)
    if advance:
        advance(1)

    # 5. stations against their acceptance events
    lines: list[str] = manifest["lines"]
    options: list[str] = manifest["options"]
    election = manifest["election"]
    columns, rows = _read_csv(files["stations.csv"])
    expected_columns = ["station", "tec", "region", *lines, *options]
    if columns[: len(expected_columns)] != expected_columns:
        check.fail(f"stations.csv: the columns are {columns}, not {expected_columns} first")
        return check
    decisive = latest_figures(events, election=election, lines=lines)

    stations: list[dict[str, Any]] = []
    for number, row in enumerate(rows, start=2):
        where = f"stations.csv line {number} (station {row['station']})"
        parsed: dict[str, Any] = {
            "station": row["station"],
            "tec": row["tec"],
            "region": row["region"],
        }
        for c in (*lines, *options):
            parsed[c] = _int(row[c], f"{where}, column {c}", check)
        parsed["status"] = row.get("status", "")
        stations.append(parsed)
        check.stations += 1
        if parsed["status"] != "accepted":
            continue
        check.accepted += 1
        figures = decisive.get(row["station"])
        if figures is None or figures.action not in FIGURE_ACTIONS:
            check.fail(f"{where}: accepted, but the ledger holds no acceptance event for it")
            continue
        if figures.lines is None:
            check.fail(f"{where}: event {figures.seq} ({figures.action}) carries no figures")
            continue
        for i in figures.sources:
            path = levels.inclusion_proof(i, count)
            if not verify_inclusion(i, count, leaf_hash(event_leaf(events[i]["hash"])), path, root):
                check.fail(f"{where}: event {events[i]['seq']} is not included in the signed tree")
            check.proofs += 1
        differ = figure_differences(parsed, figures, lines=lines, options=options)
        if differ:
            check.fail(
                f"{where}: {', '.join(c for c, _r, _e in differ)} differ from event "
                f"{figures.seq} ({figures.action}): "
                + ", ".join(f"{c} {r} ≠ {e}" for c, r, e in differ[:5])
            )
    if advance:
        advance(1)

    # 6. stations.json equals stations.csv
    as_json = json.loads(files["stations.json"])
    json_rows = as_json.get("rows", [])
    if len(json_rows) != len(stations):
        check.fail(f"stations.json has {len(json_rows)} rows; stations.csv has {len(stations)}")
    else:
        for number, (a, b) in enumerate(zip(json_rows, stations, strict=True), start=2):
            columns_differ = [c for c in ("station", *lines, *options) if a.get(c) != b[c]]
            if columns_differ:
                check.fail(
                    f"stations.json row for {b['station']} differs from stations.csv "
                    f"line {number} in {', '.join(columns_differ)}"
                )

    # 7. totals recomputed from the stations
    sums: dict[tuple[str, str], list[int]] = defaultdict(
        lambda: [0] * (len(lines) + len(options) + 3)
    )
    for s in stations:
        groups = [("tec", s["tec"]), ("region", s["region"]), ("national", election)]
        for group in groups:
            acc = sums[group]
            acc[-3] += 1
            if s["status"] not in ("", "draft"):
                acc[-2] += 1
            if s["status"] == "accepted":
                acc[-1] += 1
                for i, c in enumerate((*lines, *options)):
                    acc[i] += s[c] or 0
    for level, key_column in (("tec", "tec"), ("region", "region"), ("national", "election")):
        name = f"totals/{level}.csv"
        if name not in files:
            check.fail(f"{name} is missing from the bundle")
            continue
        _cols, total_rows = _read_csv(files[name])
        for number, row in enumerate(total_rows, start=2):
            check.totals += 1
            code = row[key_column]
            acc = sums.get((level, code)) or [0] * (len(lines) + len(options) + 3)
            problems: list[str] = []
            for i, c in enumerate((*lines, *options)):
                published = _int(row[c], f"{name} line {number}, column {c}", check) or 0
                if published != acc[i]:
                    problems.append(f"{c} published {published}, stations sum to {acc[i]}")
            for i, c in enumerate(COUNT_COLUMNS):
                published = _int(row[c], f"{name} line {number}, column {c}", check) or 0
                if published != acc[len(lines) + len(options) + i]:
                    problems.append(
                        f"{c} published {published}, stations give {acc[len(lines) + len(options) + i]}"
                    )
            if problems:
                check.fail(f"{name} line {number} ({code}): " + "; ".join(problems[:5]))
    # 8. the NIST export's vote counts equal the stations and the national sums
    if "nist.json" in files:
        _check_nist(json.loads(files["nist.json"]), stations, sums, election, options, check)
    return check


def _check_tree_heads(data: bytes, public: str, levels: MerkleLevels, check: BundleCheck) -> None:
    """Check every earlier signed tree head against its prefix of the bundle's events."""
    what = {
        "malformed": "is not a signed tree head",
        "bad_signature": "does not verify under the public key",
        "beyond_events": "covers more events than the bundle holds",
        "root_mismatch": "differs from the Merkle root of its prefix of the events",
    }
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            head = json.loads(line)
        except ValueError:
            head = {}
        fault = tree_head_fault(
            head if isinstance(head, dict) else {}, public_key=public, levels=levels
        )
        check.tree_heads += 1
        if fault is not None:
            check.fail(
                f"ledger/tree-heads.jsonl line {number} (size {fault.tree_size}): the tree "
                f"head {what[fault.code]}"
            )


def _check_nist(
    report: dict[str, Any],
    stations: list[dict[str, Any]],
    sums: dict[tuple[str, str], list[int]],
    election: str,
    options: list[str],
    check: BundleCheck,
) -> None:
    """Compare every precinct's and the country's vote counts in ``nist.json``."""
    codes: dict[str, tuple[str, str]] = {}
    for unit in report.get("GpUnit", []):
        for ext in unit.get("ExternalIdentifier", []):
            if ext.get("OtherType") == "psephos-code":
                codes[unit["@id"]] = (unit.get("Type", ""), ext["Value"])
    accepted = {s["station"]: s for s in stations if s["status"] == "accepted"}
    national = sums.get(("national", election))
    n_lines = len(national) - len(options) - 3 if national else 0
    for contest in report.get("Election", [{}])[0].get("Contest", []):
        for selection in contest.get("ContestSelection", []):
            key = selection["@id"].removeprefix("sel-")
            if key not in options:
                check.fail(
                    f"nist.json: selection {selection['@id']} is not an option of the election"
                )
                continue
            for vc in selection.get("VoteCounts", []):
                unit_type, code = codes.get(vc["GpUnitId"], ("", ""))
                if unit_type == "precinct":
                    row = accepted.get(code)
                    expected = row[key] if row else None
                elif unit_type == "country" and national is not None:
                    expected = national[n_lines + options.index(key)]
                else:
                    continue
                if vc["Count"] != expected:
                    check.fail(
                        f"nist.json: {key} at {code} is {vc['Count']}, the stations give {expected}"
                    )


def main(argv: list[str] | None = None) -> int:
    """Verify a bundle from the command line without Django: ``python -m psephos.ledger.rules.bundle``."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="Verify a psephos results bundle offline.")
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--public-key", help="base64 Ed25519 public key to pin")
    args = parser.parse_args(argv)
    check = verify_bundle(args.bundle, public_key=args.public_key)
    if not check.pinned:
        print(f"WARNING {UNPINNED_WARNING % check.key_id}", file=sys.stderr)
    if not check.ok:
        for problem in check.problems:
            print(f"FAIL {problem}")
        return 1
    print(
        f"bundle OK: signed by key {check.key_id}; {check.events} events, Merkle root "
        f"{check.root_hash}; {check.accepted} of {check.stations} stations accepted, each "
        f"matching its ledger event; {check.totals} totals equal the sums of their stations"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
