"""A forgiving parser for coded SMS checklists: ``VO 1234 A1 B2 C15``.

The message is ``<form code> <station number> <question id><value> …``. Phones and
people make typing mistakes, so before parsing the text is upper-cased, Cyrillic
letters that look like Latin ones are mapped to Latin (``ВО`` typed on a Russian
keyboard is ``VO``), punctuation becomes space, and inside a number ``O`` is read as
``0`` and ``I``/``L`` as ``1``. Question ids may be glued to each other
(``A1B2C15``) or separated from their value (``A 1``, ``A=1``, ``A:1``).
Yes/no answers are ``1`` (yes) or ``2`` (no); the overall rating is ``1``–``4``
(very good, good, bad, very bad).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .forms import FormError, FormSpec, answers_validate

_LOOKALIKE = str.maketrans(
    {
        "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "К": "K", "М": "M",
        "О": "O", "Р": "P", "Т": "T", "Х": "X", "У": "Y", "І": "I", "Ј": "J",
        "Ѕ": "S", "Ү": "Y", "Ө": "O", "З": "3",
    }
)  # fmt: skip
_PUNCT_RE = re.compile(r"[^A-Z0-9]+")
_DIGITISH = "0123456789OIL"
_DIGIT_FIX = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass(frozen=True)
class SmsParse:
    """What the parser understood, or the problems that stop it."""

    form: FormSpec | None = None
    station_number: int | None = None
    answers: dict[str, object] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def sms_normalise(text: str) -> str:
    """Return the message upper-cased, look-alikes mapped, punctuation as single spaces."""
    upper = text.upper().translate(_LOOKALIKE)
    return _PUNCT_RE.sub(" ", upper).strip()


def sms_parse(text: str, forms: dict[str, FormSpec]) -> SmsParse:
    """Parse one message against the forms keyed by their two-letter SMS code."""
    s = sms_normalise(text)
    if not s:
        return SmsParse(problems=["the message is empty"])
    head = re.match(r"^([A-Z]{2})\s*([0-9OIL]*[0-9][0-9OIL]*)?\s*(.*)$", s)
    if head is None:
        known = ", ".join(sorted(forms))
        return SmsParse(problems=[f"start with a form code ({known}) and the station number"])
    code, station_raw, rest = head.group(1), head.group(2), head.group(3)
    form = forms.get(code)
    if form is None:
        known = ", ".join(sorted(forms))
        return SmsParse(problems=[f"form code “{code}” is unknown; use one of {known}"])
    if not station_raw:
        return SmsParse(form=form, problems=["the station number is missing after the form code"])
    station_number = int(station_raw.translate(_DIGIT_FIX))
    known_ids = {q.id for q in form.questions}
    raw_answers: dict[str, str] = {}
    problems: list[str] = []
    i, n = 0, len(rest)
    while i < n:
        if rest[i] == " ":
            i += 1
            continue
        if rest[i].isdigit():
            j = i
            while j < n and rest[j] in _DIGITISH:
                j += 1
            problems.append(f"value “{rest[i:j]}” has no question id before it")
            i = j
            continue
        j = i
        while j < n and rest[j].isalpha():
            j += 1
        letters = rest[i:j]
        qid, spill = _split_id(letters, known_ids)
        k = j
        while k < n and rest[k] == " ":
            k += 1
        m = k
        while m < n and rest[m] in _DIGITISH and (rest[m].isdigit() or _digitish_run(rest, m)):
            m += 1
        value = (spill + rest[k:m]).translate(_DIGIT_FIX)
        if qid is None:
            problems.append(f"question “{letters}” is not on form {code}")
        elif not value:
            problems.append(f"question {qid} has no value")
        elif qid in raw_answers and raw_answers[qid] != value:
            problems.append(f"question {qid} is given twice ({raw_answers[qid]} and {value})")
        else:
            raw_answers[qid] = value
        i = max(m, j)
    if problems:
        return SmsParse(form=form, station_number=station_number, problems=problems)
    try:
        cleaned = answers_validate(form, dict(raw_answers))
    except FormError as exc:
        return SmsParse(
            form=form,
            station_number=station_number,
            problems=[f"{p['where']}: {p['message']}" for p in exc.problems],
        )
    return SmsParse(form=form, station_number=station_number, answers=cleaned)


def _split_id(letters: str, known: set[str]) -> tuple[str | None, str]:
    """Return the known question id at the start of ``letters`` and the digit-like rest."""
    if letters in known:
        return letters, ""
    for cut in range(len(letters) - 1, 0, -1):
        head, tail = letters[:cut], letters[cut:]
        if head in known and all(c in "OIL" for c in tail):
            return head, tail
    return None, ""


def _digitish_run(s: str, m: int) -> bool:
    """Read O/I/L as a digit only when it sits inside a run that holds a real digit."""
    left = m - 1
    while left >= 0 and s[left] in _DIGITISH:
        if s[left].isdigit():
            return True
        left -= 1
    right = m + 1
    while right < len(s) and s[right] in _DIGITISH:
        if s[right].isdigit():
            return True
        right += 1
    return False


def sms_reply(parse: SmsParse) -> str:
    """Return the reply text: what was understood, or exactly what is wrong."""
    if not parse.ok:
        return "NOT RECORDED: " + "; ".join(parse.problems)
    assert parse.form is not None
    parts = []
    for q in parse.form.questions:
        if q.id in parse.answers:
            parts.append(f"{q.id}={parse.answers[q.id]}")
    return f"OK {parse.form.sms_code} station {parse.station_number}: " + " ".join(parts)
