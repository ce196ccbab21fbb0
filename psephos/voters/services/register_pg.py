# ruff: noqa: S608 — every SQL string here is built from module constants; values are bound.
"""The PostgreSQL fast path of the register import: COPY, then set-based checks.

The file is copied as text into a temporary table (line numbers from an identity
column, in file order), every row check of ``rules.records`` runs as one SQL scan
(``ROW_PROBLEMS_SQL`` is that module compiled to SQL; a test holds the two in
agreement), and the insert computes the keyed hash with pgcrypto's ``hmac``.
Duplicates inside the file and IINs already registered surface as a unique
violation of the insert; only then do the slower queries that name each line run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from django.db import IntegrityError, connection, transaction

from ..rules.iin import FIRST_WEIGHTS, SECOND_WEIGHTS
from ..rules.records import HEADER, NAME_MAX, STATUS_FLAGS, STATUS_SEPARATOR

WS = "E' \\t\\r\\n'"  # whitespace trimmed like Python's str.strip for the characters that occur


def _digit(i: int) -> str:
    return f"(ascii(substr(iin, {i}, 1)) - 48)"


def _days_in_month(y: str, m: str) -> str:
    return (
        f"CASE WHEN {m} IN (1,3,5,7,8,10,12) THEN 31 WHEN {m} IN (4,6,9,11) THEN 30"
        f" WHEN ({y} %% 4 = 0 AND {y} %% 100 <> 0) OR {y} %% 400 = 0 THEN 29 ELSE 28 END"
    )


S1 = " + ".join(f"{w} * {_digit(i + 1)}" for i, w in enumerate(FIRST_WEIGHTS))
S2 = " + ".join(f"{w} * {_digit(i + 1)}" for i, w in enumerate(SECOND_WEIGHTS))
FLAGS = ", ".join(f"'{f}'" for f in sorted(STATUS_FLAGS))

# Stage 1: trimmed text. Stage 2: shapes and numbers. Stage 3: problem codes.
# OFFSET 0 keeps each stage a streamed subquery: inlined, the stages would repeat
# every expression once per reference and the plan grows exponentially.
ROW_PROBLEMS_SQL = f"""
WITH t AS (
  SELECT line, btrim(coalesce(iin, ''), {WS}) AS iin, btrim(coalesce(surname, ''), {WS}) AS surname,
    btrim(coalesce(given_name, ''), {WS}) AS given_name,
    btrim(coalesce(patronymic, ''), {WS}) AS patronymic,
    btrim(coalesce(birth_date, ''), {WS}) AS birth, btrim(coalesce(sex, ''), {WS}) AS sex,
    btrim(coalesce(station, ''), {WS}) AS station, coalesce(status, '') AS status
  FROM pg_temp.voters_raw OFFSET 0
), s AS (
  SELECT t.*, (iin ~ '^[0-9]{{12}}$') AS iin_ok, (birth ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}$') AS birth_ok
  FROM t OFFSET 0
), n AS (
  SELECT s.*,
    CASE WHEN iin_ok THEN ascii(substr(iin, 7, 1)) - 48 END AS c,
    CASE WHEN iin_ok THEN substr(iin, 1, 2)::int END AS yy,
    CASE WHEN iin_ok THEN substr(iin, 3, 2)::int END AS mm,
    CASE WHEN iin_ok THEN substr(iin, 5, 2)::int END AS dd,
    CASE WHEN iin_ok THEN ({S1}) %% 11 END AS s1,
    CASE WHEN birth_ok THEN substr(birth, 1, 4)::int END AS by_,
    CASE WHEN birth_ok THEN substr(birth, 6, 2)::int END AS bm,
    CASE WHEN birth_ok THEN substr(birth, 9, 2)::int END AS bd
  FROM s OFFSET 0
), v AS (
  SELECT n.*,
    CASE WHEN c BETWEEN 1 AND 6 THEN 1800 + ((c - 1) / 2) * 100 + yy END AS iy,
    (birth_ok AND by_ >= 1 AND bm BETWEEN 1 AND 12 AND bd BETWEEN 1 AND {_days_in_month("by_", "bm")}) AS birth_valid,
    (btrim(status, {WS}) = '' OR NOT EXISTS (
       SELECT 1 FROM unnest(string_to_array(status, '{STATUS_SEPARATOR}')) AS f(flag)
       WHERE btrim(flag, {WS}) <> '' AND btrim(flag, {WS}) NOT IN ({FLAGS}))) AS status_ok
  FROM n OFFSET 0
), w AS (
  SELECT v.*,
    (iy IS NOT NULL AND mm BETWEEN 1 AND 12 AND dd BETWEEN 1 AND {_days_in_month("iy", "mm")}) AS iin_date_ok,
    CASE WHEN s1 <> 10 THEN s1 WHEN ({S2}) %% 11 <> 10 THEN ({S2}) %% 11 END AS k
  FROM v OFFSET 0
), p AS (
  SELECT line, station, array_remove(ARRAY[
    CASE WHEN char_length(iin) <> 12 THEN 'iin:iin_length'
         WHEN NOT iin_ok THEN 'iin:iin_not_digits'
         WHEN c NOT BETWEEN 1 AND 6 THEN 'iin:iin_century_digit'
         WHEN NOT iin_date_ok THEN 'iin:iin_birth_date'
         WHEN k IS NULL THEN 'iin:iin_never_issued'
         WHEN k <> ascii(substr(iin, 12, 1)) - 48 THEN 'iin:iin_check_digit' END,
    CASE WHEN surname = '' THEN 'surname:required' WHEN char_length(surname) > {NAME_MAX} THEN 'surname:too_long' END,
    CASE WHEN given_name = '' THEN 'given_name:required' WHEN char_length(given_name) > {NAME_MAX} THEN 'given_name:too_long' END,
    CASE WHEN char_length(patronymic) > {NAME_MAX} THEN 'patronymic:too_long' END,
    CASE WHEN NOT birth_valid THEN 'birth_date:date_format' END,
    CASE WHEN sex NOT IN ('M', 'F') THEN 'sex:sex_value' END,
    CASE WHEN station = '' THEN 'station:required' END,
    CASE WHEN NOT status_ok THEN 'status:status_flag' END,
    CASE WHEN iin_ok AND iin_date_ok AND k = ascii(substr(iin, 12, 1)) - 48 AND birth_valid
          AND (substr(iin, 1, 6) <> substr(birth, 3, 2) || substr(birth, 6, 2) || substr(birth, 9, 2)
               OR by_ NOT BETWEEN iy - yy AND iy - yy + 99)
         THEN 'iin:iin_birth_date_mismatch' END,
    CASE WHEN iin_ok AND iin_date_ok AND k = ascii(substr(iin, 12, 1)) - 48 AND birth_valid
          AND sex IN ('M', 'F') AND (c %% 2 = 1) <> (sex = 'M')
         THEN 'iin:iin_sex_mismatch' END
  ], NULL) AS problems
  FROM w OFFSET 0
)
SELECT p.line, p.problems, (cardinality(p.problems) = 0 AND ps.id IS NULL) AS unknown_station
FROM p LEFT JOIN territory_pollingstation ps ON ps.geography_id = %s AND ps.code = p.station
WHERE cardinality(p.problems) > 0 OR ps.id IS NULL
ORDER BY p.line
"""

INSERT_SQL = f"""
INSERT INTO voters_voter (geography_id, iin_hash, surname, given_name, patronymic, birth_date,
  sex, station_id, incapacitated, prisoner, origin, review, batch_id)
SELECT %(geo)s, hmac(convert_to(btrim(r.iin, {WS}), 'UTF8'), %(key)s::bytea, 'sha256'), btrim(r.surname, {WS}),
  btrim(r.given_name, {WS}), btrim(coalesce(r.patronymic, ''), {WS}),
  btrim(r.birth_date, {WS})::date, btrim(r.sex, {WS}), ps.id,
  coalesce(r.status, '') ~ '(^|;)[ \\t]*incapacitated[ \\t]*(;|$)',
  coalesce(r.status, '') ~ '(^|;)[ \\t]*prisoner[ \\t]*(;|$)',
  %(origin)s, false, %(batch)s
FROM pg_temp.voters_raw r
JOIN territory_pollingstation ps ON ps.geography_id = %(geo)s AND ps.code = btrim(r.station, {WS})
"""


def stage_copy(binary: IO[bytes], advance: Callable[[int], None]) -> None:
    """Copy the CSV (header line included) into ``pg_temp.voters_raw``; raise on a malformed file."""
    columns = ", ".join(HEADER)
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS pg_temp.voters_raw")
        cur.execute(
            "CREATE TEMP TABLE voters_raw (line bigint GENERATED ALWAYS AS IDENTITY (START 2),"
            + ", ".join(f"{c} text" for c in HEADER)
            + ")"
        )
    with connection.connection.cursor() as cur:
        with cur.copy(
            f"COPY pg_temp.voters_raw ({columns}) FROM STDIN WITH (FORMAT csv, HEADER true)"
        ) as copy:
            for chunk in iter(lambda: binary.read(1 << 20), b""):
                copy.write(chunk)
                advance(chunk.count(b"\n"))


def row_problems(geography_id: int) -> list[tuple[int, str, str]]:
    """Return (line, column, code) for every row problem and unknown station."""
    out: list[tuple[int, str, str]] = []
    with connection.cursor() as cur:
        cur.execute(ROW_PROBLEMS_SQL, [geography_id])
        for line, problems, unknown in cur.fetchall():
            for item in problems:
                column, code = item.split(":", 1)
                out.append((line, column, code))
            if unknown:
                out.append((line, "station", "unknown_station"))
    return out


# An initial load into an empty register builds the two secondary indexes once,
# sorted, after the insert instead of updating them row by row: for millions of
# rows that is several times faster. The names and definitions are the migration's.
DROP_INDEXES = (
    "ALTER TABLE voters_voter DROP CONSTRAINT voter_iin_once",
    "DROP INDEX voter_station",
)
CREATE_INDEXES = (
    "ALTER TABLE voters_voter ADD CONSTRAINT voter_iin_once UNIQUE (geography_id, iin_hash)",
    "CREATE INDEX voter_station ON voters_voter (station_id)",
)


def insert(*, geography_id: int, key: bytes, origin: str, batch_id: int) -> int | None:
    """Insert every staged row; return the count, or None on a unique violation (rolled back).

    Into an empty register the indexes are dropped and rebuilt in the same
    transaction (the table is locked until commit).
    """
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SELECT EXISTS (SELECT 1 FROM voters_voter)")
            row = cur.fetchone()
            initial = row is not None and not row[0]
            if initial:
                cur.execute("LOCK TABLE voters_voter IN ACCESS EXCLUSIVE MODE")
                for statement in DROP_INDEXES:
                    cur.execute(statement)
            cur.execute(
                INSERT_SQL, {"geo": geography_id, "key": key, "origin": origin, "batch": batch_id}
            )
            count = int(cur.rowcount)
            if initial:
                cur.execute("SET LOCAL maintenance_work_mem = '512MB'")
                for statement in CREATE_INDEXES:
                    cur.execute(statement)
            return count
    except IntegrityError:
        return None


def duplicate_problems(geography_id: int, key: bytes) -> list[tuple[int, str, str, int]]:
    """Return (line, column, code, first line) for repeated and already-registered IINs."""
    out: list[tuple[int, str, str, int]] = []
    with connection.cursor() as cur:
        cur.execute(
            f"SELECT r.line, f.first FROM pg_temp.voters_raw r JOIN (SELECT btrim(iin, {WS}) AS iin,"
            f" MIN(line) AS first FROM pg_temp.voters_raw GROUP BY 1 HAVING COUNT(*) > 1) f"
            f" ON f.iin = btrim(r.iin, {WS}) WHERE r.line > f.first ORDER BY r.line"
        )
        out += [(line, "iin", "duplicate_iin", first) for line, first in cur.fetchall()]
        cur.execute(
            f"SELECT r.line FROM pg_temp.voters_raw r JOIN voters_voter v ON v.geography_id = %s"
            f" AND v.iin_hash = hmac(convert_to(btrim(r.iin, {WS}), 'UTF8'), %s::bytea, 'sha256')"
            f" ORDER BY r.line",
            [geography_id, key],
        )
        out += [(line, "iin", "iin_registered", 0) for (line,) in cur.fetchall()]
    return out


def discard_lines(lines: list[int]) -> None:
    """Remove rows that failed a row check, so later checks see only the good rows."""
    with connection.cursor() as cur:
        cur.execute("DELETE FROM pg_temp.voters_raw WHERE line = ANY(%s)", [lines])


def drop() -> None:
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS pg_temp.voters_raw")
