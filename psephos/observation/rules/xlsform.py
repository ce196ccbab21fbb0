"""Convert form definitions to and from XLSForm sheets (the ODK convention).

Only the sheets' rows are handled here (lists of cells); reading and writing the
workbook file is the service's job. Yes/no maps to ``select_one yes_no``, the
4-point rating to ``select_one rating4``, numbers to ``integer`` with a
``constraint`` for the range, skip logic to ``relevant`` (``${name} = 'yes'``).
psephos-specific columns (``psephos_id``, ``psephos_problem``) ride along; ODK
ignores unknown columns.
"""

from __future__ import annotations

import re
from typing import Any

from .forms import FormError, FormSpec, question_ids, spec_from_dict

SURVEY_HEADER = [
    "type", "name", "label", "required", "relevant", "constraint", "psephos_id", "psephos_problem",
]  # fmt: skip
CHOICES_HEADER = ["list_name", "name", "label"]
SETTINGS_HEADER = [
    "form_id",
    "version",
    "form_title",
    "psephos_sms_code",
    "psephos_phase",
    "psephos_unit",
]

_RATING = [("1", "very good"), ("2", "good"), ("3", "bad"), ("4", "very bad")]
_MIN_RE = re.compile(r"\.\s*>=\s*(-?\d+)")
_MAX_RE = re.compile(r"\.\s*<=\s*(-?\d+)")
_REL_RE = re.compile(r"^\s*\$\{(\w+)\}\s*=\s*'([^']*)'\s*$")


def spec_to_sheets(spec: FormSpec) -> dict[str, list[list[Any]]]:
    """Return the survey, choices and settings sheets of a form."""
    id_to_name = {q.id: q.name for q in spec.questions}
    survey: list[list[Any]] = [list(SURVEY_HEADER)]
    choices: list[list[Any]] = [list(CHOICES_HEADER)]
    lists_done: set[str] = set()
    for q in spec.questions:
        if q.type == "yes_no":
            qtype, list_name = "select_one yes_no", "yes_no"
            items = [("yes", "Yes"), ("no", "No")]
        elif q.type == "rating":
            qtype, list_name, items = "select_one rating4", "rating4", _RATING
        elif q.type == "choice":
            list_name = f"{q.name}_list"
            qtype, items = f"select_one {list_name}", [(c, c) for c in q.choices]
        elif q.type == "number":
            qtype, list_name, items = "integer", "", []
        else:
            qtype, list_name, items = "text", "", []
        if list_name and list_name not in lists_done:
            lists_done.add(list_name)
            choices.extend([list_name, n, label] for n, label in items)
        constraint = " and ".join(
            part
            for part in (
                f". >= {q.minimum}" if q.minimum is not None else "",
                f". <= {q.maximum}" if q.maximum is not None else "",
            )
            if part
        )
        relevant = (
            f"${{{id_to_name[q.relevant.question]}}} = '{q.relevant.equals}'" if q.relevant else ""
        )
        survey.append(
            [
                qtype,
                q.name,
                q.label,
                "yes" if q.required else "",
                relevant,
                constraint,
                q.id,
                "" if q.problem is None else str(q.problem),
            ]
        )
    settings = [
        list(SETTINGS_HEADER),
        [spec.key, str(spec.version), spec.title, spec.sms_code, spec.phase, spec.unit],
    ]
    return {"survey": survey, "choices": choices, "settings": settings}


def spec_from_sheets(sheets: dict[str, list[list[Any]]]) -> FormSpec:
    """Build a form from XLSForm sheets; raise ``FormError`` naming sheet, row and column."""
    problems: list[dict[str, str]] = []
    survey = _records(sheets.get("survey") or [])
    choices = _records(sheets.get("choices") or [])
    settings = _records(sheets.get("settings") or [])
    if not survey:
        raise FormError([{"where": "survey", "message": "the survey sheet is missing or empty"}])
    lists: dict[str, list[str]] = {}
    for _row, rec in choices:
        lists.setdefault(str(rec.get("list_name", "")).strip(), []).append(
            str(rec.get("name", "")).strip()
        )
    ids = iter(question_ids())
    name_to_id: dict[str, str] = {}
    questions: list[dict[str, Any]] = []
    for row, rec in survey:
        raw_type = str(rec.get("type", "")).strip()
        name = str(rec.get("name", "")).strip()
        if not raw_type or raw_type in (
            "begin group",
            "end group",
            "note",
            "calculate",
            "start",
            "end",
        ):
            continue
        where = f"survey row {row}"
        parts = raw_type.split()
        qtype: str
        q_choices: list[str] = []
        if parts[0] == "integer" or parts[0] == "decimal":
            qtype = "number"
        elif parts[0] == "text":
            qtype = "text"
        elif parts[0] == "select_one" and len(parts) == 2:
            opts = lists.get(parts[1])
            if opts is None:
                problems.append(
                    {
                        "where": f"{where}, type",
                        "message": f"choice list “{parts[1]}” is not on the choices sheet",
                    }
                )
                continue
            if sorted(opts) == ["no", "yes"]:
                qtype = "yes_no"
            elif opts == ["1", "2", "3", "4"] and parts[1].startswith("rating"):
                qtype = "rating"
            else:
                qtype, q_choices = "choice", opts
        else:
            problems.append(
                {
                    "where": f"{where}, type",
                    "message": f"type “{raw_type}” is not supported (integer, text, select_one)",
                }
            )
            continue
        qid = str(rec.get("psephos_id") or "").strip().upper() or next(ids)
        name_to_id[name] = qid
        constraint = str(rec.get("constraint") or "")
        lo = _MIN_RE.search(constraint)
        hi = _MAX_RE.search(constraint)
        q: dict[str, Any] = {
            "id": qid,
            "name": name,
            "type": qtype,
            "label": str(rec.get("label") or name),
            "required": str(rec.get("required") or "").strip().lower() in ("yes", "true", "true()"),
            "min": int(lo.group(1)) if lo else None,
            "max": int(hi.group(1)) if hi else None,
            "choices": q_choices,
            "problem": (str(rec.get("psephos_problem")).strip() or None)
            if rec.get("psephos_problem")
            else None,
        }
        rel = str(rec.get("relevant") or "").strip()
        if rel:
            m = _REL_RE.match(rel)
            if m is None or m.group(1) not in name_to_id:
                problems.append(
                    {
                        "where": f"{where}, relevant",
                        "message": f"“{rel}” must be ${{earlier_question}} = 'value'",
                    }
                )
            else:
                q["relevant"] = {"question": name_to_id[m.group(1)], "equals": m.group(2)}
        questions.append(q)
    if problems:
        raise FormError(problems)
    setting = settings[0][1] if settings else {}
    key = str(setting.get("form_id") or "imported").strip()
    return spec_from_dict(
        {
            "key": key,
            "version": int(str(setting.get("version") or "1").strip() or 1),
            "title": str(setting.get("form_title") or key),
            "sms_code": str(setting.get("psephos_sms_code") or "XX"),
            "phase": str(setting.get("psephos_phase") or key),
            "unit": str(setting.get("psephos_unit") or "station"),
            "questions": questions,
        }
    )


def _records(rows: list[list[Any]]) -> list[tuple[int, dict[str, Any]]]:
    if not rows:
        return []
    header = [str(h or "").strip() for h in rows[0]]
    out = []
    for i, row in enumerate(rows[1:], start=2):
        if not any(c not in (None, "") for c in row):
            continue
        out.append((i, {header[j]: row[j] for j in range(min(len(header), len(row)))}))
    return out
