"""Quality checks on submissions and the rules that decide which enter the findings.

Checks: ``late`` (submitted after the phase deadline), ``conflict`` (two observers
at one station disagree on an answer of the same form within ``CONFLICT_WINDOW``,
so a later roving visit that finds things changed is not a conflict), ``inconsistent`` (figures
that cannot all be true, e.g. more voted than on the list). Missing reports are
assignments without a submission. Excluded submissions keep their reasons and stay
visible; nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

#: Two observers' reports on one place conflict only if they describe the same moment.
CONFLICT_WINDOW = dt.timedelta(minutes=60)


@dataclass(frozen=True)
class Sub:
    id: int
    form: str
    place: str  # station or TEC code
    observer: str
    answers: dict[str, Any]
    submitted_at: dt.datetime


@dataclass(frozen=True)
class InclusionRules:
    """Which quality flags exclude a submission from the findings (configurable per organisation)."""

    exclude_late: bool = False
    exclude_conflict: bool = False
    exclude_inconsistent: bool = True

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> InclusionRules:
        data = data or {}
        return cls(
            exclude_late=bool(data.get("exclude_late", False)),
            exclude_conflict=bool(data.get("exclude_conflict", False)),
            exclude_inconsistent=bool(data.get("exclude_inconsistent", True)),
        )


@dataclass
class Verdict:
    flags: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    included: bool = True


# (form, larger, smaller): answers[larger] must be >= answers[smaller].
_ORDER_CHECKS: tuple[tuple[str, str, str], ...] = (
    ("voting", "voters_on_list", "voted_so_far"),
    ("quickcount", "voters_on_list", "ballots_cast"),
    ("quickcount", "ballots_cast", "ballots_valid"),
)


def inconsistencies(form: str, named: dict[str, Any]) -> list[str]:
    """Return the consistency problems of one submission's answers keyed by name."""
    out = []
    for f, big, small in _ORDER_CHECKS:
        if f == form and isinstance(named.get(big), int) and isinstance(named.get(small), int):
            if named[small] > named[big]:
                out.append(f"{small} ({named[small]}) exceeds {big} ({named[big]})")
    if form == "quickcount":
        valid, invalid, cast = (
            named.get("ballots_valid"),
            named.get("ballots_invalid"),
            named.get("ballots_cast"),
        )
        if all(isinstance(x, int) for x in (valid, invalid, cast)) and valid + invalid != cast:  # type: ignore[operator]
            out.append(f"valid ({valid}) + invalid ({invalid}) ≠ ballots cast ({cast})")
        votes = [v for k, v in named.items() if k.startswith("votes_") and isinstance(v, int)]
        if votes and isinstance(valid, int) and sum(votes) != valid:
            out.append(f"votes for the options ({sum(votes)}) ≠ valid ballots ({valid})")
    return out


def quality_check(
    subs: Sequence[Sub],
    *,
    names: dict[str, dict[str, str]],
    deadlines: dict[str, dt.datetime],
    rules: InclusionRules,
) -> dict[int, Verdict]:
    """Return a verdict per submission id.

    ``names`` maps form → question id → name (for the consistency checks);
    ``deadlines`` maps form → the time after which a report is late.
    """
    verdicts = {s.id: Verdict() for s in subs}
    groups: dict[tuple[str, str], list[Sub]] = {}
    for s in subs:
        groups.setdefault((s.form, s.place), []).append(s)
        v = verdicts[s.id]
        deadline = deadlines.get(s.form)
        if deadline is not None and s.submitted_at > deadline:
            v.flags.append("late")
            v.reasons.append(f"submitted after the {s.form} deadline")
        qnames = names.get(s.form, {})
        named = {qnames.get(k, k): val for k, val in s.answers.items()}
        for problem in inconsistencies(s.form, named):
            v.flags.append("inconsistent")
            v.reasons.append(problem)
    for (_form, place), group in groups.items():
        if len({s.observer for s in group}) < 2:
            continue
        group.sort(key=lambda s: s.submitted_at)
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if b.submitted_at - a.submitted_at > CONFLICT_WINDOW:
                    break
                if a.observer == b.observer:
                    continue
                for qid in sorted(set(a.answers) & set(b.answers)):
                    if a.answers[qid] != b.answers[qid]:
                        for s in (a, b):
                            v = verdicts[s.id]
                            if "conflict" not in v.flags:
                                v.flags.append("conflict")
                            reason = f"{qid} differs between observers at {place}"
                            if reason not in v.reasons:
                                v.reasons.append(reason)
    for v in verdicts.values():
        v.included = not (
            (rules.exclude_late and "late" in v.flags)
            or (rules.exclude_conflict and "conflict" in v.flags)
            or (rules.exclude_inconsistent and "inconsistent" in v.flags)
        )
    return verdicts
