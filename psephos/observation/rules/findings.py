"""Findings: counts with their denominators, breakdowns and, where a sample allows, Wilson intervals.

The unit is the observation (one submitted checklist), not the station: a station
visited twice counts twice (``observation-methodology.md`` §3.2). Answers that are
missing or hidden by skip logic are left out of the denominator: a question asked only
when its ``relevant`` held (or inside a group that was shown) is counted over the
observations where it was asked, because a submission never stores an answer to a
question that was not relevant (``forms.answers_validate`` refuses one). ODIHR-style
deployment is purposive, so its figures describe the observations and carry no
interval; only a probability sample (a quick-count sample) gets Wilson intervals.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .forms import NEGATIVE_RATINGS, FormSpec

#: Smallest denominator for which an interval is reported at all.
MIN_N_FOR_INFERENCE = 30
#: Denominators from here up are presented as percentages, below as "k of n".
PERCENT_FROM = 200

Z_95 = 1.959963984540054


@dataclass(frozen=True)
class Row:
    """One included observation, as the findings need it."""

    answers: dict[str, Any]
    region: str = ""
    urban: bool | None = None
    observer_kind: str = ""


@dataclass(frozen=True)
class Figure:
    count: int
    denominator: int
    low: float | None = None
    high: float | None = None

    @property
    def share(self) -> float | None:
        return None if self.denominator == 0 else self.count / self.denominator


@dataclass(frozen=True)
class Finding:
    question: str
    name: str
    label: str
    measure: str  # "problem", "yes", "selected", "negative", "positive"
    total: Figure
    by_region: dict[str, Figure] = field(default_factory=dict)
    by_area: dict[str, Figure] = field(default_factory=dict)
    by_observer_kind: dict[str, Figure] = field(default_factory=dict)


def wilson(count: int, n: int, z: float = Z_95) -> tuple[float, float]:
    """Return the Wilson score interval for ``count`` successes in ``n`` trials."""
    if n <= 0:
        raise ValueError("n must be positive")
    if not 0 <= count <= n:
        raise ValueError("count must lie between 0 and n")
    p = count / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def _figure(count: int, n: int, inference: bool) -> Figure:
    if inference and n >= MIN_N_FOR_INFERENCE:
        lo, hi = wilson(count, n)
        return Figure(count, n, lo, hi)
    return Figure(count, n)


def findings_compute(
    spec: FormSpec, rows: Sequence[Row], *, inference: bool = False
) -> list[Finding]:
    """Return one finding per analysable question, plus negative and positive rating."""
    targets: list[tuple[str, str, str, str, Any]] = []
    for q in spec.questions:
        if q.type == "rating":
            targets.append((q.id, q.name, q.label, "negative", NEGATIVE_RATINGS))
            targets.append((q.id, q.name, q.label, "positive", frozenset({1, 2})))
        elif q.type == "yes_no":
            if q.problem is not None:
                targets.append((q.id, q.name, q.label, "problem", frozenset({q.problem})))
            else:
                targets.append((q.id, q.name, q.label, "yes", frozenset({"yes"})))
        elif q.type == "multi_choice":
            # An answer is the list of choices ticked; each choice is counted over the
            # observations where the question was asked and answered.
            if q.problem is not None:
                targets.append((q.id, q.name, q.label, "problem", frozenset({q.problem})))
            else:
                for choice in q.choices:
                    targets.append(
                        (q.id, q.name, f"{q.label}: {choice}", "selected", frozenset({choice}))
                    )
    # Group the rows by (region, area, observer type) first: there are few such cells, so
    # the inner loop per row and question is a lookup and two additions.
    cells: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for row in rows:
        area = "" if row.urban is None else ("urban" if row.urban else "rural")
        cells.setdefault((row.region, area, row.observer_kind), []).append(row.answers)
    out: list[Finding] = []
    multi = {q.id for q in spec.questions if q.type == "multi_choice"}
    for qid, name, label, measure, hits in targets:
        total = [0, 0]
        groups: dict[str, dict[str, list[int]]] = {"region": {}, "area": {}, "kind": {}}
        for (region, area, kind), answer_sets in cells.items():
            n = hit = 0
            if qid in multi:  # an answer is a list of the choices ticked
                for answers in answer_sets:
                    value = answers.get(qid)
                    if value is not None:
                        n += 1
                        hit += not hits.isdisjoint(value)
            else:
                for answers in answer_sets:
                    value = answers.get(qid)
                    if value is None:
                        continue
                    n += 1
                    if value in hits:
                        hit += 1
            if n == 0:
                continue
            total[0] += hit
            total[1] += n
            for dim, key in (("region", region), ("area", area), ("kind", kind)):
                if key:
                    cell = groups[dim].setdefault(key, [0, 0])
                    cell[0] += hit
                    cell[1] += n
        out.append(
            Finding(
                question=qid,
                name=name,
                label=label,
                measure=measure,
                total=_figure(total[0], total[1], inference),
                by_region={
                    k: _figure(c, n, inference) for k, (c, n) in sorted(groups["region"].items())
                },
                by_area={
                    k: _figure(c, n, inference) for k, (c, n) in sorted(groups["area"].items())
                },
                by_observer_kind={
                    k: _figure(c, n, inference) for k, (c, n) in sorted(groups["kind"].items())
                },
            )
        )
    return out


_MEASURE_WORDS = {
    "problem": "reported",
    "yes": "reported",
    "selected": "reported",
    "negative": "assessed negatively",
    "positive": "assessed positively",
}


def figure_text(figure: Figure) -> str:
    """Return the figure the ODIHR way: "65 of 110" for small denominators, "95% of 1,131" for large."""
    if figure.denominator == 0:
        return "no observations"
    if figure.denominator >= PERCENT_FROM:
        pct = round(100 * figure.count / figure.denominator)
        return f"{pct}% of {figure.denominator:,}"
    if figure.count == figure.denominator:
        return f"all {figure.denominator}"
    return f"{figure.count} of {figure.denominator}"


def findings_table(findings: Iterable[Finding], *, phase: str) -> list[dict[str, Any]]:
    """Return report-ready rows: phase, question, measure, count, denominator, percent, text, interval."""
    rows = []
    for f in findings:
        t = f.total
        pct = None if t.share is None else round(100 * t.share, 1)
        rows.append(
            {
                "phase": phase,
                "question": f.question,
                "name": f.name,
                "label": f.label,
                "measure": f.measure,
                "count": t.count,
                "denominator": t.denominator,
                "percent": pct,
                "text": f"{_MEASURE_WORDS[f.measure]} in {figure_text(t)} observations",
                "ci_low": None if t.low is None else round(100 * t.low, 1),
                "ci_high": None if t.high is None else round(100 * t.high, 1),
            }
        )
    return rows
