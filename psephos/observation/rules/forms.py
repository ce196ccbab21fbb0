"""Checklist form definitions and answer validation.

A form is plain data (``FormSpec``) so that it can be versioned in the database as
JSON, exported to XLSForm and rendered offline by the mobile page. Each question has
an ``id`` (the short SMS code, ``A``, ``B``, … ``AA``) and a ``name`` (the stable
analysis key). ``problem`` names the answer that counts as a finding ("yes" for
"ballots in the box exceeded signatures", "no" for "protocol posted").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

QUESTION_TYPES = ("yes_no", "number", "choice", "text", "rating")

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

_ID_RE = re.compile(r"^[A-Z]{1,2}$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class Condition:
    """Show a question only when another question has a given answer (skip logic)."""

    question: str
    equals: Any

    def holds(self, answers: dict[str, Any]) -> bool:
        return answers.get(self.question) == self.equals


@dataclass(frozen=True)
class Question:
    id: str
    name: str
    type: str
    label: str
    required: bool = False
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    relevant: Condition | None = None
    problem: Any = None


@dataclass(frozen=True)
class FormSpec:
    key: str
    version: int
    phase: str
    title: str
    sms_code: str
    unit: str = "station"  # "station" or "tec"
    questions: tuple[Question, ...] = field(default_factory=tuple)

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


class FormError(ValueError):
    """A form definition or an answer set breaks a rule; ``problems`` lists each one."""

    def __init__(self, problems: list[dict[str, str]]) -> None:
        super().__init__("; ".join(f"{p['where']}: {p['message']}" for p in problems))
        self.problems = problems


def spec_to_dict(spec: FormSpec) -> dict[str, Any]:
    """Return the JSON-ready form definition."""
    return {
        "key": spec.key,
        "version": spec.version,
        "phase": spec.phase,
        "title": spec.title,
        "sms_code": spec.sms_code,
        "unit": spec.unit,
        "questions": [
            {
                "id": q.id,
                "name": q.name,
                "type": q.type,
                "label": q.label,
                "required": q.required,
                "min": q.minimum,
                "max": q.maximum,
                "choices": list(q.choices),
                "relevant": (
                    {"question": q.relevant.question, "equals": q.relevant.equals}
                    if q.relevant
                    else None
                ),
                "problem": q.problem,
            }
            for q in spec.questions
        ],
    }


def spec_from_dict(data: dict[str, Any]) -> FormSpec:
    """Build and check a form definition; raise ``FormError`` listing every problem."""
    problems: list[dict[str, str]] = []
    questions: list[Question] = []
    seen_ids: set[str] = set()
    seen_names: set[str] = set()
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
        if qtype == "choice" and not choices:
            problems.append({"where": where, "message": "a choice question needs choices"})
        lo, hi = raw.get("min"), raw.get("max")
        if lo is not None and hi is not None and int(lo) > int(hi):
            problems.append({"where": where, "message": f"min {lo} is above max {hi}"})
        rel = raw.get("relevant")
        relevant = None
        if rel:
            target = str(rel.get("question", "")).upper()
            if target not in seen_ids:
                problems.append(
                    {
                        "where": where,
                        "message": f"skip logic refers to “{target}”, which is not an earlier question",
                    }
                )
            relevant = Condition(question=target, equals=rel.get("equals"))
        seen_ids.add(qid)
        seen_names.add(name)
        questions.append(
            Question(
                id=qid,
                name=name,
                type=qtype,
                label=str(raw.get("label", name)),
                required=bool(raw.get("required", False)),
                minimum=None if lo is None else int(lo),
                maximum=None if hi is None else int(hi),
                choices=choices,
                relevant=relevant,
                problem=raw.get("problem"),
            )
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
        sms_code=sms_code,
        unit=str(data.get("unit", "station")),
        questions=tuple(questions),
    )


def answers_validate(spec: FormSpec, answers: dict[str, Any]) -> dict[str, Any]:
    """Return the cleaned answers keyed by question id; raise ``FormError`` otherwise.

    Answers may be keyed by id or by name. Answers to questions hidden by skip
    logic are refused, so a submission never carries contradictory data.
    """
    problems: list[dict[str, str]] = []
    cleaned: dict[str, Any] = {}
    by_key: dict[str, Question] = {}
    for q in spec.questions:
        by_key[q.id] = q
        by_key[q.name] = q
    for key in answers:
        if str(key).upper() not in by_key and key not in by_key:
            problems.append({"where": str(key), "message": "no such question on this form"})
    for q in spec.questions:
        raw = answers.get(q.id, answers.get(q.name))
        if raw is None or raw == "":
            if q.required and (q.relevant is None or q.relevant.holds(cleaned)):
                problems.append({"where": q.id, "message": "an answer is required"})
            continue
        if q.relevant is not None and not q.relevant.holds(cleaned):
            problems.append(
                {
                    "where": q.id,
                    "message": (
                        f"must be left empty unless {q.relevant.question} is “{q.relevant.equals}”"
                    ),
                }
            )
            continue
        value, message = _clean(q, raw)
        if message:
            problems.append({"where": q.id, "message": message})
        else:
            cleaned[q.id] = value
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
    text = str(raw).strip()
    if len(text) > 2000:
        return None, "text is longer than 2000 characters"
    return text, ""


def question_ids() -> list[str]:
    """Return the SMS question ids in order: A … Z, AA … ZZ."""
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    return letters + [a + b for a in letters for b in letters]
