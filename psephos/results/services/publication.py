"""Publish an election as a signed, offline-verifiable bundle (``psephos publish``).

The bundle is a zip file:

- ``stations.csv`` / ``stations.json``: one row per station (columns ``station,tec,region``,
  the protocol lines in ``LINE_NAMES`` order, one column per option key, ``status``,
  ``version``), the same rows as the API's station download;
- ``totals/tec.csv``, ``totals/region.csv``, ``totals/national.csv`` and ``totals.json``:
  the published tallies at each level;
- ``nist.json``: the NIST SP 1500-100 v2 election report;
- ``ledger/events.jsonl``: every ledger event up to the tree head, one JSON object a line;
- ``ledger/tree-head.json``: a fresh signed tree head over those events;
- ``public-key.json``: the Ed25519 public key and its id;
- ``manifest.json`` (SHA-256 of every other file, the tree head, the column layout) and
  ``manifest.sig`` (its Ed25519 signature).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from psephos.commissions.enums import CommissionLevel
from psephos.commissions.models import Commission
from psephos.core import clock
from psephos.core.progress import Advance
from psephos.elections.enums import ElectionKind, ElectionStatus
from psephos.elections.models import Election
from psephos.elections.selectors import election_options
from psephos.ledger.rules.figures import FIGURE_ACTIONS, figure_differences, latest_figures
from psephos.ledger.rules.signing import key_id, manifest_message, public_key_base64, sign
from psephos.ledger.selectors import events_for_protocols
from psephos.ledger.services.checkpoints import checkpoint_create
from psephos.ledger.services.keys import signing_key_load
from psephos.ledger.services.verification import event_rows
from psephos.results.enums import ProtocolStatus
from psephos.results.models import Protocol, ProtocolRefusal, ProtocolVote
from psephos.results.rules.lines import LINE_NAMES, ProtocolLines
from psephos.results.rules.nist import (
    NistOption,
    NistUnit,
    election_report,
    results_status,
)
from psephos.results.rules.reconciliation import check_protocol
from psephos.results.selectors import result_columns, result_rows

BUNDLE_FORMAT = "psephos-bundle/1"
TOTAL_LEVELS = ("tec", "region", "national")


@dataclass(frozen=True, slots=True)
class ProtocolMismatch:
    """An accepted protocol whose stored figures differ from what the ledger fixed."""

    election: str
    station: str
    message: str


@dataclass(frozen=True, slots=True)
class QuarantineEntry:
    """A station whose figures break control relations: listed publicly, never dropped silently."""

    station: str
    tec: str
    region: str
    status: str  # submitted, accepted, or refused (a refused submission, nothing newer)
    version: int | None
    relations: list[str]
    voters_on_list: int
    votes: dict[str, int]
    since: dt.datetime | None


QUARANTINE_COLUMNS = [
    "station",
    "tec",
    "region",
    "status",
    "version",
    "relations",
    "voters_on_list",
]


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


def nist_export(*, election: Election, sequence: int, generated: dt.datetime) -> dict[str, Any]:
    """Return the NIST SP 1500-100 v2 report of the election's published figures."""
    options = election_options(election=election)
    keys = [o.key for o in options]
    station_rows = result_rows(election=election, level="station")
    totals = {level: result_rows(election=election, level=level) for level in TOTAL_LEVELS}
    commissions = list(
        Commission.objects.filter(geography_id=election.geography_id)
        .order_by("code")
        .values_list("code", "level", "name", "parent__code")
    )
    children: dict[str, list[str]] = {}
    for code, _level, _name, parent in commissions:
        if parent:
            children.setdefault(parent, []).append(code)
    figures: dict[str, tuple[dict[str, int], dict[str, int], int, int]] = {}
    for row in station_rows:
        if row["status"] == "accepted":
            figures[row["station"]] = (
                {n: row[n] for n in LINE_NAMES},
                {k: row[k] for k in keys},
                1,
                1,
            )
    cec_code = next((c for c, lv, _n, _p in commissions if lv == CommissionLevel.CEC), "CEC")
    for level, rows in totals.items():
        for row in rows:
            code = cec_code if level == "national" else row[level]
            if row["accepted"]:
                figures[code] = (
                    {n: row[n] for n in LINE_NAMES},
                    {k: row[k] for k in keys},
                    row["expected"],
                    row["accepted"],
                )
            else:
                figures[code] = ({}, {}, row["expected"], 0)
    units = []
    for code, level, name, _parent in commissions:
        lines, votes, expected, accepted = figures.get(code, ({}, {}, 0, 0))
        units.append(
            NistUnit(
                code=code,
                level=level,
                name=name,
                composing=children.get(code, []),
                lines=lines or None,
                votes=votes or None,
                total_subunits=expected,
                subunits_reported=accepted,
            )
        )
    national = totals["national"][0] if totals["national"] else {"expected": 0, "accepted": 0}
    return election_report(
        election_key=election.key,
        kind=election.kind,
        names={"en": election.name_en, "kk": election.name_kk, "ru": election.name_ru},
        date=election.date.isoformat(),
        generated=generated.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        status=results_status(
            certified=election.status == ElectionStatus.CERTIFIED,
            expected=national["expected"],
            accepted=national["accepted"],
        ),
        sequence=sequence,
        options=[
            NistOption(
                key=o.key,
                kind=o.kind,
                names={"en": o.name_en, "kk": o.name_kk, "ru": o.name_ru},
                order=o.ballot_order,
                nominated_by=o.nominated_by,
            )
            for o in options
        ],
        units=units,
    )


PUBLISH_STEPS = 8


def bundle_publish(
    *,
    election: Election,
    out: Path,
    actor: str = "system",
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
        accepted=sum(1 for r in stations if r["status"] == "accepted"),
        events=count,
        tree_size=sth.tree_size,
        root_hash=sth.root_hash,
        files=digests,
    )


def protocols_check_against_ledger(*, election: Election) -> list[ProtocolMismatch]:
    """Return every accepted protocol whose current figures differ from its ledger event.

    The figures of the current version (what the portal, the API and the bundle
    publish) must equal those of the latest acceptance, correction or recount event of
    ``<election key>/<station code>``; a row edited directly in the database does not.
    Reads only.
    """
    keys = [o.key for o in election_options(election=election)]
    events = events_for_protocols(election_key=election.key)
    decisive = latest_figures(events, election=election.key, lines=LINE_NAMES)
    out = []
    for row in result_rows(election=election, level="station"):
        if row["status"] != "accepted":
            continue
        station = row["station"]
        figures = decisive.get(station)
        if figures is None or figures.action not in FIGURE_ACTIONS or figures.lines is None:
            out.append(
                ProtocolMismatch(
                    election.key,
                    station,
                    f"protocol {election.key}/{station} is accepted in the database, but the "
                    "ledger holds no acceptance event with its figures",
                )
            )
            continue
        differ = figure_differences(row, figures, lines=LINE_NAMES, options=keys)
        if differ:
            detail = ", ".join(
                f"{c} is {r} in the database but {e} in the ledger" for c, r, e in differ[:5]
            )
            out.append(
                ProtocolMismatch(
                    election.key,
                    station,
                    f"protocol {election.key}/{station} (version {row['version']}) differs from "
                    f"event {figures.seq} ({figures.action}): {detail}",
                )
            )
    return out


def quarantine_list(*, election: Election) -> list[QuarantineEntry]:
    """Return every station whose latest figures break a control relation, by station code.

    Two sources: a submitted or accepted protocol whose current version breaks a
    relation (accepted ones are counted in the totals all the same: the list says which
    votes rest on an inconsistent protocol), and a refused submission with nothing
    submitted or accepted since (its votes are in no total). Reads only; a few queries
    whatever the number of stations.
    """
    options = election_options(election=election)
    keys = [o.key for o in options]
    key_of = {o.pk: o.key for o in options}
    both = election.kind == ElectionKind.REFERENDUM
    live = (ProtocolStatus.SUBMITTED, ProtocolStatus.ACCEPTED)
    rows = Protocol.objects.filter(election=election).values_list(
        "station__code",
        "tec__code",
        "region__code",
        "status",
        "current_id",
        "current__number",
        "submitted_at",
        *(f"current__{n}" for n in LINE_NAMES),
    )
    votes: dict[int, dict[str, int]] = {}
    for version_id, option_id, count in ProtocolVote.objects.filter(
        version__protocol__election=election, version__protocol__status__in=live
    ).values_list("version_id", "option_id", "votes"):
        votes.setdefault(version_id, {})[key_of[option_id]] = count
    out: dict[str, QuarantineEntry] = {}
    settled: set[str] = set()
    places: dict[str, tuple[str, str]] = {}
    for station, tec, region, status, version_id, number, submitted_at, *values in rows:
        places[station] = (tec, region)
        if status not in live or version_id is None:
            continue
        settled.add(station)
        figures = dict(zip(LINE_NAMES, values, strict=True))
        version_votes = votes.get(version_id, {})
        lines = ProtocolLines(**figures, votes={k: version_votes.get(k, 0) for k in keys})
        breaches = check_protocol(lines, option_keys=keys, both_marked_allowed=both)
        if breaches:
            out[station] = QuarantineEntry(
                station=station,
                tec=tec,
                region=region,
                status=status,
                version=number,
                relations=[b.relation for b in breaches],
                voters_on_list=figures["voters_on_list"],
                votes=dict(lines.votes),
                since=submitted_at,
            )
    refusals = list(
        ProtocolRefusal.objects.filter(election=election)
        .exclude(station_code__in=settled)
        .order_by("station_code", "-at")
        .values_list("station_code", "at", "payload", "problems")
    )
    for code, tec, region in Commission.objects.filter(
        geography_id=election.geography_id,
        level=CommissionLevel.PEC,
        code__in={r[0] for r in refusals} - set(places),
    ).values_list("code", "parent__code", "region__code"):
        places[code] = (tec, region or "")
    for station, at, payload, problems in refusals:
        if station in out:
            continue
        tec, region = places.get(station, ("", ""))
        payload_votes = payload.get("votes", {}) if isinstance(payload, dict) else {}
        out[station] = QuarantineEntry(
            station=station,
            tec=tec,
            region=region,
            status="refused",
            version=None,
            relations=[str(p.get("relation", "")) for p in problems if isinstance(p, dict)],
            voters_on_list=int(payload.get("voters_on_list", 0))
            if isinstance(payload, dict)
            else 0,
            votes={k: int(payload_votes.get(k, 0)) for k in keys},
            since=at,
        )
    return [out[k] for k in sorted(out)]


def quarantine_rows(*, election: Election) -> tuple[list[str], list[dict[str, Any]]]:
    """Return the quarantine list as download columns and rows."""
    keys = [o.key for o in election_options(election=election)]
    rows = [
        {
            "station": q.station,
            "tec": q.tec,
            "region": q.region,
            "status": q.status,
            "version": q.version,
            "relations": " ".join(q.relations),
            "voters_on_list": q.voters_on_list,
            **q.votes,
            "since": q.since.isoformat() if q.since else "",
        }
        for q in quarantine_list(election=election)
    ]
    return [*QUARANTINE_COLUMNS, *keys, "since"], rows
