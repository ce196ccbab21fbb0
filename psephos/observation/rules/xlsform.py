"""Convert form definitions to and from XLSForm through ``pyxform``, ODK's own converter.

Export writes the ``survey``, ``choices`` and ``settings`` sheets as rows; import reads
a workbook with pyxform's reader and converts it with pyxform (``workbook_to_json``,
then the XForm itself), so a form is accepted exactly when ODK would build it, and
its questions are read from pyxform's result, not from the cells.

Types: yes/no ↔ ``select_one yes_no``, the 4-point rating ↔ ``select_one rating4``,
choice ↔ ``select_one``, multiple choice ↔ ``select_multiple``, number ↔ ``integer``
(its range as ``constraint``), ``decimal``, ``date``, ``time``, ``text``, ``note``,
``geopoint``, photo ↔ ``image``, ``calculate``, ``begin group``/``end group``.
``relevant``, ``constraint`` (with ``constraint_message``), ``calculation`` and
``required`` keep ODK's meaning (``rules/xpath.py``). psephos's own columns
(``psephos_id`` for the SMS code, ``psephos_problem``, a question's ``psephos_label_kk``
and ``psephos_label_ru``, the form's ``psephos_title_kk`` and ``psephos_title_ru``) ride
along; ODK ignores them.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from typing import Any

from pyxform.builder import create_survey_element_from_dict
from pyxform.errors import PyXFormError
from pyxform.xls2json import workbook_to_json
from pyxform.xls2json_backends import DefinitionData, get_xlsform

from .forms import FormError, FormSpec, Question, question_ids, spec_from_dict

SURVEY_HEADER = [
    "type", "name", "label", "required", "relevant", "constraint", "constraint_message",
    "calculation", "parameters", "psephos_id", "psephos_problem",
    "psephos_label_kk", "psephos_label_ru",
]  # fmt: skip
CHOICES_HEADER = ["list_name", "name", "label"]
SETTINGS_HEADER = [
    "form_id",
    "version",
    "form_title",
    "psephos_sms_code",
    "psephos_phase",
    "psephos_unit",
    "psephos_title_kk",
    "psephos_title_ru",
]

#: The largest side, in pixels, that ODK Collect keeps of a photo (xlsform.org "image").
MAX_PIXELS = 1600

_RATING = [("1", "very good"), ("2", "good"), ("3", "bad"), ("4", "very bad")]
_RANGE_RE = re.compile(
    r"^\s*(?:\.\s*>=\s*(?P<lo>-?\d+))?\s*(?:and)?\s*(?:\.\s*<=\s*(?P<hi>-?\d+))?\s*$"
)
_ROW_RE = re.compile(r"^\[row : (\d+)\]\s*")
_PLAIN_TYPES = {
    "number": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "text": "text",
    "note": "note",
    "geopoint": "geopoint",
    "image": "image",
    "calculate": "calculate",
}
#: pyxform's names of the question types psephos reads (its JSON "type"; "image" is "photo").
_FROM_PYXFORM = {("photo" if v == "image" else v): k for k, v in _PLAIN_TYPES.items()}
#: Metadata rows ODK fills in by itself; psephos has its own (times, device).
_METADATA = frozenset(
    {"start", "end", "today", "deviceid", "phonenumber", "username", "email", "audit"}
)
SUPPORTED = (
    "integer, decimal, text, select_one, select_multiple, date, time, note, geopoint, "
    "image, calculate, begin group/end group"
)


# --- export ----------------------------------------------------------------------------


def _constraint(q: Question) -> str:
    parts = []
    if q.minimum is not None:
        parts.append(f". >= {q.minimum}")
    if q.maximum is not None:
        parts.append(f". <= {q.maximum}")
    if q.constraint:
        parts.append(f"({q.constraint})" if parts else q.constraint)
    return " and ".join(parts)


def spec_to_sheets(spec: FormSpec) -> dict[str, list[list[Any]]]:
    """Return the survey, choices and settings sheets of a form."""
    survey: list[list[Any]] = [list(SURVEY_HEADER)]
    choices: list[list[Any]] = [list(CHOICES_HEADER)]
    lists_done: set[str] = set()
    groups = {g.name: g for g in spec.groups}
    open_groups: list[str] = []

    def chain(name: str) -> list[str]:
        out: list[str] = []
        while name:
            out.insert(0, name)
            name = groups[name].parent
        return out

    def row(**cells: Any) -> list[Any]:
        return [cells.get(h, "") for h in SURVEY_HEADER]

    for q in spec.questions:
        wanted = chain(q.group)
        while open_groups and open_groups != wanted[: len(open_groups)]:
            open_groups.pop()
            survey.append(row(type="end group"))
        for name in wanted[len(open_groups) :]:
            g = groups[name]
            survey.append(
                row(type="begin group", name=g.name, label=g.label, relevant=g.relevant or "")
            )
            open_groups.append(name)
        items: list[tuple[str, str]] = []
        list_name = ""
        if q.type == "yes_no":
            qtype, list_name = "select_one yes_no", "yes_no"
            items = [("yes", "Yes"), ("no", "No")]
        elif q.type == "rating":
            qtype, list_name, items = "select_one rating4", "rating4", _RATING
        elif q.type in ("choice", "multi_choice"):
            list_name = f"{q.name}_list"
            kind = "select_one" if q.type == "choice" else "select_multiple"
            qtype, items = f"{kind} {list_name}", [(c, c) for c in q.choices]
        else:
            qtype = _PLAIN_TYPES[q.type]
        if list_name and list_name not in lists_done:
            lists_done.add(list_name)
            choices.extend([list_name, n, label] for n, label in items)
        survey.append(
            row(
                type=qtype,
                name=q.name,
                label="" if q.type == "calculate" else q.label,
                required="yes" if q.required else (q.required_if or ""),
                relevant=q.relevant or "",
                constraint=_constraint(q),
                constraint_message=q.constraint_message,
                calculation=q.calculation or "",
                parameters=f"max-pixels={MAX_PIXELS}" if q.type == "image" else "",
                psephos_id=q.id,
                psephos_problem="" if q.problem is None else str(q.problem),
                psephos_label_kk=q.label_kk,
                psephos_label_ru=q.label_ru,
            )
        )
    survey.extend(row(type="end group") for _ in open_groups)
    settings = [
        list(SETTINGS_HEADER),
        [
            spec.key,
            str(spec.version),
            spec.title,
            spec.sms_code,
            spec.phase,
            spec.unit,
            spec.title_kk,
            spec.title_ru,
        ],
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


# --- import ----------------------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def sheets_definition(sheets: dict[str, list[list[Any]]]) -> DefinitionData:
    """Return sheets given as rows of cells in the shape pyxform's reader produces.

    Blank rows stay (as empty records) so that row numbers match the spreadsheet's.
    """
    out: dict[str, Any] = {"sheet_names": list(sheets)}
    for name in ("survey", "choices", "settings"):
        rows = sheets.get(name)
        if not rows:
            continue
        header = [_cell(h) for h in rows[0]]
        records = []
        for r in rows[1:]:
            records.append(
                {header[j]: _cell(c) for j, c in enumerate(r) if _cell(c) and j < len(header)}
            )
        out[name] = records
        out[f"{name}_header"] = [{h: h for h in header if h}]
    return DefinitionData(**out)


# What reading a damaged or foreign file through pyxform and openpyxl raises: a damaged
# archive (zip directory, CRC, deflate stream), a missing part, XML that does not parse.
UNREADABLE = (
    PyXFormError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    ValueError,
    TypeError,
    SyntaxError,  # xml.etree's ParseError and lxml's XMLSyntaxError
    OSError,
)


def workbook_read(data: bytes) -> DefinitionData:
    """Read an XLSX workbook with pyxform's reader; raise ``FormError`` if it is not one."""
    try:
        return get_xlsform(io.BytesIO(data), file_type=".xlsx")
    except UNREADABLE as exc:
        raise FormError([{"where": "file", "message": str(exc)}]) from None


def spec_from_sheets(sheets: dict[str, list[list[Any]]]) -> FormSpec:
    """Build a form from XLSForm sheets given as rows; see ``spec_from_definition``."""
    return spec_from_definition(sheets_definition(sheets))


def spec_from_definition(definition: DefinitionData) -> FormSpec:
    """Build a form from a workbook as pyxform read it; raise ``FormError`` naming sheet, row and column.

    pyxform converts the workbook first (a workbook ODK would refuse is refused with
    pyxform's message and row); then each question it produced is mapped to a psephos
    question, and psephos's own rules (names, SMS ids, earlier references) are checked.
    """
    survey = list(definition.survey or [])
    rows: dict[str, int] = {}
    for i, rec in enumerate(survey, start=2):
        name = str(rec.get("name", "")).strip()
        if name and name not in rows:
            rows[name] = i
    problems = _precheck(survey, definition.choices or [])
    if problems:
        raise FormError(problems)
    warnings: list[str] = []
    try:
        tree = workbook_to_json(workbook_dict=definition, warnings=warnings)
        # ODK Validate (Java) is not run here; rules/xpath.py checks the expressions.
        create_survey_element_from_dict(tree).to_xml(
            validate=False, pretty_print=False, warnings=warnings
        )
    except PyXFormError as exc:
        message = str(exc)
        m = _ROW_RE.match(message)
        where = f"survey row {m.group(1)}" if m else "survey"
        raise FormError(
            [{"where": where, "message": message[m.end() :] if m else message}]
        ) from None
    explicit = {
        str(rec.get("psephos_id", "")).strip().upper() for rec in survey if rec.get("psephos_id")
    }
    free_ids = iter(i for i in question_ids() if i not in explicit)
    questions: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    _walk(tree.get("children") or [], "", questions, groups, free_ids, problems, rows)
    if problems:
        raise FormError(problems)
    setting = (definition.settings or [{}])[0]
    key = str(setting.get("form_id") or "imported").strip()
    version = str(setting.get("version") or "1").strip()
    unit = str(setting.get("psephos_unit") or "station")
    if unit not in ("station", "tec"):
        raise FormError(
            [
                {
                    "where": "settings row 2, psephos_unit",
                    "message": f"“{unit}” is not station or tec",
                }
            ]
        )
    data = {
        "key": key,
        # ODK versions are often dates or "1.2"; psephos numbers its own versions on publish.
        "version": int(version) if version.isdigit() else 1,
        "title": str(setting.get("form_title") or key),
        "sms_code": str(setting.get("psephos_sms_code") or "XX"),
        "phase": str(setting.get("psephos_phase") or key),
        "unit": unit,
        "title_kk": str(setting.get("psephos_title_kk") or ""),
        "title_ru": str(setting.get("psephos_title_ru") or ""),
        "questions": questions,
        "groups": groups,
    }
    try:
        return spec_from_dict(data)
    except FormError as exc:
        raise FormError([_locate(p, questions, groups, rows) for p in exc.problems]) from None


def _precheck(survey: list[dict[str, Any]], choices: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Refuse what psephos cannot take, naming row and column, before pyxform converts."""
    lists = {str(c.get("list_name", "")).strip() for c in choices}
    problems: list[dict[str, str]] = []
    for row, rec in enumerate(survey, start=2):
        raw_type = re.sub(r"\s+", " ", str(rec.get("type", "")).strip())
        if not raw_type:
            continue
        parts = raw_type.split(" ")
        head = parts[0]
        where = f"survey row {row}, type"
        if head in ("select_one", "select_multiple") and len(parts) == 2:
            if parts[1] not in lists:
                problems.append(
                    {
                        "where": where,
                        "message": f"choice list “{parts[1]}” is not on the choices sheet",
                    }
                )
        elif raw_type in ("begin group", "end group", "begin_group", "end_group"):
            continue
        elif head not in _FROM_PYXFORM and head != "image" and head not in _METADATA:
            problems.append(
                {"where": where, "message": f"type “{raw_type}” is not supported ({SUPPORTED})"}
            )
    return problems


def _label(value: Any, name: str) -> str:
    if isinstance(value, dict):  # translated labels: label::English (en), label::Русский (ru), …
        for lang, text in value.items():
            if lang == "default" or lang.endswith("(en)") or lang.lower().startswith("english"):
                return str(text)
        return str(next(iter(value.values()), name))
    return str(value or name)


def _required(value: Any) -> tuple[bool, str | None]:
    """Read ODK's ``required``: yes/no, or an expression (required when it holds)."""
    text = str(value or "").strip()
    if text.lower() in ("yes", "true", "true()"):
        return True, None
    if text.lower() in ("", "no", "false", "false()"):
        return False, None
    return False, text


def _walk(
    children: list[dict[str, Any]],
    group: str,
    questions: list[dict[str, Any]],
    groups: list[dict[str, Any]],
    free_ids: Any,
    problems: list[dict[str, str]],
    rows: dict[str, int],
) -> None:
    for child in children:
        kind = str(child.get("type", ""))
        name = str(child.get("name", ""))
        bind = child.get("bind") or {}
        row = rows.get(name)
        if kind == "group":
            if name == "meta" and row is None:
                continue  # pyxform's own instanceID block
            groups.append(
                {
                    "name": name,
                    "label": _label(child.get("label"), name),
                    "relevant": bind.get("relevant") or None,
                    "parent": group,
                }
            )
            _walk(child.get("children") or [], name, questions, groups, free_ids, problems, rows)
            continue
        if kind in _METADATA:
            continue
        if kind == "select one" or kind == "select all that apply":
            opts = [str(c.get("name")) for c in child.get("choices") or []]
            list_name = str(child.get("list_name") or child.get("itemset") or "")
            if kind == "select all that apply":
                qtype, q_choices = "multi_choice", opts
            elif sorted(opts) == ["no", "yes"]:
                qtype, q_choices = "yes_no", []
            elif opts == ["1", "2", "3", "4"] and list_name.startswith("rating"):
                qtype, q_choices = "rating", []
            else:
                qtype, q_choices = "choice", opts
        elif kind in _FROM_PYXFORM:
            qtype, q_choices = _FROM_PYXFORM[kind], []
        else:
            problems.append(
                {
                    "where": f"survey row {row}, type" if row else f"survey, {name}",
                    "message": f"type “{kind}” is not supported ({SUPPORTED})",
                }
            )
            continue
        constraint = str(bind.get("constraint") or "").strip()
        lo = hi = None
        m = _RANGE_RE.match(constraint) if qtype == "number" and constraint else None
        if m and (m.group("lo") or m.group("hi")):
            lo = int(m.group("lo")) if m.group("lo") else None
            hi = int(m.group("hi")) if m.group("hi") else None
            constraint = ""
        problem = str(child.get("psephos_problem") or "").strip() or None
        required, required_if = _required(bind.get("required"))
        questions.append(
            {
                "id": str(child.get("psephos_id") or "").strip().upper() or next(free_ids),
                "name": name,
                "type": qtype,
                "label": _label(child.get("label"), name),
                "required": required,
                "required_if": required_if,
                "min": lo,
                "max": hi,
                "choices": q_choices,
                "relevant": bind.get("relevant") or None,
                "constraint": constraint or None,
                "constraint_message": _label(bind.get("jr:constraintMsg"), ""),
                "calculation": bind.get("calculate") or None,
                "problem": problem,
                "group": group,
                "label_kk": str(child.get("psephos_label_kk") or ""),
                "label_ru": str(child.get("psephos_label_ru") or ""),
            }
        )


_COLUMNS = (
    ("relevant", "relevant"),
    ("skip logic", "relevant"),
    ("constraint", "constraint"),
    ("calculation", "calculation"),
    ("a calculate", "calculation"),
    ("required", "required"),
    ("min ", "constraint"),
    ("name", "name"),
    ("id", "psephos_id"),
    ("type", "type"),
    ("a choice", "type"),
    ("group", "type"),
)


def _locate(
    problem: dict[str, str],
    questions: list[dict[str, Any]],
    groups: list[dict[str, Any]],
    rows: dict[str, int],
) -> dict[str, str]:
    """Turn ``questions[3]`` in a problem into the survey row and column it came from."""
    if problem["where"] == "sms_code":
        return {"where": "settings row 2, psephos_sms_code", "message": problem["message"]}
    m = re.match(r"^(questions|groups)\[(\d+)\]$", problem["where"])
    if m is None:
        return problem
    item = (questions if m.group(1) == "questions" else groups)[int(m.group(2))]
    column = next((c for prefix, c in _COLUMNS if problem["message"].startswith(prefix)), "")
    row = rows.get(str(item.get("name")))
    where = f"survey row {row}" if row else "survey"
    return {"where": f"{where}, {column}" if column else where, "message": problem["message"]}
