"""Read and check the files of ``psephos setup DIR`` (pure Python, no database).

A setup directory holds five tables (``units``, ``stations``, ``commissions``,
``members``, ``operators``; each ``.csv`` in UTF-8 or ``.xlsx``) and ``election.toml``.
``setup_read`` parses them into plain rows and collects every problem with its file,
line and column instead of stopping at the first, so one run names everything that
must be fixed. ``diff_records`` compares what the files want with what is stored.

Problems carry a stable ``code`` and parameters; the service turns them into
translated messages (``docs/setup.md`` lists every code).
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import re
import tomllib
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import available_timezones

from .profiles import PROFILES, PresidentialProfile, override_problem

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
USERNAME = re.compile(r"^[\w.@+-]{1,150}$")
TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

TRUE = {"yes", "y", "true", "1", "иә", "да"}
FALSE = {"no", "n", "false", "0", "жоқ", "нет"}

UNIT_KINDS = {"region": ("oblast", "city"), "district": ("district", "city_district")}
STATION_KINDS = ("regular", "special", "abroad")
LEVELS = ("cec", "tec_region", "tec_district", "pec")
MEMBER_ROLES = ("chair", "deputy", "secretary", "member")
GENDERS = ("F", "M")
OPERATOR_ROLES = {"cec": ("cec",), "tec": ("tec_region", "tec_district"), "pec": ("pec",)}
ELECTION_KINDS = ("presidential", "referendum")
OPTION_KINDS = {"presidential": ("candidate", "against_all"), "referendum": ("yes", "no")}
LANGUAGES = ("kk", "ru", "en")

# Each table's columns: name → required. Any other column is refused.
COLUMNS: dict[str, dict[str, bool]] = {
    "units": {
        "code": True,
        "parent": False,
        "kind": False,
        "name_kk": True,
        "name_ru": True,
        "name_en": True,
        "timezone": False,
        "urban": False,
    },
    "stations": {
        "code": True,
        "number": False,
        "district": True,
        "kind": True,
        "name_kk": True,
        "name_ru": True,
        "name_en": True,
        "address_kk": True,
        "address_ru": True,
        "address_en": True,
        "latitude": False,
        "longitude": False,
        "step_free": False,
        "accessible_booth": False,
        "braille_guide": False,
        "ramp": False,
        "sign_language": False,
        "election_day_additions": False,
        "urban": False,
        "timezone": False,
        "opens": False,
        "closes": False,
    },
    "commissions": {
        "level": True,
        "code": True,
        "parent": True,
        "unit": False,
        "station": False,
        "name": False,
        "language": False,
    },
    "members": {
        "commission": True,
        "name": True,
        "role": True,
        "gender": True,
        "nominated_by": True,
        "term_start": True,
        "term_end": True,
        "nominated_by_kk": False,
        "nominated_by_ru": False,
    },
    "operators": {"user": True, "role": True, "commission": True},
}
REQUIRED_TABLES = ("units", "stations", "commissions")
COMMISSION_LANGUAGES = ("kk", "ru")  # commissions.enums.CommissionLanguage
ELECTION_FILE = "election.toml"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in the files: where (file, line, column) and what (code, params).

    ``line`` 0 means the whole file; ``column`` is a table's column name or, in
    ``election.toml``, the dotted key (``contest.name_kk``).
    """

    file: str
    line: int
    column: str
    code: str
    params: tuple[tuple[str, str], ...] = ()

    def where(self) -> str:
        """Return ``file:line:column`` (the parts that are known)."""
        parts = [self.file]
        if self.line:
            parts.append(str(self.line))
        if self.column:
            parts.append(self.column)
        return ":".join(parts)


@dataclass(frozen=True, slots=True)
class UnitRow:
    line: int
    code: str
    parent: str
    level: str
    kind: str
    name_kk: str
    name_ru: str
    name_en: str
    timezone: str
    urban: bool


@dataclass(frozen=True, slots=True)
class StationRow:
    line: int
    code: str
    number: int
    district: str
    kind: str
    name_kk: str
    name_ru: str
    name_en: str
    address_kk: str
    address_ru: str
    address_en: str
    latitude: str | None  # six decimals, as text, so files and database compare exactly
    longitude: str | None
    step_free: bool | None
    accessible_booth: bool | None
    braille_guide: bool | None
    ramp: bool | None
    sign_language: bool | None
    election_day_additions: bool
    urban: bool
    opens: str | None = None  # "HH:MM": the station's own hours, else the election's
    closes: str | None = None
    timezone: str = ""  # the station's own time zone (abroad), else its district's


@dataclass(frozen=True, slots=True)
class CommissionRow:
    line: int
    level: str
    code: str
    parent: str
    unit: str
    station: str
    name: str
    language: str = "kk"  # of its papers (the printed protocol): kk or ru; empty cell: kk


@dataclass(frozen=True, slots=True)
class MemberRow:
    line: int
    commission: str
    name: str
    role: str
    gender: str
    nominated_by: str
    term_start: str
    term_end: str
    nominated_by_kk: str = ""  # the body's names in Kazakh and Russian (a body off the list)
    nominated_by_ru: str = ""

    @property
    def key(self) -> str:
        return f"{self.commission}/{self.name}"


@dataclass(frozen=True, slots=True)
class OperatorRow:
    line: int
    user: str
    role: str
    commission: str


@dataclass(frozen=True, slots=True)
class OptionDef:
    key: str
    kind: str
    name_kk: str
    name_ru: str
    name_en: str
    nominated_by: str = ""


@dataclass(frozen=True, slots=True)
class GeographyDef:
    key: str
    name: str
    country: str
    valid_from: str
    timezone: str
    replaces: str = ""
    valid_to: str = ""  # a map whose end is known when it is loaded (empty: open)


@dataclass(frozen=True, slots=True)
class ElectionDef:
    key: str
    kind: str
    profile: str
    overrides: dict[str, Any]
    name_kk: str
    name_ru: str
    name_en: str
    called_on: str
    voting_day: str
    polls_open: str
    polls_close: str
    geography: GeographyDef
    contest_key: str
    contest_names: tuple[str, str, str]  # kk, ru, en
    contest_texts: tuple[str, str, str]
    options: tuple[OptionDef, ...]
    # The candidates come from registration: no options listed, the CEC makes the ballot.
    candidates_from_registration: bool = False

    def values(self) -> dict[str, Any]:
        """Return the definition as JSON-ready values (what a re-run compares).

        With ``candidates_from_registration`` the options are the registered candidates,
        not the file's: they are left out of the comparison (an empty list).
        """
        data = asdict(self)
        data["contest_names"] = list(self.contest_names)
        data["contest_texts"] = list(self.contest_texts)
        data["options"] = [asdict(o) for o in self.options]
        data.pop("geography")
        return data


@dataclass
class SetupFiles:
    """Everything read from a setup directory, and every problem found in it."""

    units: list[UnitRow] = field(default_factory=list)
    stations: list[StationRow] = field(default_factory=list)
    commissions: list[CommissionRow] = field(default_factory=list)
    members: list[MemberRow] = field(default_factory=list)
    operators: list[OperatorRow] = field(default_factory=list)
    election: ElectionDef | None = None
    problems: list[Problem] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)  # file name → content, for digests


def flat_values(record: Any) -> dict[str, Any]:
    """Return a flat dataclass's fields as a dict (``asdict`` without its deep copy: the
    rows and specs hold only text, numbers and ``None``; a setup of 10,000 stations and
    70,000 members spent seconds copying them)."""
    names = _FIELD_NAMES.get(type(record))
    if names is None:
        names = _FIELD_NAMES[type(record)] = tuple(f.name for f in fields(record))
    return {name: getattr(record, name) for name in names}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def row_values(row: Any) -> dict[str, Any]:
    """Return a row's values without its line number (what a re-run compares)."""
    data = flat_values(row)
    data.pop("line", None)
    return data


# --- reading tables --------------------------------------------------------------------


@dataclass
class _Table:
    file: str
    rows: list[tuple[int, dict[str, str]]]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value).strip()


# What openpyxl raises on a damaged or foreign file: a damaged archive (zip directory,
# CRC, deflate stream), a missing part, XML that does not parse, a workbook without sheets.
XLSX_UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    SyntaxError,  # xml.etree's ParseError and lxml's XMLSyntaxError
)


def _read_rows(path: Path, problems: list[Problem]) -> list[tuple[int, list[str]]] | None:
    """Return (line, cells) for each row of a CSV or XLSX file, the header first."""
    name = path.name
    if path.suffix == ".xlsx":
        try:
            from openpyxl import load_workbook
        except ImportError:  # pragma: no cover - openpyxl is a dependency
            problems.append(Problem(name, 0, "", "xlsx_unsupported"))
            return None
        try:  # read_only parses each sheet as it is iterated: damage shows up there too
            workbook = load_workbook(path, read_only=True, data_only=True)
            try:
                sheet = workbook.worksheets[0]
                rows = [
                    (number, [_cell(v) for v in values])
                    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
                ]
            finally:
                workbook.close()
        except XLSX_UNREADABLE as exc:
            problems.append(Problem(name, 0, "", "unreadable", (("reason", str(exc)),)))
            return None
        return rows
    content = path.read_bytes()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        problems.append(Problem(name, line, "", "not_utf8", (("position", str(exc.start)),)))
        return None
    rows = []
    reader = csv.reader(text.splitlines(keepends=True))
    start = 1
    try:
        for cells in reader:
            rows.append((start, [c.strip() for c in cells]))
            start = reader.line_num + 1
    except csv.Error as exc:
        problems.append(Problem(name, start, "", "bad_csv", (("reason", str(exc)),)))
        return None
    return rows


def _table(directory: Path, stem: str, problems: list[Problem], files: dict[str, bytes]) -> _Table:
    found = [p for p in (directory / f"{stem}.csv", directory / f"{stem}.xlsx") if p.is_file()]
    if len(found) > 1:
        problems.append(Problem(f"{stem}.csv", 0, "", "two_files", (("other", f"{stem}.xlsx"),)))
        return _Table(found[0].name, [])
    if not found:
        if stem in REQUIRED_TABLES:
            problems.append(Problem(f"{stem}.csv", 0, "", "missing_file"))
        return _Table(f"{stem}.csv", [])
    path = found[0]
    files[path.name] = path.read_bytes()
    raw = _read_rows(path, problems)
    if not raw:
        if raw is not None:
            problems.append(Problem(path.name, 0, "", "empty_file"))
        return _Table(path.name, [])
    (header_line, header), body = raw[0], raw[1:]
    columns = COLUMNS[stem]
    names = [h.strip().lower() for h in header]
    bad = False
    for i, name in enumerate(names):
        if name == "" and all(not cells[i : i + 1] or not cells[i] for _, cells in body):
            continue  # a trailing empty column of a spreadsheet
        if name not in columns:
            problems.append(
                Problem(
                    path.name,
                    header_line,
                    name or f"#{i + 1}",
                    "unknown_column",
                    (("known", ", ".join(columns)),),
                )
            )
            bad = True
        elif names.index(name) != i:
            problems.append(Problem(path.name, header_line, name, "duplicate_column"))
            bad = True
    for name, required in columns.items():
        if required and name not in names:
            problems.append(Problem(path.name, header_line, name, "missing_column"))
            bad = True
    if bad:
        return _Table(path.name, [])
    rows = []
    for line, cells in body:
        if not any(cells):
            continue
        if len(cells) > len(names) and any(cells[len(names) :]):
            problems.append(
                Problem(path.name, line, "", "extra_cells", (("columns", str(len(names))),))
            )
            continue
        rows.append((line, {n: (cells[i] if i < len(cells) else "") for i, n in enumerate(names)}))
    return _Table(path.name, rows)


# --- checking values -------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _iso_date(value: str) -> str:
    """Return ``value`` as an ISO date or raise ``ValueError`` (terms repeat: cached)."""
    return dt.date.fromisoformat(value).isoformat()


class _Row:
    """Read one row's cells, recording a problem for each bad value."""

    def __init__(self, file: str, line: int, cells: dict[str, str], problems: list[Problem]):
        self.file, self.line, self.cells, self.problems = file, line, cells, problems
        self.ok = True

    def problem(self, column: str, code: str, **params: str) -> None:
        self.problems.append(Problem(self.file, self.line, column, code, tuple(params.items())))
        self.ok = False

    def text(self, column: str, *, required: bool = True, max_length: int = 200) -> str:
        value = self.cells.get(column, "")
        if required and not value:
            self.problem(column, "required")
        elif len(value) > max_length:
            self.problem(column, "too_long", maximum=str(max_length))
        return value

    def code(self, column: str, *, required: bool = True) -> str:
        value = self.cells.get(column, "")
        if not value:
            if required:
                self.problem(column, "required")
        elif not CODE.match(value):
            self.problem(column, "bad_code", value=value)
        return value

    def choice(self, column: str, choices: Iterable[str], *, default: str = "") -> str:
        value = self.cells.get(column, "") or default
        options = tuple(choices)
        if not value:
            self.problem(column, "required")
        elif value not in options:
            self.problem(column, "bad_choice", value=value, choices=", ".join(options))
        return value

    def flag(self, column: str) -> bool | None:
        value = self.cells.get(column, "").lower()
        if value == "":
            return None
        if value in TRUE:
            return True
        if value in FALSE:
            return False
        self.problem(column, "bad_boolean", value=self.cells.get(column, ""))
        return None

    def degrees(self, column: str, limit: int) -> str | None:
        value = self.cells.get(column, "")
        if not value:
            return None
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or abs(number) > limit:
            self.problem(column, "bad_degrees", value=value, limit=str(limit))
            return None
        return f"{number:.6f}"

    def hour(self, column: str) -> str | None:
        """Return an optional time of day as ``HH:MM`` (``H:MM`` accepted), else ``None``."""
        value = self.cells.get(column, "")
        if not value:
            return None
        padded = value.zfill(5)
        if not TIME.match(padded):
            self.problem(column, "bad_time", value=value)
            return None
        return padded

    def date(self, column: str) -> str:
        value = self.cells.get(column, "")
        if not value:
            self.problem(column, "required")
            return ""
        try:
            return _iso_date(value)
        except ValueError:
            self.problem(column, "bad_date", value=value)
            return ""


def _units(table: _Table, problems: list[Problem], zones: set[str]) -> list[UnitRow]:
    parsed: list[tuple[_Row, dict[str, Any]]] = []
    for line, cells in table.rows:
        r = _Row(table.file, line, cells, problems)
        values: dict[str, Any]
        timezone = cells.get("timezone", "")
        if timezone and timezone not in zones:
            r.problem("timezone", "bad_timezone", value=timezone)
        values = {
            "code": r.code("code"),
            "parent": r.code("parent", required=False),
            "name_kk": r.text("name_kk"),
            "name_ru": r.text("name_ru"),
            "name_en": r.text("name_en"),
            "timezone": timezone,
            "urban": bool(r.flag("urban")),
        }
        parsed.append((r, values))
    by_code: dict[str, int] = {}
    for r, values in parsed:
        if values["code"] in by_code:
            r.problem("code", "duplicate", value=values["code"], first=str(by_code[values["code"]]))
        else:
            by_code[values["code"]] = r.line
    parents = {v["code"]: v["parent"] for _r, v in parsed}
    rows = []
    for r, values in parsed:
        parent = values["parent"]
        if parent and parent not in parents:
            r.problem("parent", "unknown_unit", value=parent)
        elif parent and parents.get(parent):
            r.problem("parent", "unit_too_deep", value=parent)
        level = "district" if parent else "region"
        kind = r.choice("kind", UNIT_KINDS[level], default=UNIT_KINDS[level][0])
        if r.ok:
            rows.append(UnitRow(line=r.line, level=level, kind=kind, **values))
    return rows


def _stations(
    table: _Table, problems: list[Problem], units: dict[str, str], zones: set[str]
) -> list[StationRow]:
    rows: list[StationRow] = []
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        r = _Row(table.file, line, cells, problems)
        code = r.code("code")
        if code in seen:
            r.problem("code", "duplicate", value=code, first=str(seen[code]))
        elif code:
            seen[code] = line
        district = r.code("district")
        if district and district not in units:
            r.problem("district", "unknown_unit", value=district)
        elif district and units[district] != "district":
            r.problem("district", "not_a_district", value=district)
        number_text = cells.get("number", "") or (re.findall(r"\d+$", code) or [""])[0]
        number = 0
        if not number_text.isdigit() or not 0 < int(number_text) < 2**31:
            r.problem("number", "bad_number", value=number_text)
        else:
            number = int(number_text)
        values: dict[str, Any] = {
            "code": code,
            "number": number,
            "district": district,
            "kind": r.choice("kind", STATION_KINDS),
            "name_kk": r.text("name_kk"),
            "name_ru": r.text("name_ru"),
            "name_en": r.text("name_en"),
            "address_kk": r.text("address_kk", max_length=300),
            "address_ru": r.text("address_ru", max_length=300),
            "address_en": r.text("address_en", max_length=300),
            "latitude": r.degrees("latitude", 90),
            "longitude": r.degrees("longitude", 180),
            "step_free": r.flag("step_free"),
            "accessible_booth": r.flag("accessible_booth"),
            "braille_guide": r.flag("braille_guide"),
            "ramp": r.flag("ramp"),
            "sign_language": r.flag("sign_language"),
            "election_day_additions": bool(r.flag("election_day_additions")),
            "urban": bool(r.flag("urban")),
            "opens": r.hour("opens"),
            "closes": r.hour("closes"),
            "timezone": cells.get("timezone", ""),
        }
        if values["timezone"] and values["timezone"] not in zones:
            r.problem("timezone", "bad_timezone", value=values["timezone"])
        if (values["latitude"] is None) != (values["longitude"] is None) and r.ok:
            r.problem("longitude" if values["longitude"] is None else "latitude", "half_position")
        if values["opens"] and values["closes"] and values["closes"] <= values["opens"]:
            r.problem("closes", "close_before_open")
        if r.ok:
            rows.append(StationRow(line=line, **values))
    return rows


_PARENT_LEVELS = {
    "cec": (),
    "tec_region": ("cec",),
    "tec_district": ("tec_region",),
    "pec": ("tec_district", "tec_region"),
}


def _commissions(
    table: _Table, problems: list[Problem], units: dict[str, str], stations: set[str]
) -> list[CommissionRow]:
    parsed: list[tuple[_Row, CommissionRow]] = []
    seen: dict[str, int] = {}
    served: dict[str, int] = {}
    for line, cells in table.rows:
        r = _Row(table.file, line, cells, problems)
        level = r.choice("level", LEVELS)
        code = r.code("code")
        if code in seen:
            r.problem("code", "duplicate", value=code, first=str(seen[code]))
        elif code:
            seen[code] = line
        parent = r.code("parent", required=level != "cec")
        unit = r.code("unit", required=level in ("tec_region", "tec_district"))
        station = r.code("station", required=level == "pec")
        if level == "cec" and parent:
            r.problem("parent", "cec_has_parent")
        if unit and unit not in units:
            r.problem("unit", "unknown_unit", value=unit)
        elif unit and level == "tec_region" and units[unit] != "region":
            r.problem("unit", "not_a_region", value=unit)
        elif unit and level == "tec_district" and units[unit] != "district":
            r.problem("unit", "not_a_district", value=unit)
        if station and station not in stations:
            r.problem("station", "unknown_station", value=station)
        elif station and station in served:
            r.problem("station", "station_served_twice", value=station, first=str(served[station]))
        elif station:
            served[station] = line
        if station and level != "pec":
            r.problem("station", "station_not_pec")
        name = r.text("name", required=False, max_length=300)
        language = r.choice("language", COMMISSION_LANGUAGES, default="kk")
        parsed.append((r, CommissionRow(line, level, code, parent, unit, station, name, language)))
    levels = {row.code: row.level for _r, row in parsed}
    if table.rows and sum(1 for level in levels.values() if level == "cec") != 1:
        problems.append(Problem(table.file, 0, "level", "one_cec"))
    rows = []
    for r, row in parsed:
        if row.parent and row.parent not in levels:
            r.problem("parent", "unknown_commission", value=row.parent)
        elif (
            row.parent
            and row.level in LEVELS
            and levels[row.parent] not in _PARENT_LEVELS[row.level]
        ):
            r.problem(
                "parent",
                "bad_parent_level",
                value=row.parent,
                allowed=", ".join(_PARENT_LEVELS[row.level]),
            )
        if r.ok:
            rows.append(row)
    for code in sorted(stations - set(served)):
        problems.append(
            Problem(table.file, 0, "station", "station_without_pec", (("value", code),))
        )
    return rows


def _members(table: _Table, problems: list[Problem], commissions: set[str]) -> list[MemberRow]:
    rows: list[MemberRow] = []
    seen: dict[str, int] = {}
    bodies: dict[str, tuple[int, str, str]] = {}  # body → (first line naming it, kk, ru)
    for line, cells in table.rows:
        r = _Row(table.file, line, cells, problems)
        commission = r.code("commission")
        if commission and commission not in commissions:
            r.problem("commission", "unknown_commission", value=commission)
        row = MemberRow(
            line=line,
            commission=commission,
            name=r.text("name"),
            role=r.choice("role", MEMBER_ROLES),
            gender=r.choice("gender", GENDERS),
            nominated_by=r.text("nominated_by"),
            term_start=r.date("term_start"),
            term_end=r.date("term_end"),
            nominated_by_kk=r.text("nominated_by_kk", required=False),
            nominated_by_ru=r.text("nominated_by_ru", required=False),
        )
        if row.term_start and row.term_end and row.term_end < row.term_start:
            r.problem("term_end", "term_ends_before_start")
        if row.key in seen:
            r.problem("name", "duplicate_member", first=str(seen[row.key]))
        else:
            seen[row.key] = line
        _body_names_check(r, row, bodies)
        if r.ok:
            rows.append(row)
    return rows


def _body_names_check(r: _Row, row: MemberRow, bodies: dict[str, tuple[int, str, str]]) -> None:
    """Refuse a nominating body named differently in Kazakh or Russian than on an earlier line
    (a body has one name per language); a line without names leaves the body's names as they are."""
    if not (row.nominated_by_kk or row.nominated_by_ru) or not row.nominated_by:
        return
    first = bodies.setdefault(row.nominated_by, (r.line, row.nominated_by_kk, row.nominated_by_ru))
    for column, value, earlier in (
        ("nominated_by_kk", row.nominated_by_kk, first[1]),
        ("nominated_by_ru", row.nominated_by_ru, first[2]),
    ):
        if value != earlier:
            r.problem(column, "nominating_body_names_differ", first=str(first[0]))


def nominating_body_names(rows: Iterable[MemberRow]) -> dict[str, dict[str, str]]:
    """Return the nominating bodies named in Kazakh or Russian in members.csv: body → names
    (``name_kk``, ``name_ru``), as ``NominatingBody`` stores them."""
    return {
        m.nominated_by: {"name_kk": m.nominated_by_kk, "name_ru": m.nominated_by_ru}
        for m in rows
        if m.nominated_by_kk or m.nominated_by_ru
    }


def _operators(table: _Table, problems: list[Problem], levels: dict[str, str]) -> list[OperatorRow]:
    rows: list[OperatorRow] = []
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        r = _Row(table.file, line, cells, problems)
        user = r.text("user", max_length=150)
        if user and not USERNAME.match(user):
            r.problem("user", "bad_username", value=user)
        if user.lower() in seen:
            r.problem("user", "duplicate", value=user, first=str(seen[user.lower()]))
        else:
            seen[user.lower()] = line
        role = r.choice("role", OPERATOR_ROLES)
        commission = r.code("commission")
        if commission and commission not in levels:
            r.problem("commission", "unknown_commission", value=commission)
        elif (
            commission and role in OPERATOR_ROLES and levels[commission] not in OPERATOR_ROLES[role]
        ):
            r.problem("commission", "role_level_mismatch", value=commission, role=role)
        if r.ok:
            rows.append(OperatorRow(line, user, role, commission))
    return rows


# --- election.toml ---------------------------------------------------------------------


class _Toml:
    """Read ``election.toml``'s values, naming each problem by its line and dotted key."""

    def __init__(self, text: str, problems: list[Problem]) -> None:
        self.lines = text.splitlines()
        self.problems = problems

    def line_of(self, table: str, key: str, index: int = 0) -> int:
        """Return the line of ``key`` in ``[table]`` (the ``index``-th ``[[table]]``), or 0."""
        current, count, found_table = "", -1, 0
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for number, raw in enumerate(self.lines, start=1):
            stripped = raw.strip()
            header = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", stripped)
            if header:
                current = header.group(1)
                if current == table:
                    count += 1
                    if count == index:
                        found_table = number
                continue
            if current == table and (not table or count == index) and pattern.match(raw):
                return number
        return found_table

    def problem(self, table: str, key: str, code: str, index: int = 0, **params: str) -> None:
        if table == "options":
            column = f"options[{index + 1}].{key}"
        else:
            column = f"{table}.{key}" if table else key
        line = self.line_of(table, key, index) if key else self.line_of(table, "", index)
        self.problems.append(Problem(ELECTION_FILE, line, column, code, tuple(params.items())))

    def text(
        self, data: dict[str, Any], table: str, key: str, *, index: int = 0, required: bool = True
    ) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            self.problem(table, key, "not_text", index)
            return ""
        value = value.strip()
        if required and not value:
            self.problem(table, key, "required", index)
        return value

    def date(self, data: dict[str, Any], table: str, key: str) -> str:
        value = data.get(key)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value).isoformat()
            except ValueError:
                pass
        if value is None:
            self.problem(table, key, "required")
        else:
            self.problem(table, key, "bad_date", value=str(value))
        return ""

    def time(self, data: dict[str, Any], key: str) -> str:
        value = data.get(key)
        if isinstance(value, dt.time):
            value = value.strftime("%H:%M")
        if value is None:
            self.problem("", key, "required")
            return ""
        if not isinstance(value, str) or not TIME.match(value):
            self.problem("", key, "bad_time", value=str(value))
            return ""
        return value


def _election(path: Path, problems: list[Problem], files: dict[str, bytes]) -> ElectionDef | None:
    if not path.is_file():
        problems.append(Problem(ELECTION_FILE, 0, "", "missing_file"))
        return None
    content = path.read_bytes()
    files[ELECTION_FILE] = content
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        problems.append(
            Problem(ELECTION_FILE, line, "", "not_utf8", (("position", str(exc.start)),))
        )
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.append(
            Problem(
                ELECTION_FILE,
                getattr(exc, "lineno", 0) or 0,
                "",
                "bad_toml",
                (("reason", getattr(exc, "msg", str(exc))),),
            )
        )
        return None
    before = len(problems)
    t = _Toml(text, problems)
    known = {
        "key", "kind", "profile", "name_kk", "name_ru", "name_en", "called_on", "voting_day",
        "polls_open", "polls_close", "profile_overrides", "geography", "contest", "options",
        "candidates_from_registration",
    }  # fmt: skip
    for key in data:
        if key not in known:
            t.problem("", key, "unknown_key", known=", ".join(sorted(known)))
    key = t.text(data, "", "key")
    if key and not KEY.match(key):
        t.problem("", "key", "bad_key", value=key)
    kind = t.text(data, "", "kind")
    if kind and kind not in ELECTION_KINDS:
        t.problem("", "kind", "bad_choice", value=kind, choices=", ".join(ELECTION_KINDS))
    profile = t.text(data, "", "profile")
    if profile and profile not in PROFILES:
        t.problem(
            "", "profile", "unknown_profile", value=profile, known=", ".join(sorted(PROFILES))
        )
    elif profile and kind in ELECTION_KINDS:
        presidential = isinstance(PROFILES[profile], PresidentialProfile)
        if presidential != (kind == "presidential"):
            t.problem("", "profile", "profile_kind_mismatch", value=profile, kind=kind)
    overrides = data.get("profile_overrides", {})
    if not isinstance(overrides, dict):
        t.problem("", "profile_overrides", "not_table")
        overrides = {}
    if profile in PROFILES:
        for switch, value in overrides.items():
            problem = override_problem(profile, switch, value)
            if problem is not None:
                t.problem("profile_overrides", switch, problem, value=str(value), profile=profile)
    names = [t.text(data, "", f"name_{lang}") for lang in LANGUAGES]
    called_on = t.date(data, "", "called_on")
    voting_day = t.date(data, "", "voting_day")
    if called_on and voting_day and voting_day <= called_on:
        t.problem("", "voting_day", "voting_before_calling")
    polls_open = t.time(data, "polls_open")
    polls_close = t.time(data, "polls_close")
    if polls_open and polls_close and polls_close <= polls_open:
        t.problem("", "polls_close", "close_before_open")
    geography = _geography(data.get("geography"), t)
    contest = data.get("contest")
    if not isinstance(contest, dict):
        t.problem("contest", "", "missing_table")
        contest = {}
    contest_key = t.text(contest, "contest", "key")
    if contest_key and not KEY.match(contest_key):
        t.problem("contest", "key", "bad_key", value=contest_key)
    contest_names = tuple(t.text(contest, "contest", f"name_{lang}") for lang in LANGUAGES)
    contest_texts = tuple(
        t.text(contest, "contest", f"text_{lang}", required=kind == "referendum")
        for lang in LANGUAGES
    )
    from_registration = _from_registration(data, kind, t)
    options = [] if from_registration else _options(data.get("options"), kind, t)
    if len(problems) > before or geography is None:
        return None
    return ElectionDef(
        key=key,
        kind=kind,
        profile=profile,
        overrides=dict(overrides),
        name_kk=names[0],
        name_ru=names[1],
        name_en=names[2],
        called_on=called_on,
        voting_day=voting_day,
        polls_open=polls_open,
        polls_close=polls_close,
        geography=geography,
        contest_key=contest_key,
        contest_names=(contest_names[0], contest_names[1], contest_names[2]),
        contest_texts=(contest_texts[0], contest_texts[1], contest_texts[2]),
        options=tuple(options),
        candidates_from_registration=from_registration,
    )


def _from_registration(data: dict[str, Any], kind: str, t: _Toml) -> bool:
    """Read ``candidates_from_registration``: true takes the candidates from registration.

    Refused for a referendum (its options are yes and no) and beside a list of options
    (one source of candidates only).
    """
    key = "candidates_from_registration"
    value = data.get(key, False)
    if not isinstance(value, bool):
        t.problem("", key, "not_boolean", value=str(value))
        return False
    if value and kind == "referendum":
        t.problem("", key, "registration_referendum")
    elif value and "options" in data:
        t.problem("", key, "registration_and_options")
    return value


def _geography(data: object, t: _Toml) -> GeographyDef | None:
    if not isinstance(data, dict):
        t.problem("geography", "", "missing_table")
        return None
    key = t.text(data, "geography", "key")
    if key and not KEY.match(key):
        t.problem("geography", "key", "bad_key", value=key)
    country = t.text(data, "geography", "country")
    if country and not re.match(r"^[A-Z]{2}$", country):
        t.problem("geography", "country", "bad_country", value=country)
    timezone = t.text(data, "geography", "timezone")
    if timezone and timezone not in available_timezones():
        t.problem("geography", "timezone", "bad_timezone", value=timezone)
    replaces = t.text(data, "geography", "replaces", required=False)
    if replaces and replaces == key:
        t.problem("geography", "replaces", "replaces_itself")
    valid_from = t.date(data, "geography", "valid_from")
    valid_to = t.date(data, "geography", "valid_to") if "valid_to" in data else ""
    if valid_from and valid_to and valid_to < valid_from:
        t.problem("geography", "valid_to", "ends_before_start")
    return GeographyDef(
        key=key,
        name=t.text(data, "geography", "name"),
        country=country,
        valid_from=valid_from,
        timezone=timezone,
        replaces=replaces,
        valid_to=valid_to,
    )


def _options(data: object, kind: str, t: _Toml) -> list[OptionDef]:
    if not isinstance(data, list) or not data:
        t.problem("options", "", "missing_options")
        return []
    options: list[OptionDef] = []
    seen: set[str] = set()
    allowed = OPTION_KINDS.get(kind, ())
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            t.problem("options", "", "not_table", index)
            continue
        key = t.text(item, "options", "key", index=index)
        if key and not KEY.match(key):
            t.problem("options", "key", "bad_key", index, value=key)
        elif key in seen:
            t.problem("options", "key", "duplicate", index, value=key, first="")
        seen.add(key)
        option_kind = t.text(item, "options", "kind", index=index)
        if option_kind and allowed and option_kind not in allowed:
            t.problem(
                "options",
                "kind",
                "bad_choice",
                index,
                value=option_kind,
                choices=", ".join(allowed),
            )
        names = [t.text(item, "options", f"name_{lang}", index=index) for lang in LANGUAGES]
        nominated_by = t.text(item, "options", "nominated_by", index=index, required=False)
        options.append(OptionDef(key, option_kind, names[0], names[1], names[2], nominated_by))
    kinds = [o.kind for o in options]
    if kind == "referendum" and sorted(kinds) != ["no", "yes"]:
        t.problem("options", "kind", "referendum_options")
    if kind == "presidential" and (kinds.count("candidate") < 1 or kinds.count("against_all") > 1):
        t.problem("options", "kind", "presidential_options")
    return options


def _hours_check(
    file: str, stations: list[StationRow], election: ElectionDef, problems: list[Problem]
) -> None:
    """Refuse a station whose own opening or closing time, with the election's other one,
    would close its polls before they open (both its own are checked on its row)."""
    for s in stations:
        if bool(s.opens) == bool(s.closes):
            continue
        opens, closes = s.opens or election.polls_open, s.closes or election.polls_close
        if opens and closes and closes <= opens:
            column = "closes" if s.closes else "opens"
            problems.append(Problem(file, s.line, column, "close_before_open"))


# --- the whole directory ---------------------------------------------------------------


def setup_read(directory: Path) -> SetupFiles:
    """Read and check every file of a setup directory; collect all problems.

    Rows with a problem are left out of the result, so callers must refuse the
    whole directory when ``problems`` is not empty.
    """
    out = SetupFiles()
    problems = out.problems
    if not directory.is_dir():
        problems.append(Problem(str(directory), 0, "", "not_a_directory"))
        return out
    zones = available_timezones()
    tables = {stem: _table(directory, stem, problems, out.files) for stem in COLUMNS}
    out.units = _units(tables["units"], problems, zones)
    unit_levels = {u.code: u.level for u in out.units}
    out.stations = _stations(tables["stations"], problems, unit_levels, zones)
    out.commissions = _commissions(
        tables["commissions"], problems, unit_levels, {s.code for s in out.stations}
    )
    levels = {c.code: c.level for c in out.commissions}
    out.members = _members(tables["members"], problems, set(levels))
    out.operators = _operators(tables["operators"], problems, levels)
    out.election = _election(directory / ELECTION_FILE, problems, out.files)
    if out.election is not None:
        _hours_check(tables["stations"].file, out.stations, out.election, problems)
    problems.sort(key=lambda p: (p.file, p.line, p.column))
    return out


# --- differences -----------------------------------------------------------------------


@dataclass
class FileDiff:
    """What a re-run changes in one file's records, by natural key."""

    file: str
    added: list[str] = field(default_factory=list)
    changed: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def _as_is(record: dict[str, Any]) -> dict[str, Any]:
    return record


def diff_records(
    file: str,
    current: Mapping[str, Any],
    wanted: Mapping[str, Any],
    *,
    old_values: Callable[[Any], dict[str, Any]] = _as_is,
    new_values: Callable[[Any], dict[str, Any]] = _as_is,
) -> FileDiff:
    """Return the records added, changed (field → (old, new)) and removed, sorted by key.

    ``old_values`` and ``new_values`` turn a stored and a wanted record into its field
    values; they run only for the records on both sides (a first load compares none).
    """
    diff = FileDiff(file)
    for key in sorted(wanted):
        if key not in current:
            diff.added.append(key)
            continue
        old, new = old_values(current[key]), new_values(wanted[key])
        changes = {f: (old.get(f), v) for f, v in new.items() if old.get(f) != v}
        if changes:
            diff.changed[key] = changes
    diff.removed = sorted(set(current) - set(wanted))
    return diff
