"""Publish an election as a signed, offline-verifiable bundle (``psephos publish``).

The bundle is a zip file:

- ``stations.csv`` / ``stations.json``: one row per station (columns ``station,tec,region``,
  the protocol lines in ``LINE_NAMES`` order, one column per option key, ``status``,
  ``version``), the same rows as the API's station download;
- ``totals/tec.csv``, ``totals/region.csv``, ``totals/national.csv`` and ``totals.json``:
  the published tallies at each level;
- ``nist.json``: the NIST SP 1500-100 v2 election report;
- ``ledger/events.jsonl``: every ledger event up to the tree head, one JSON object a line;
- ``ledger/tree-head.json``: a fresh signed tree head over those events, and
  ``ledger/tree-heads.jsonl``: every signed tree head up to it (the log's history);
- ``public-key.json``: the Ed25519 public key and its id;
- ``manifest.json`` (SHA-256 of every other file, the tree head, the column layout) and
  ``manifest.sig`` (its Ed25519 signature).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from psephos.core import clock
from psephos.core.progress import Advance
from psephos.elections.selectors import election_options
from psephos.ledger.actors import SYSTEM
from psephos.ledger.rules.signing import key_id, manifest_message, public_key_base64, sign
from psephos.ledger.selectors import tree_heads_document
from psephos.ledger.services.checkpoints import checkpoint_create
from psephos.ledger.services.keys import signing_key_load
from psephos.ledger.services.verification import event_rows
from psephos.results.enums import ProtocolStatus
from psephos.results.rules.lines import LINE_NAMES
from psephos.results.selectors.downloads import TOTAL_LEVELS, result_columns, result_rows
from psephos.results.selectors.nist import nist_export
from psephos.results.selectors.quarantine import quarantine_rows

if TYPE_CHECKING:
    from psephos.elections.models import Election

BUNDLE_FORMAT = "psephos-bundle/1"


@dataclass(frozen=True, slots=True)
class BundleReport:
    path: Path
    stations: int
    accepted: int
    events: int
    tree_size: int
    root_hash: str
    files: dict[str, str]


def _csv_bytes(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
    return buffer.getvalue().encode()


def _json_bytes(value: Any, *, compact: bool = False) -> bytes:
    """Return JSON text; large files are compact (a national NIST export is tens of MB)."""
    if compact:
        return (json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
    return (json.dumps(value, ensure_ascii=False, indent=1) + "\n").encode()


PUBLISH_STEPS = 8


def bundle_publish(
    *,
    election: Election,
    out: Path,
    actor: str = SYSTEM,
    role: str = "system",
    advance: Advance | None = None,
) -> BundleReport:
    """Write the signed bundle of an election to ``out`` and return what it holds.

    ``advance`` is called once after each of the ``PUBLISH_STEPS`` steps (progress bars).

    Side effects: a fresh signed tree head (and its ``ledger.checkpoint`` event), then
    the zip file, written to a temporary name and renamed so a reader never sees a
    half-written bundle. Raises ``SigningKeyInvalid`` if the key cannot be loaded.
    """
    step: Advance = advance or (lambda amount=1: None)
    sth = checkpoint_create(actor=actor, role=role)
    step()
    key = signing_key_load()
    public = public_key_base64(key)
    options = election_options(election=election)
    files: dict[str, bytes] = {}

    columns = result_columns(election=election, level="station")
    stations = result_rows(election=election, level="station")
    files["stations.csv"] = _csv_bytes(columns, stations)
    files["stations.json"] = _json_bytes({"columns": columns, "rows": stations}, compact=True)
    step()
    totals_json: dict[str, Any] = {}
    for level in TOTAL_LEVELS:
        level_columns = result_columns(election=election, level=level)
        rows = result_rows(election=election, level=level)
        files[f"totals/{level}.csv"] = _csv_bytes(level_columns, rows)
        totals_json[level] = {"columns": level_columns, "rows": rows}
    files["totals.json"] = _json_bytes(totals_json)
    step()
    q_columns, q_rows = quarantine_rows(election=election)
    files["quarantine.csv"] = _csv_bytes(q_columns, q_rows)
    step()
    files["nist.json"] = _json_bytes(
        nist_export(election=election, sequence=sth.tree_size, generated=sth.timestamp),
        compact=True,
    )
    step()

    events = io.StringIO()
    count = 0
    for row in event_rows():
        if row["seq"] > sth.tree_size:
            break
        events.write(json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
        events.write("\n")
        count += 1
    files["ledger/events.jsonl"] = events.getvalue().encode()
    step()
    files["ledger/tree-head.json"] = _json_bytes(
        {
            "tree_size": sth.tree_size,
            "root_hash": sth.root_hash,
            "timestamp": sth.timestamp.isoformat(),
            "key_id": sth.key_id,
            "signature": sth.signature,
        }
    )
    # Every earlier head too: a mirror of the bundle keeps the history of the log.
    files["ledger/tree-heads.jsonl"] = b"".join(
        json.dumps(head, sort_keys=True, separators=(",", ":")).encode() + b"\n"
        for head in tree_heads_document(up_to=sth.tree_size)
    )
    files["public-key.json"] = _json_bytes(
        {"algorithm": "Ed25519", "public_key": public, "key_id": key_id(public)}
    )
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())}
    manifest = {
        "format": BUNDLE_FORMAT,
        "election": election.key,
        "generated_at": clock.now().isoformat(),
        "tree_size": sth.tree_size,
        "root_hash": sth.root_hash,
        "lines": list(LINE_NAMES),
        "options": [o.key for o in options],
        "files": digests,
    }
    files["manifest.json"] = _json_bytes(manifest)
    files["manifest.sig"] = (sign(key, manifest_message(manifest)) + "\n").encode()
    step()

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        for name, data in files.items():
            bundle.writestr(name, data)
    tmp.replace(out)
    step()
    return BundleReport(
        path=out,
        stations=len(stations),
        accepted=sum(1 for r in stations if r["status"] == ProtocolStatus.ACCEPTED),
        events=count,
        tree_size=sth.tree_size,
        root_hash=sth.root_hash,
        files=digests,
    )
