"""Apply a population-register update (new voters, changed details, removals), all or nothing.

The file (docs/voters.md, "Register updates") is checked row by row with the extract's
own checks (``rules.updates``, ``rules.records``), then against the map and the
register: unknown or closed stations, the same IIN twice in the file, an ``add`` of an
IIN already registered, a ``change`` or ``remove`` of one that is not. Any problem
refuses the whole file with the same report as the import, and nothing is written.

An accepted file changes the register, records every applied row as a
``RegisterChange``, and makes the lists of every open election on the map follow
(``_lists_follow``); one ledger event counts it all, without names or IINs.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db import connection, transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.progress import progress
from psephos.elections.enums import ElectionStatus
from psephos.elections.selectors import elections_list
from psephos.ledger.services.events import event_record
from psephos.territory.selectors import closed_codes, unit_and_station_ids

from ..enums import BatchKind, EntrySource, RegisterChangeKind, RemovalReason, VoterOrigin
from ..iin_hash import iin_hash
from ..models import Certificate, ImportBatch, ListEntry, Mark, RegisterChange, Voter
from ..rules.eligibility import ineligibility
from ..rules.records import RowProblem
from ..rules.updates import ADD, CHANGE, UPDATE_HEADER, UpdateRow, update_row_check
from .lists import eligibility_rules
from .register import (
    HashingReader,
    ReportLine,
    _count_lines,
    _encoding_problem,
    _message,
    _refuse,
)

if TYPE_CHECKING:
    from psephos.elections.models import Election
    from psephos.territory.models import Geography

CHUNK = 2_000  # IN-lists and bulk writes
# The list entries a register update may move: those the register put there. An
# inclusion at a place of stay, a correction or an election-day addition stays.
MOVABLE = (EntrySource.REGISTER, EntrySource.REGISTER_UPDATE, EntrySource.CARRIED_OVER)
# A voter whose last entry was removed for one of these may come back on a list.
RESTORABLE = (RemovalReason.REGISTER_REMOVED, RemovalReason.REGISTER_INELIGIBLE)
_CODE_MESSAGE = {"header": "update_header", "column_count": "update_column_count"}


@dataclass
class ListChanges:
    """What an update did to one election's lists."""

    added: int = 0
    moved: int = 0
    removed: int = 0
    kept: int = 0  # marked or holding a certificate: left as it is

    def as_payload(self) -> dict[str, int]:
        return {
            "added": self.added,
            "moved": self.moved,
            "removed": self.removed,
            "kept": self.kept,
        }


@dataclass(frozen=True)
class UpdateResult:
    batch_id: int
    rows: int
    changes: dict[str, int]  # RegisterChangeKind value -> count
    removed: dict[str, int]  # VoterRemoval value -> count
    flagged: int
    lists: dict[str, ListChanges] = field(default_factory=dict)  # election key -> changes


def _report(line: int, problem: RowProblem) -> ReportLine:
    return ReportLine(
        line, problem.column, problem.code, _message(_CODE_MESSAGE.get(problem.code, problem.code))
    )


def _header_ok(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        header = next(csv.reader(handle), None)
    return header is not None and [h.strip() for h in header] == list(UPDATE_HEADER)


def _read(path: Path, advance: Any) -> tuple[list[tuple[int, UpdateRow]], list[ReportLine], str]:
    """Check every row; return the good rows, the problems and the file's SHA-256."""
    rows: list[tuple[int, UpdateRow]] = []
    problems: list[ReportLine] = []
    with path.open("rb") as binary:
        hashing = HashingReader(binary)
        text = io.TextIOWrapper(io.BufferedReader(hashing, 1 << 20), encoding="utf-8", newline="")
        reader = csv.reader(text)
        try:
            next(reader, None)  # the header, checked already
            for index, cells in enumerate(reader):
                checked = update_row_check(cells)
                if isinstance(checked, UpdateRow):
                    rows.append((index + 2, checked))
                else:
                    problems.extend(_report(index + 2, p) for p in checked)
                advance(1)
        except UnicodeDecodeError:
            return [], [_encoding_problem(path, UPDATE_HEADER)], ""
        except csv.Error:
            return [], [ReportLine(reader.line_num, "*", "csv", _message("csv"))], ""
        return rows, problems, hashing.sha.hexdigest()


def _voters_by_key(geography: Geography, keys: Iterable[UUID]) -> dict[UUID, Voter]:
    """The map's voters with these keyed IINs, locked (PostgreSQL) against a mark in flight."""
    found: dict[UUID, Voter] = {}
    distinct = list(keys)
    for start in range(0, len(distinct), CHUNK):
        query = Voter.objects.select_for_update().filter(
            geography_id=geography.pk, iin_hash__in=distinct[start : start + CHUNK]
        )
        found.update((v.iin_hash, v) for v in query)
    return found


def _set_checks(
    geography: Geography,
    rows: list[tuple[int, UpdateRow]],
    keys: list[UUID],
    existing: dict[UUID, Voter],
    stations: dict[str, int],
    closed: set[str],
) -> list[ReportLine]:
    """The problems that need the whole file, the map or the register."""
    problems: list[ReportLine] = []
    first_line: dict[UUID, int] = {}
    for (line, row), key in zip(rows, keys, strict=True):
        if row.record is not None:
            code = row.record.station
            if code in closed:
                problems.append(
                    ReportLine(line, "station", "station_closed", _message("station_closed"))
                )
            elif code not in stations:
                problems.append(
                    ReportLine(line, "station", "unknown_station", _message("unknown_station"))
                )
        if key in first_line:
            problems.append(
                ReportLine(
                    line, "iin", "duplicate_iin", _message("duplicate_iin", first=first_line[key])
                )
            )
            continue
        first_line[key] = line
        voter = existing.get(key)
        active = voter is not None and not voter.removed_reason
        if row.change == ADD and active:
            problems.append(ReportLine(line, "iin", "iin_registered", _message("iin_registered")))
        elif row.change != ADD and not active:
            problems.append(
                ReportLine(line, "iin", "iin_not_registered", _message("iin_not_registered"))
            )
    return problems


def register_update(
    *,
    geography: Geography,
    path: Path,
    report_path: Path,
    actor: str,
    show_progress: bool | None = None,
) -> UpdateResult:
    """Apply a register update to the geography's register and its open elections' lists.

    Preconditions: ``path`` is a UTF-8 CSV with the header ``rules.updates.UPDATE_HEADER``.
    Side effects: one ``ImportBatch`` (kind ``update``), the voters added, changed,
    moved, removed or reinstated, one ``RegisterChange`` per row, review flags, the
    list entries of every open election on the map, one ledger event
    (``voters.register_updated``). Raise ``ImportRefused`` (after writing the report
    to ``report_path``) when any row has a problem; then nothing is written.
    """
    if not _header_ok(path):
        raise _refuse(report_path, [ReportLine(1, "*", "header", _message("update_header"))])
    total = max(_count_lines(path) - 1, 0)
    with progress(_("Checking the register update"), total, enabled=show_progress) as advance:
        rows, problems, sha256 = _read(path, advance)
    if not sha256:  # unreadable: the one problem that stopped the reading
        raise _refuse(report_path, problems)
    keys = [iin_hash(row.iin, geography.pk) for _line, row in rows]
    with transaction.atomic():
        existing = _voters_by_key(geography, set(keys))
        _unit_ids, stations = unit_and_station_ids(geography=geography)
        closed = closed_codes(geography=geography)["stations"]
        problems += _set_checks(geography, rows, keys, existing, stations, closed)
        if problems:
            raise _refuse(report_path, sorted(problems))
        with progress(
            _("Applying the register update"), len(rows), enabled=show_progress
        ) as advance:
            return _apply(
                geography=geography,
                path=path,
                sha256=sha256,
                actor=actor,
                rows=rows,
                keys=keys,
                existing=existing,
                stations=stations,
                advance=advance,
            )


_DETAILS = ("surname", "given_name", "patronymic", "birth_date", "sex", "incapacitated", "prisoner")


def _apply(
    *,
    geography: Geography,
    path: Path,
    sha256: str,
    actor: str,
    rows: list[tuple[int, UpdateRow]],
    keys: list[UUID],
    existing: dict[UUID, Voter],
    stations: dict[str, int],
    advance: Any,
) -> UpdateResult:
    now = clock.now()
    batch = ImportBatch.objects.create(
        kind=BatchKind.UPDATE,
        geography=geography,
        file_name=path.name[:200],
        file_sha256=sha256,
        rows=len(rows),
        imported_at=now,
        imported_by=actor,
    )
    new: list[tuple[int, Voter]] = []
    changed: list[Voter] = []
    changes: list[RegisterChange] = []

    def change(
        line: int,
        voter: Voter,
        kind: str,
        *,
        reason: str = "",
        before: int | None = None,
        after: int | None = None,
    ) -> RegisterChange:
        return RegisterChange(
            batch=batch,
            line=line,
            voter=voter,
            kind=kind,
            reason=reason,
            station_before_id=before,
            station_after_id=after,
            at=now,
        )

    for (line, row), key in zip(rows, keys, strict=True):
        voter = existing.get(key)
        record = row.record
        if record is None:  # a removal of an active voter (checked)
            assert voter is not None
            voter.removed_reason, voter.removed_at = row.reason, now
            changed.append(voter)
            changes.append(
                change(
                    line,
                    voter,
                    RegisterChangeKind.REMOVE,
                    reason=row.reason,
                    before=voter.station_id,
                )
            )
            continue
        station_id = stations[record.station]
        if voter is None:
            voter = Voter(
                geography_id=geography.pk,
                iin_hash=key,
                station_id=station_id,
                origin=VoterOrigin.REGISTER,
                batch=batch,
                **{name: getattr(record, name) for name in _DETAILS},
            )
            new.append((line, voter))
            continue
        before = voter.station_id
        if row.change == CHANGE:
            kind = RegisterChangeKind.MOVE if before != station_id else RegisterChangeKind.CHANGE
        else:  # an add of a removed voter
            kind = RegisterChangeKind.REINSTATE
            voter.removed_reason, voter.removed_at = "", None
        for name in _DETAILS:
            setattr(voter, name, getattr(record, name))
        voter.station_id = station_id
        changed.append(voter)
        changes.append(change(line, voter, kind, before=before, after=station_id))
    for start in range(0, len(new), CHUNK):
        Voter.objects.bulk_create([v for _line, v in new[start : start + CHUNK]])
        advance(min(CHUNK, len(new) - start))
    changes += [
        change(line, voter, RegisterChangeKind.ADD, after=voter.station_id) for line, voter in new
    ]
    Voter.objects.bulk_update(
        changed, [*_DETAILS, "station", "removed_reason", "removed_at"], batch_size=CHUNK
    )
    advance(len(changed))
    changes.sort(key=lambda c: c.line)
    RegisterChange.objects.bulk_create(changes, batch_size=CHUNK)
    flagged = _flag(geography=geography, batch=batch)
    touched = [v for _line, v in new] + changed
    lists = {
        election.key: _lists_follow(election=election, voters=touched, now=now)
        for election in _open_elections(geography)
    }
    kinds = Counter(c.kind for c in changes)
    removed = Counter(c.reason for c in changes if c.kind == RegisterChangeKind.REMOVE)
    counts = {k.value: kinds.get(k.value, 0) for k in RegisterChangeKind}
    event_record(
        actor=actor,
        role="cec",
        action="voters.register_updated",
        object_key=f"{geography.key}/batch/{batch.pk}",
        payload={
            "file_sha256": sha256,
            "rows": len(rows),
            "changes": counts,
            "removed": dict(sorted(removed.items())),
            "flagged": flagged,
            "lists": {key: lists[key].as_payload() for key in sorted(lists)},
        },
    )
    return UpdateResult(
        batch_id=batch.pk,
        rows=len(rows),
        changes=counts,
        removed=dict(removed),
        flagged=flagged,
        lists=lists,
    )


def _flag(*, geography: Geography, batch: ImportBatch) -> int:
    """Flag for review the voters sharing name and birth date with a voter this update
    added or changed; return how many voters of the map are flagged."""
    table, changes = Voter._meta.db_table, RegisterChange._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"UPDATE {table} SET review = %s WHERE geography_id = %s AND review = %s"  # noqa: S608
            " AND (surname, given_name, patronymic, birth_date) IN ("
            f" SELECT v.surname, v.given_name, v.patronymic, v.birth_date FROM {table} v"
            f" JOIN {changes} c ON c.voter_id = v.id AND c.batch_id = %s"
            f" JOIN {table} o ON o.geography_id = v.geography_id AND o.id <> v.id"
            " AND o.surname = v.surname AND o.given_name = v.given_name"
            " AND o.patronymic = v.patronymic AND o.birth_date = v.birth_date)",
            [True, geography.pk, False, batch.pk],
        )
        cur.execute(
            f"SELECT COUNT(*) FROM {table} WHERE geography_id = %s AND review = %s",  # noqa: S608
            [geography.pk, True],
        )
        row = cur.fetchone()
    return int(row[0]) if row else 0


def _open_elections(geography: Geography) -> Iterator[Election]:
    """The map's elections whose lists are extracted and may still change:
    not yet counting, voting day not past (the service clock's UTC date)."""
    today = clock.now().date()
    for election in elections_list(geography_id=geography.pk):
        if election.status != ElectionStatus.CONFIGURED or election.date < today:
            continue
        if ListEntry.objects.filter(election=election).exists():
            yield election


def _lists_follow(*, election: Election, voters: list[Voter], now: Any) -> ListChanges:
    """Make the election's lists follow the register for ``voters``.

    A voter marked or holding a certificate is left as is. Otherwise an active,
    eligible voter belongs on the list of their register station: a register entry
    elsewhere moves there, and a voter on no list comes on it if they never had an
    entry or lost it to an earlier register update. A removed or no longer eligible
    voter leaves the list whatever the entry's source. Entries made at a place of
    stay, by a correction or on election day are not moved.
    """
    result = ListChanges()
    rules = eligibility_rules(election)
    by_id = {v.pk: v for v in voters}
    ids = list(by_id)
    entries: dict[int, list[ListEntry]] = {}
    held: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        # The active entries are locked before the marks are read: a mark in flight
        # reads its entry FOR SHARE, so it commits first and is seen (lists.entries_lock).
        for entry in (
            ListEntry.objects.select_for_update()
            .filter(election=election, voter_id__in=chunk)
            .order_by("id")
        ):
            entries.setdefault(entry.voter_id, []).append(entry)
        held.update(
            Mark.objects.filter(election=election, voter_id__in=chunk).values_list(
                "voter_id", flat=True
            )
        )
        held.update(
            Certificate.objects.filter(election=election, voter_id__in=chunk).values_list(
                "voter_id", flat=True
            )
        )
    removals: dict[str, list[int]] = {}
    additions: list[ListEntry] = []
    for voter_id, voter in by_id.items():
        if voter_id in held:
            result.kept += 1
            continue
        history = entries.get(voter_id, [])
        current = next((e for e in history if not e.removed_reason), None)
        eligible = not voter.removed_reason and not ineligibility(
            rules=rules,
            birth_date=voter.birth_date,
            election_day=election.date,
            incapacitated=voter.incapacitated,
            prisoner=voter.prisoner,
        )
        if not eligible:
            if current is not None:
                reason = (
                    RemovalReason.REGISTER_REMOVED
                    if voter.removed_reason
                    else RemovalReason.REGISTER_INELIGIBLE
                )
                removals.setdefault(reason, []).append(current.pk)
                result.removed += 1
            continue
        if current is None:
            if history and history[-1].removed_reason not in RESTORABLE:
                continue  # off the list by a decision or an act at a station: not ours to undo
            result.added += 1
        elif current.station_id == voter.station_id or current.source not in MOVABLE:
            continue
        else:
            removals.setdefault(RemovalReason.REGISTER_MOVED, []).append(current.pk)
            result.moved += 1
        additions.append(
            ListEntry(
                election=election,
                voter_id=voter_id,
                station_id=voter.station_id,
                source=EntrySource.REGISTER_UPDATE,
                added_at=now,
            )
        )
    for why, pks in removals.items():
        for start in range(0, len(pks), CHUNK):
            ListEntry.objects.filter(pk__in=pks[start : start + CHUNK]).update(
                removed_reason=why, removed_at=now
            )
    ListEntry.objects.bulk_create(additions, batch_size=CHUNK)
    return result
