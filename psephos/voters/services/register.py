"""Load a population-register extract into the national register, all or nothing.

On PostgreSQL the file goes through ``register_pg``: checked a block at a time as
columns (``rules.columns``) and copied straight into the register. Elsewhere, and for
a file Arrow cannot parse, rows are checked one by one with ``rules.records`` while
they stream into a staging table in batches; checks that need the whole file or the
database then run set-based on it: unknown station codes, the same IIN twice in the
file, an IIN already in the register. Either way any error refuses
the whole file: nothing is written, and the error report lists every line, column
and reason. Names and birth dates appearing under two IINs are flagged for review,
not refused.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from psephos.core import clock
from psephos.core.progress import progress
from psephos.ledger.services.events import event_record

from ..enums import VoterOrigin
from ..errors import ImportRefused
from ..iin_hash import iin_hash
from ..models import ImportBatch
from ..rules.records import HEADER, Record, record_check

if TYPE_CHECKING:
    from psephos.territory.models import Geography

BATCH = 20_000
PROBLEM_MESSAGES = {
    "column_count": gettext_noop(
        "the row must have 8 columns: iin,surname,given_name,patronymic,birth_date,sex,station,status"
    ),
    "iin_length": gettext_noop("the IIN must have 12 digits"),
    "iin_not_digits": gettext_noop("the IIN must be 12 ASCII digits"),
    "iin_century_digit": gettext_noop("the 7th IIN digit (century and sex) must be 1–6"),
    "iin_birth_date": gettext_noop("the IIN does not start with a real date"),
    "iin_never_issued": gettext_noop(
        "the first 11 IIN digits are never issued (both check passes give 10)"
    ),
    "iin_check_digit": gettext_noop("the IIN check digit is wrong"),
    "iin_birth_date_mismatch": gettext_noop("the IIN does not encode the birth date given"),
    "iin_sex_mismatch": gettext_noop("the 7th IIN digit does not agree with the sex given"),
    "required": gettext_noop("the value is required"),
    "too_long": gettext_noop("the value is longer than 100 characters"),
    "date_format": gettext_noop("the date must be a real date written YYYY-MM-DD"),
    "sex_value": gettext_noop("sex must be M or F"),
    "status_flag": gettext_noop(
        "status flags must be empty or 'incapacitated', 'prisoner', separated by ';'"
    ),
    "unknown_station": gettext_noop("no polling station with this code on the election's map"),
    "duplicate_iin": gettext_noop("the same IIN as line %(first)s"),
    "iin_registered": gettext_noop("this IIN is already in the register"),
    "header": gettext_noop(
        "the header must be exactly: iin,surname,given_name,patronymic,birth_date,sex,station,status"
    ),
    "encoding": gettext_noop("the file is not UTF-8 text"),
    # Register updates (``register_update``): the header and row width differ.
    "update_header": gettext_noop(
        "the header must be exactly: "
        "change,iin,surname,given_name,patronymic,birth_date,sex,station,status,reason"
    ),
    "update_column_count": gettext_noop(
        "the row must have 10 columns: "
        "change,iin,surname,given_name,patronymic,birth_date,sex,station,status,reason"
    ),
    "change_value": gettext_noop("the change must be 'add', 'change' or 'remove'"),
    "removal_reason": gettext_noop(
        "a removal needs a reason: 'death', 'citizenship' or 'duplicate'"
    ),
    "reason_not_allowed": gettext_noop("only a removal has a reason"),
    "iin_not_registered": gettext_noop("no voter with this IIN in the register"),
    "station_closed": gettext_noop("this polling station is closed on the current map"),
    "csv": gettext_noop("the CSV is malformed here (an unclosed quote?)"),
}


@dataclass(frozen=True, slots=True)
class ImportResult:
    batch_id: int
    rows: int
    flagged: int


class ReportLine(NamedTuple):  # a tuple: a refused file can have millions of them
    line: int
    column: str
    code: str
    message: str


class HashingReader(io.RawIOBase):
    """Read a binary file and hash it on the way through."""

    def __init__(self, raw: io.BufferedIOBase) -> None:
        self.raw = raw
        self.sha = hashlib.sha256()
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer) or 0
        self.sha.update(memoryview(buffer).cast("B")[:n])
        self.bytes_read += n
        return n


def _message(code: str, **params: object) -> str:
    return _(PROBLEM_MESSAGES[code]) % params if params else _(PROBLEM_MESSAGES[code])


def _rows(records: Iterator[tuple[int, Record]], geography_id: int) -> Iterator[tuple[Any, ...]]:
    for line, r in records:
        yield (
            line,
            iin_hash(r.iin, geography_id),
            r.surname,
            r.given_name,
            r.patronymic,
            r.birth_date,
            r.sex,
            r.station,
            r.incapacitated,
            r.prisoner,
        )


STAGING_COLUMNS = (
    "line, iin_hash, surname, given_name, patronymic, birth_date, sex, station, "
    "incapacitated, prisoner"
)


def _create_staging() -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("DROP TABLE IF EXISTS pg_temp.voters_staging")
            cur.execute(
                "CREATE TEMP TABLE voters_staging (line integer, iin_hash uuid, surname text,"
                " given_name text, patronymic text, birth_date date, sex text, station text,"
                " incapacitated boolean, prisoner boolean)"
            )
        else:
            cur.execute("DROP TABLE IF EXISTS temp.voters_staging")
            cur.execute(
                "CREATE TEMP TABLE voters_staging (line integer, iin_hash text, surname text,"
                " given_name text, patronymic text, birth_date date, sex text, station text,"
                " incapacitated bool, prisoner bool)"
            )


def _stage(rows: Iterator[tuple[Any, ...]]) -> None:
    """Stream rows into the staging table."""
    if connection.vendor == "postgresql":
        raw = connection.connection  # the psycopg connection under Django's wrapper
        with raw.cursor() as cur:
            with cur.copy(f"COPY voters_staging ({STAGING_COLUMNS}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    sql = f"INSERT INTO voters_staging ({STAGING_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?)"  # noqa: S608 constant
    raw_conn = connection.connection
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append((*row[:5], row[5].isoformat(), *row[6:8], int(row[8]), int(row[9])))
        if len(chunk) >= BATCH:
            raw_conn.executemany(sql, chunk)
            chunk.clear()
    if chunk:
        raw_conn.executemany(sql, chunk)


def _set_checks(geography: Geography) -> list[ReportLine]:
    """Return the errors that need the whole file or the database."""
    problems: list[ReportLine] = []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT s.line FROM voters_staging s LEFT JOIN territory_pollingstation p"
            " ON p.geography_id = %s AND p.code = s.station WHERE p.id IS NULL ORDER BY s.line",
            [geography.pk],
        )
        problems += [
            ReportLine(line, "station", "unknown_station", _message("unknown_station"))
            for (line,) in cur.fetchall()
        ]
        cur.execute(
            "SELECT s.line, f.first FROM voters_staging s JOIN (SELECT iin_hash, MIN(line) AS first"
            " FROM voters_staging GROUP BY iin_hash HAVING COUNT(*) > 1) f"
            " ON f.iin_hash = s.iin_hash WHERE s.line > f.first ORDER BY s.line"
        )
        problems += [
            ReportLine(line, "iin", "duplicate_iin", _message("duplicate_iin", first=first))
            for line, first in cur.fetchall()
        ]
        cur.execute(
            "SELECT s.line FROM voters_staging s JOIN voters_voter v"
            " ON v.geography_id = %s AND v.iin_hash = s.iin_hash ORDER BY s.line",
            [geography.pk],
        )
        problems += [
            ReportLine(line, "iin", "iin_registered", _message("iin_registered"))
            for (line,) in cur.fetchall()
        ]
    return problems


def _insert(geography: Geography, batch: ImportBatch, origin: str) -> int:
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO voters_voter (geography_id, iin_hash, surname, given_name, patronymic,"
            " birth_date, sex, station_id, incapacitated, prisoner, origin, review, batch_id)"
            " SELECT %s, s.iin_hash, s.surname, s.given_name, s.patronymic, s.birth_date, s.sex,"
            " p.id, s.incapacitated, s.prisoner, %s, %s, %s FROM voters_staging s"
            " JOIN territory_pollingstation p ON p.geography_id = %s AND p.code = s.station",
            [geography.pk, origin, False, batch.pk, geography.pk],
        )
        inserted = cur.rowcount
    return inserted


def register_flag_duplicates(*, geography: Geography) -> int:
    """Flag every voter whose name and birth date also appear under another IIN.

    Runs in the caller's transaction; return how many voters are flagged.
    """
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # The grouping runs over the whole map; give it memory instead of temp files.
            cur.execute("SET LOCAL work_mem = '256MB'")
            # Rows just copied in are not in the statistics yet: the planner then reads the
            # map as one row and re-groups it for every voter (quadratic: 1,000,000 voters
            # took over 400 s). Fresh statistics give a hash join, linear in the voters.
            cur.execute("ANALYZE voters_voter")
        cur.execute(
            "UPDATE voters_voter AS v SET review = %s FROM (SELECT surname, given_name, patronymic,"
            " birth_date FROM voters_voter WHERE geography_id = %s"
            " GROUP BY surname, given_name, patronymic, birth_date HAVING COUNT(*) > 1) d"
            " WHERE v.geography_id = %s AND v.review = %s AND d.surname = v.surname"
            " AND d.given_name = v.given_name AND d.patronymic = v.patronymic"
            " AND d.birth_date = v.birth_date",
            [True, geography.pk, geography.pk, False],
        )
        cur.execute(
            "SELECT COUNT(*) FROM voters_voter WHERE geography_id = %s AND review = %s",
            [geography.pk, True],
        )
        row = cur.fetchone()
    return int(row[0]) if row else 0


def _count_lines(path: Path) -> int:
    """The file's newlines (the progress bar's total), counted by NumPy: 3.6 GB/s here."""
    lines, buffer = 0, bytearray(8 << 20)
    with path.open("rb") as handle:
        while read := handle.readinto(buffer):
            lines += int(np.count_nonzero(np.frombuffer(buffer, np.uint8, read) == ord("\n")))
    return lines


def write_report(report_path: Path, problems: Iterable[ReportLine]) -> int:
    """Write the error report, one CSV row per problem in the order given; return how many.

    ``problems`` may be a generator: a file refused line by line can have millions.
    """
    report_path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with report_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "column", "code", "message"])
        for chunk in itertools.batched(problems, 10_000):
            writer.writerows(chunk)
            written += len(chunk)
    return written


def _refuse(report_path: Path, problems: Iterable[ReportLine]) -> ImportRefused:
    """Write the report of ``problems`` (in line order) and return the refusal naming it."""
    count = write_report(report_path, problems)
    return ImportRefused(
        _("The file was refused: %(count)d problem(s); see the report %(report)s.")
        % {"count": count, "report": report_path.name},
        data={"problems": count, "report": str(report_path)},
    )


def _header_ok(path: Path) -> bool:
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        header = next(csv.reader(handle), None)
    return header is not None and [h.strip() for h in header] == list(HEADER)


def _batch(geography: Geography, path: Path, sha256: str, actor: str) -> ImportBatch:
    return ImportBatch.objects.create(
        geography=geography,
        file_name=path.name[:200],
        file_sha256=sha256,
        rows=0,
        imported_at=clock.now(),
        imported_by=actor,
    )


def _finish(
    *, geography: Geography, batch: ImportBatch, rows: int, actor: str, flagged: int | None = None
) -> ImportResult:
    """Record the batch and its ledger event; ``flagged`` None: flag over the whole map first."""
    if flagged is None:
        flagged = register_flag_duplicates(geography=geography)
    batch.rows, batch.flagged = rows, flagged
    batch.save(update_fields=["rows", "flagged", "file_sha256"])
    event_record(
        actor=actor,
        role="cec",
        action="voters.register_imported",
        object_key=f"{geography.key}/batch/{batch.pk}",
        payload={"rows": rows, "flagged": flagged, "file_sha256": batch.file_sha256},
    )
    return ImportResult(batch_id=batch.pk, rows=rows, flagged=flagged)


def register_import(
    *,
    geography: Geography,
    path: Path,
    report_path: Path,
    actor: str,
    show_progress: bool | None = None,
    origin: str = VoterOrigin.REGISTER,
) -> ImportResult:
    """Import a population-register extract into the geography's register.

    Preconditions: ``path`` is a UTF-8 CSV with the header ``rules.records.HEADER``.
    Side effects: one ``ImportBatch``, one voter per row, review flags on same
    name-and-birth-date voters, one ledger event. Raise ``ImportRefused`` (after
    writing the report to ``report_path``) when any row has a problem; then nothing
    is written.
    """
    total = max(_count_lines(path) - 1, 0)
    with transaction.atomic():
        if not _header_ok(path):
            raise _refuse(report_path, [ReportLine(1, "*", "header", _message("header"))])
        job: dict[str, Any] = {
            "geography": geography,
            "path": path,
            "actor": actor,
            "origin": origin,
        }
        if connection.vendor == "postgresql":
            from . import register_pg

            with progress(
                _("Checking and loading voters"), total, enabled=show_progress
            ) as advance:
                try:
                    return _import_fast(**job, advance=advance)
                except register_pg.Rejected:
                    rejected = True
                except register_pg.Unreadable:
                    rejected = False  # malformed CSV: the checked path names every bad line
            if rejected:  # nothing was written; read the file again to name every problem
                with progress(_("Listing the problems"), total, enabled=show_progress) as advance:
                    found = register_pg.problems(
                        path=path, geography_id=geography.pk, advance=advance
                    )
                if found:
                    raise _refuse(report_path, _problem_lines(found))
                # a refusal the second pass cannot name: let the row-by-row path decide
        with progress(_("Checking and loading voters"), total, enabled=show_progress) as advance:
            return _import_checked(**job, report_path=report_path, advance=advance)


def _import_fast(
    *,
    geography: Geography,
    path: Path,
    actor: str,
    origin: str,
    advance: Any,
) -> ImportResult:
    """Run the PostgreSQL path; on ``Rejected`` or ``Unreadable`` nothing is written."""
    from . import register_pg

    with transaction.atomic():  # a refusal rolls back everything, batch included
        batch = _batch(geography, path, "", actor)
        loaded = register_pg.load(
            path=path,
            geography_id=geography.pk,
            batch_id=batch.pk,
            origin=origin,
            advance=advance,
        )
        batch.file_sha256 = loaded.sha256
        return _finish(
            geography=geography,
            batch=batch,
            rows=loaded.rows,
            actor=actor,
            flagged=loaded.flagged,
        )


def _problem_lines(found: list[tuple[int, str, str, int]]) -> Iterator[ReportLine]:
    """The report's lines, one at a time; each code's message is translated once
    (millions of lines can share a code: a file that repeats the register)."""
    templates: dict[str, str] = {}
    for line, column, code, first in found:
        if code not in templates:
            templates[code] = _(PROBLEM_MESSAGES[code])
        yield ReportLine(
            line, column, code, templates[code] % {"first": first} if first else templates[code]
        )


def _import_checked(
    *,
    geography: Geography,
    path: Path,
    report_path: Path,
    actor: str,
    origin: str,
    advance: Any,
) -> ImportResult:
    """Check every row in Python (``rules.records``), stage, check set-based, insert."""
    problems: list[ReportLine] = []
    with path.open("rb") as binary:
        hashing = HashingReader(binary)
        text = io.TextIOWrapper(io.BufferedReader(hashing, 1 << 20), encoding="utf-8", newline="")
        reader = csv.reader(text)
        _create_staging()

        def records() -> Iterator[tuple[int, Record]]:
            next(reader, None)  # the header, checked already (it may decode later bytes too)
            step = 0
            for index, row in enumerate(reader):
                line = index + 2
                checked = record_check(row)
                if isinstance(checked, Record):
                    yield line, checked
                else:
                    problems.extend(
                        ReportLine(line, p.column, p.code, _message(p.code)) for p in checked
                    )
                step += 1
                if step == 10_000:
                    advance(step)
                    step = 0
            advance(step)

        try:
            _stage(_rows(records(), geography.pk))
        except UnicodeDecodeError:
            raise _refuse(report_path, [_encoding_problem(path)]) from None
        except csv.Error:
            raise _refuse(
                report_path, [ReportLine(reader.line_num, "*", "csv", _message("csv"))]
            ) from None
        sha256 = hashing.sha.hexdigest()
    problems += _set_checks(geography)
    if problems:
        raise _refuse(report_path, sorted(problems))  # by line, then column
    batch = _batch(geography, path, sha256, actor)
    rows = _insert(geography, batch, origin)
    _drop_staging()
    return _finish(geography=geography, batch=batch, rows=rows, actor=actor)


def _encoding_problem(path: Path, header: tuple[str, ...] = HEADER) -> ReportLine:
    """Name the first line (and its column) that is not UTF-8; only read on that refusal."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                cells = next(csv.reader([raw.decode("utf-8", "surrogateescape")]), [])
                bad = next(
                    (
                        i
                        for i, cell in enumerate(cells)
                        if any(0xDC80 <= ord(c) <= 0xDCFF for c in cell)
                    ),
                    None,
                )
                column = header[bad] if bad is not None and bad < len(header) else "*"
                return ReportLine(number, column, "encoding", _message("encoding"))
    return ReportLine(1, "*", "encoding", _message("encoding"))  # not reached: a line failed


def _drop_staging() -> None:
    schema = "pg_temp" if connection.vendor == "postgresql" else "temp"
    with connection.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {schema}.voters_staging")


def register_delete(*, geography: Geography, actor: str, role: str = "system") -> int:
    """Delete a map's register with its lists, marks, certificates, correction requests
    and import history (``psephos simulate --replace`` rebuilds the map).

    Returns the number of voters deleted; writes one ``voters.register_deleted`` event
    (counts only) when the map had a register or an import.
    """
    from ..models import Certificate, CorrectionRequest, ListEntry, Mark, RegisterChange, Voter

    with transaction.atomic():
        voters = Voter.objects.filter(geography=geography)
        batches = ImportBatch.objects.filter(geography=geography)
        count = voters.count()
        if not count and not batches.exists():
            return 0
        # What refers to a voter or an import goes first (their keys are PROTECT).
        for model, field in (
            (Mark, "voter__geography"),
            (Certificate, "voter__geography"),
            (CorrectionRequest, "voter__geography"),
            (ListEntry, "voter__geography"),
            (RegisterChange, "batch__geography"),
        ):
            model.objects.filter(**{field: geography}).delete()
        voters.delete()
        imports = batches.count()
        batches.delete()
        event_record(
            actor=actor,
            role=role,
            action="voters.register_deleted",
            object_key=geography.key,
            payload={"geography": geography.key, "voters": count, "imports": imports},
        )
    return count
