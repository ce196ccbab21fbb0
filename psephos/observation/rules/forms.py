"""Checklist form definitions and answer validation.

A form is plain data (``FormSpec``) so that it can be versioned in the database as
JSON, exported to XLSForm and rendered offline by the mobile page. Each question has
an ``id`` (the short SMS code, ``A``, ``B``, … ``AA``) and a ``name`` (the stable
analysis key). ``problem`` names the answer that counts as a finding ("yes" for
"ballots in the box exceeded signatures", "no" for "protocol posted").
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from . import xpath

#: psephos's question types; ``rules/xlsform.py`` maps each to and from its ODK type.
QUESTION_TYPES = (
    "yes_no", "number", "choice", "text", "rating", "multi_choice", "decimal", "date",
    "time", "note", "geopoint", "image", "calculate",
)  # fmt: skip
#: Types that take no answer from the observer.
NO_ANSWER_TYPES = frozenset({"note", "calculate"})

#: The ODIHR 4-point overall rating; "negative" means bad or very bad.
RATINGS: tuple[tuple[int, str], ...] = (
    (1, "very good"),
    (2, "good"),
    (3, "bad"),
    (4, "very bad"),
)
NEGATIVE_RATINGS = frozenset({3, 4})

#: SMS codes for yes/no: 1 = yes, 2 = no (also Y/N and Д/Н, Иә/Жоқ after normalisation).
YES, NO = "yes", "no"

#: Largest photo accepted as an answer (the decoded bytes).
MAX_PHOTO_BYTES = 2 * 1024 * 1024  # the request itself is at most 2.5 MB (Django default)
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")

_ID_RE = re.compile(r"^[A-Z]{1,2}$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_SIMPLE_EQ_RE = re.compile(r"^\s*\$\{(\w+)\}\s*=\s*'([^']*)'\s*$")
_DATA_URL_RE = re.compile(r"^data:(image/[a-z]+);base64,(.*)$", re.DOTALL)

parse_expression = lru_cache(maxsize=4096)(xpath.parse)


@dataclass(frozen=True)
class Group:
    """An XLSForm group: its questions are shown only when ``relevant`` holds."""

    name: str
    label: str
    relevant: str | None = None
    parent: str = ""


@dataclass(frozen=True)
class Question:
    id: str
    name: str
    type: str
    label: str  # English; label_kk and label_ru beside it (empty: core.i18n's fallback)
    required: bool = False
    required_if: str | None = None  # ODK's required as an expression: required when it holds
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    relevant: str | None = None  # ODK XPath, e.g. "${voters_turned_away} = 'yes'"
    problem: Any = None
    constraint: str | None = None  # ODK XPath over "." (this answer)
    constraint_message: str = ""
    calculation: str | None = None
    group: str = ""  # the innermost group's name
    label_kk: str = ""
    label_ru: str = ""


@dataclass(frozen=True)
class FormSpec:
    key: str
    version: int
    phase: str
    title: str
    sms_code: str
    unit: str = "station"  # "station" or "tec"
    questions: tuple[Question, ...] = field(default_factory=tuple)
    groups: tuple[Group, ...] = field(default_factory=tuple)
    title_kk: str = ""
    title_ru: str = ""

    def question(self, qid: str) -> Question | None:
        for q in self.questions:
            if q.id == qid:
                return q
        return None

    def by_name(self, name: str) -> Question | None:
        for q in self.questions:
            if q.name == name:
                return q
        return None

    @property
    def rating_question(self) -> Question | None:
        for q in self.questions:
            if q.type == "rating":
                return q
        return None

    def conditions(self, q: Question) -> tuple[str, ...]:
        """Return every ``relevant`` that must hold for ``q`` to be asked: its groups', then its own."""
        if not q.group:
            return (q.relevant,) if q.relevant else ()
        out: list[str] = []
        groups = {g.name: g for g in self.groups}
        name = q.group
        while name:
            g = groups[name]
            if g.relevant:
                out.insert(0, g.relevant)
            name = g.parent
        if q.relevant:
            out.append(q.relevant)
        return tuple(out)


class FormError(ValueError):
    """A form definition or an answer set breaks a rule; ``problems`` lists each one."""

    def __init__(self, problems: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{p['where']}: {p['message']}" for p in problems))
        self.problems = problems


def _relevant_out(spec: FormSpec, expr: str | None) -> dict[str, Any] | None:
    """The JSON form of a ``relevant``: the expression, plus the question and value of a plain equality."""
    if not expr:
        return None
    out: dict[str, Any] = {"expression": expr}
    m = _SIMPLE_EQ_RE.match(expr)
    target = spec.by_name(m.group(1)) if m else None
    if m and target is not None:
        out["question"] = target.id
        out["equals"] = m.group(2)
    return out


def spec_to_dict(spec: FormSpec) -> dict[str, Any]:
    """Return the JSON-ready form definition (keys of the newer features only where used)."""
    questions = []
    for q in spec.questions:
        item: dict[str, Any] = {
            "id": q.id,
            "name": q.name,
            "type": q.type,
            "label": q.label,
            "required": q.required,
            "min": q.minimum,
            "max": q.maximum,
            "choices": list(q.choices),
            "relevant": _relevant_out(spec, q.relevant),
            "problem": q.problem,
        }
        if q.constraint:
            item["constraint"] = q.constraint
            item["constraint_message"] = q.constraint_message
        if q.calculation:
            item["calculation"] = q.calculation
        if q.required_if:
            item["required_if"] = q.required_if
        if q.group:
            item["group"] = q.group
        for form in ("label_kk", "label_ru"):
            if getattr(q, form):
                item[form] = getattr(q, form)
        questions.append(item)
    out: dict[str, Any] = {
        "key": spec.key,
        "version": spec.version,
        "phase": spec.phase,
        "title": spec.title,
        "sms_code": spec.sms_code,
        "unit": spec.unit,
        "questions": questions,
    }
    for form in ("title_kk", "title_ru"):
        if getattr(spec, form):
            out[form] = getattr(spec, form)
    if spec.groups:
        out["groups"] = [
            {"name": g.name, "label": g.label, "relevant": g.relevant, "parent": g.parent}
            for g in spec.groups
        ]
    return out


def _check_expression(
    value: Any, where: str, column: str, earlier: set[str], problems: list[dict[str, str]]
) -> str | None:
    """Parse an expression and check that it reads only earlier questions; return it, or None."""
    if not value:
        return None
    text = str(value)
    try:
        expr = parse_expression(text)
    except xpath.ExpressionError as exc:
        problems.append(
            {"where": where, "message": f"{column} “{text}”: {exc.message} (at {exc.position + 1})"}
        )
        return None
    for name in expr.references:
        if name not in earlier:
            problems.append(
                {
                    "where": where,
                    "message": f"{column} refers to ${{{name}}}, which is not an earlier question",
                }
            )
            return None
    return text


def spec_from_dict(data: dict[str, Any]) -> FormSpec:
    """Build and check a form definition; raise ``FormError`` listing every problem."""
    problems: list[dict[str, str]] = []
    questions: list[Question] = []
    seen_ids: dict[str, str] = {}
    seen_names: set[str] = set()
    groups: list[Group] = []
    for raw in data.get("groups") or []:
        name = str(raw.get("name", ""))
        rel = str(raw["relevant"]) if raw.get("relevant") else None
        groups.append(
            Group(
                name=name,
                label=str(raw.get("label", name)),
                relevant=rel,
                parent=str(raw.get("parent") or ""),
            )
        )
    group_names = {g.name for g in groups}
    for i, raw in enumerate(data.get("questions") or []):
        where = f"questions[{i}]"
        qid = str(raw.get("id", "")).strip().upper()
        name = str(raw.get("name", "")).strip()
        qtype = str(raw.get("type", "")).strip()
        if not _ID_RE.match(qid):
            problems.append({"where": where, "message": f"id “{qid}” must be one or two letters"})
        elif qid in seen_ids:
            problems.append({"where": where, "message": f"id “{qid}” is used twice"})
        if not _NAME_RE.match(name):
            problems.append(
                {"where": where, "message": f"name “{name}” must be lower-case letters, digits, _"}
            )
        elif name in seen_names:
            problems.append({"where": where, "message": f"name “{name}” is used twice"})
        if qtype not in QUESTION_TYPES:
            problems.append(
                {
                    "where": where,
                    "message": f"type “{qtype}” is not one of {', '.join(QUESTION_TYPES)}",
                }
            )
        choices = tuple(str(c) for c in raw.get("choices") or ())
        if qtype in ("choice", "multi_choice") and not choices:
            problems.append({"where": where, "message": "a choice question needs choices"})
        lo, hi = raw.get("min"), raw.get("max")
        if lo is not None and hi is not None and int(lo) > int(hi):
            problems.append({"where": where, "message": f"min {lo} is above max {hi}"})
        relevant = _relevant_in(raw.get("relevant"), where, seen_ids, seen_names, problems)
        constraint = _check_expression(
            raw.get("constraint"), where, "constraint", seen_names | {name}, problems
        )
        calculation = _check_expression(
            raw.get("calculation"), where, "calculation", seen_names, problems
        )
        if qtype == "calculate" and not raw.get("calculation"):
            problems.append({"where": where, "message": "a calculate needs a calculation"})
        required_if = _check_expression(
            raw.get("required_if"), where, "required", seen_names, problems
        )
        group = str(raw.get("group") or "")
        if group and group not in group_names:
            problems.append({"where": where, "message": f"group “{group}” is not defined"})
        seen_ids[qid] = name
        seen_names.add(name)
        questions.append(
            Question(
                id=qid,
                name=name,
                type=qtype,
                label=str(raw.get("label", name)),
                label_kk=str(raw.get("label_kk") or ""),
                label_ru=str(raw.get("label_ru") or ""),
                required=bool(raw.get("required", False)) and qtype not in NO_ANSWER_TYPES,
                minimum=None if lo is None else int(lo),
                maximum=None if hi is None else int(hi),
                choices=choices,
                relevant=relevant,
                problem=raw.get("problem"),
                constraint=constraint,
                constraint_message=str(raw.get("constraint_message") or ""),
                calculation=calculation if qtype == "calculate" else None,
                required_if=required_if if qtype not in NO_ANSWER_TYPES else None,
                group=group,
            )
        )
    names_by_position = [q.name for q in questions]
    for i, g in enumerate(groups):
        if g.relevant:
            first = next((j for j, q in enumerate(questions) if q.group == g.name), len(questions))
            _check_expression(
                g.relevant, f"groups[{i}]", "relevant", set(names_by_position[:first]), problems
            )
    sms_code = str(data.get("sms_code", "")).strip().upper()
    if not re.match(r"^[A-Z]{2}$", sms_code):
        problems.append({"where": "sms_code", "message": "the SMS code must be two letters"})
    if not questions:
        problems.append({"where": "questions", "message": "a form needs at least one question"})
    if sum(1 for q in questions if q.type == "rating") > 1:
        problems.append({"where": "questions", "message": "a form has at most one rating"})
    if problems:
        raise FormError(problems)
    return FormSpec(
        key=str(data["key"]),
        version=int(data.get("version", 1)),
        phase=str(data.get("phase", data["key"])),
        title=str(data.get("title", data["key"])),
        title_kk=str(data.get("title_kk") or ""),
        title_ru=str(data.get("title_ru") or ""),
        sms_code=sms_code,
        unit=str(data.get("unit", "station")),
        questions=tuple(questions),
        groups=tuple(groups),
    )


def _relevant_in(
    rel: Any,
    where: str,
    seen_ids: dict[str, str],
    seen_names: set[str],
    problems: list[dict[str, str]],
) -> str | None:
    """Read ``relevant``: an expression, or the older {question, equals} of stored versions."""
    if not rel:
        return None
    if isinstance(rel, dict) and rel.get("expression"):
        rel = str(rel["expression"])
    if isinstance(rel, dict):
        target = str(rel.get("question", "")).upper()
        if target not in seen_ids:
            problems.append(
                {
                    "where": where,
                    "message": f"skip logic refers to “{target}”, which is not an earlier question",
                }
            )
            return None
        return f"${{{seen_ids[target]}}} = '{rel.get('equals')}'"
    return _check_expression(rel, where, "relevant", seen_names, problems)


def _describe(expr: str, spec: FormSpec) -> str:
    """Say a ``relevant`` in the refusal: "I is “yes”" for a plain equality, else the expression."""
    m = _SIMPLE_EQ_RE.match(expr)
    target = spec.by_name(m.group(1)) if m else None
    if m and target is not None:
        return f"{target.id} is “{m.group(2)}”"
    return expr


@dataclass(frozen=True)
class _Plan:
    """What validation needs of a form, worked out once per (immutable) form."""

    by_key: dict[str, Question]
    # (question, its conditions, takes no answer, is read by an expression)
    steps: tuple[
        tuple[Question, tuple[tuple[str, Callable[[dict[str, str]], bool]], ...], bool, bool], ...
    ]
    read: frozenset[str]  # names some expression reads


def _predicate(text: str) -> Callable[[dict[str, str]], bool]:
    """Return a test of ``text``; ``${name} = 'value'`` (most skip logic) is a string comparison."""
    m = _SIMPLE_EQ_RE.match(text)
    if m is not None:
        name, value = m.group(1), m.group(2)
        return lambda texts: texts.get(name, "") == value
    expr = parse_expression(text)
    return lambda texts: xpath.holds(expr, texts)


def _plan(spec: FormSpec) -> _Plan:
    plan: _Plan | None = spec.__dict__.get("_plan")
    if plan is None:
        by_key: dict[str, Question] = {}
        read: set[str] = set()
        steps = []
        for q in spec.questions:
            by_key[q.id] = q
            by_key[q.name] = q
            conditions = tuple((c, _predicate(c)) for c in spec.conditions(q))
            for text in (*spec.conditions(q), q.constraint, q.calculation, q.required_if):
                if text:
                    read.update(parse_expression(text).references)
            steps.append((q, conditions, q.type in NO_ANSWER_TYPES))
        plan = _Plan(
            by_key, tuple((q, c, no, q.name in read) for q, c, no in steps), frozenset(read)
        )
        object.__setattr__(spec, "_plan", plan)  # a cache beside the fields; not compared
    return plan


def answers_validate(spec: FormSpec, answers: dict[str, Any]) -> dict[str, Any]:
    """Return the cleaned answers keyed by question id; raise ``FormError`` otherwise.

    Answers may be keyed by id or by name. Questions are read in order, as the
    mobile form asks them: a question (or its group) whose ``relevant`` is false
    must be left empty, so a submission never carries contradictory data; a
    required question that is relevant must be answered; an answer must satisfy
    its ``constraint`` (``.`` is the answer); a ``calculate`` gets its value here,
    whatever the device sent. Expressions see only the relevant answers before.
    """
    problems: list[dict[str, str]] = []
    cleaned: dict[str, Any] = {}
    texts: dict[str, str] = {}  # question name → answer text, for expressions
    plan = _plan(spec)
    by_key = plan.by_key
    for key in answers:
        if str(key).upper() not in by_key and key not in by_key:
            problems.append({"where": str(key), "message": "no such question on this form"})
    for q, conditions, no_answer, is_read in plan.steps:
        raw = answers.get(q.id)
        if raw is None:
            raw = answers.get(q.name)
        blocked = None
        for text, holds in conditions:
            if not holds(texts):
                blocked = text
                break
        if no_answer:
            if q.type == "calculate" and blocked is None and q.calculation:
                value = xpath.to_string(xpath.evaluate(parse_expression(q.calculation), texts))
                if value != "":
                    cleaned[q.id] = value
                    texts[q.name] = value
            continue
        if raw is None or raw == "" or raw == []:
            required = q.required or (
                q.required_if is not None and xpath.holds(parse_expression(q.required_if), texts)
            )
            if required and blocked is None:
                problems.append({"where": q.id, "message": "an answer is required"})
            continue
        if blocked is not None:
            problems.append(
                {"where": q.id, "message": f"must be left empty unless {_describe(blocked, spec)}"}
            )
            continue
        value, message = _clean(q, raw)
        if not message and q.constraint:
            text = xpath.answer_text(value)
            if not xpath.holds(parse_expression(q.constraint), texts, text):
                message = q.constraint_message or f"“{text}” does not meet {q.constraint}"
        if message:
            problems.append({"where": q.id, "message": message})
        else:
            cleaned[q.id] = value
            if is_read:
                texts[q.name] = xpath.answer_text(value)
    if problems:
        raise FormError(problems)
    return cleaned


def _clean(q: Question, raw: Any) -> tuple[Any, str]:
    if q.type == "yes_no":
        text = str(raw).strip().lower()
        if text in ("yes", "y", "1", "true"):
            return YES, ""
        if text in ("no", "n", "2", "false", "0"):
            return NO, ""
        return None, f"“{raw}” is not yes (1) or no (2)"
    if q.type in ("number", "rating"):
        try:
            value = int(str(raw).strip())
        except ValueError:
            return None, f"“{raw}” is not a whole number"
        lo, hi = (1, 4) if q.type == "rating" else (q.minimum, q.maximum)
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            low = "" if lo is None else str(lo)
            high = "" if hi is None else str(hi)
            return None, f"{value} is outside the range {low}–{high}"
        return value, ""
    if q.type == "choice":
        text = str(raw).strip()
        if text in q.choices:
            return text, ""
        if text.isdigit() and 1 <= int(text) <= len(q.choices):
            return q.choices[int(text) - 1], ""
        return None, f"“{raw}” is not one of {', '.join(q.choices)}"
    cleaner = _CLEANERS.get(q.type)
    if cleaner is not None:
        return cleaner(q, raw)
    text = str(raw).strip()
    if len(text) > 2000:
        return None, "text is longer than 2000 characters"
    return text, ""


def _clean_multi(q: Question, raw: Any) -> tuple[Any, str]:
    picked = [str(v).strip() for v in raw] if isinstance(raw, list) else str(raw).split()
    unknown = [v for v in picked if v not in q.choices]
    if unknown:
        return None, f"“{' '.join(unknown)}” is not among {', '.join(q.choices)}"
    return [c for c in q.choices if c in picked], ""


def _clean_decimal(q: Question, raw: Any) -> tuple[Any, str]:
    try:
        value = float(str(raw).strip().replace(",", "."))
    except ValueError:
        return None, f"“{raw}” is not a number"
    if not math.isfinite(value):
        return None, f"“{raw}” is not a number"
    return value, ""


def _clean_date(q: Question, raw: Any) -> tuple[Any, str]:
    try:
        return dt.date.fromisoformat(str(raw).strip()[:10]).isoformat(), ""
    except ValueError:
        return None, f"“{raw}” is not a date like 2022-11-20"


def _clean_time(q: Question, raw: Any) -> tuple[Any, str]:
    try:
        t = dt.time.fromisoformat(str(raw).strip()[:8])
    except ValueError:
        return None, f"“{raw}” is not a time like 07:30"
    return t.isoformat(timespec="minutes" if t.second == 0 else "seconds"), ""


def _clean_geopoint(q: Question, raw: Any) -> tuple[Any, str]:
    parts = [str(v) for v in raw] if isinstance(raw, list) else str(raw).replace(",", " ").split()
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if not 2 <= len(numbers) <= 4 or not all(math.isfinite(n) for n in numbers):
        return None, f"“{raw}” is not a location “latitude longitude [altitude accuracy]”"
    lat, lon = numbers[0], numbers[1]
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None, f"“{raw}” is outside latitude −90…90 or longitude −180…180"
    return " ".join(xpath.number_text(n) for n in numbers), ""


def _clean_image(q: Question, raw: Any) -> tuple[Any, str]:
    """Accept a photo as a ``data:image/…;base64,`` URL; the service strips and stores it.

    A stored photo's name is not accepted: an observer cannot claim another's photo.
    """
    text = str(raw).strip()
    m = _DATA_URL_RE.match(text)
    if m is None or m.group(1) not in PHOTO_TYPES:
        return None, "a photo must be a JPEG, PNG or WebP image sent as a data: URL"
    try:
        data = base64.b64decode(m.group(2), validate=True)
    except (binascii.Error, ValueError):
        return None, "the photo is not valid base64"
    if len(data) > MAX_PHOTO_BYTES:
        return None, f"the photo is larger than {MAX_PHOTO_BYTES // (1024 * 1024)} MB"
    return PhotoData(m.group(1), data), ""


@dataclass(frozen=True)
class PhotoData:
    """A photo answer before it is stored (the service strips its metadata and saves it)."""

    content_type: str
    data: bytes

    def __str__(self) -> str:  # what an expression sees before storage
        return "photo"


_CLEANERS = {
    "multi_choice": _clean_multi,
    "decimal": _clean_decimal,
    "date": _clean_date,
    "time": _clean_time,
    "geopoint": _clean_geopoint,
    "image": _clean_image,
}


def question_ids() -> list[str]:
    """Return the SMS question ids in order: A … Z, AA … ZZ."""
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    return letters + [a + b for a in letters for b in letters]
