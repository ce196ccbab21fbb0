"""Findings: what observers reported, with denominators, as JSON, CSV or Markdown."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from psephos.core.errors import NotFound

from ..models import (
    FormDefinition,
    Organisation,
    Submission,
)
from ..rules.findings import Figure, Row, figure_text, findings_compute
from ..rules.forms import FormSpec, Question
from ..rules.library_i18n import LABELS, TITLES
from ..services.forms import form_spec

if TYPE_CHECKING:
    from psephos.elections.models import Election


PHASE_ORDER = ["opening", "voting", "counting", "tabulation", "quickcount"]


CSV_COLUMNS = [
    "phase", "question", "name", "label", "measure", "dimension", "group",
    "count", "denominator", "percent", "ci_low", "ci_high", "text",
]  # fmt: skip


@dataclass
class FindingsReport:
    election: str
    organisation: str
    form: str
    phase: str
    basis: str  # "purposive observation" or "random sample"
    observations: int
    excluded: int
    excluded_reasons: dict[str, int]
    rows: list[dict[str, Any]] = field(default_factory=list)
    # The form's title in English, Kazakh and Russian (core.i18n.localized(report, "title")).
    title: str = ""
    title_kk: str = ""
    title_ru: str = ""


_WORDS = {
    "problem": "reported",
    "yes": "reported",
    "selected": "reported",
    "negative": "assessed negatively",
    "positive": "assessed positively",
}


def _row(
    phase: str, qid: str, name: str, label: str, measure: str, dim: str, group: str, fig: Figure
) -> dict[str, Any]:
    pct = None if fig.share is None else round(100 * fig.share, 1)
    return {
        "phase": phase,
        "question": qid,
        "name": name,
        "label": label,
        "measure": measure,
        "dimension": dim,
        "group": group,
        "count": fig.count,
        "denominator": fig.denominator,
        "percent": pct,
        "ci_low": None if fig.low is None else round(100 * fig.low, 1),
        "ci_high": None if fig.high is None else round(100 * fig.high, 1),
        "text": f"{_WORDS[measure]} in {figure_text(fig)} observations",
    }


def _translations(
    text: str, kk: str, ru: str, library: dict[str, tuple[str, str]]
) -> dict[str, str]:
    """Return a stored text's Kazakh and Russian forms; a built-in text stored before its
    translations were (library version 1 in an older database) takes the library's."""
    if not (kk or ru):
        kk, ru = library.get(text, ("", ""))
    return {"kk": kk, "ru": ru}


def _label_forms(question: Question | None, label: str) -> dict[str, str]:
    """Return the ``label_kk``/``label_ru`` of a finding's row (a choice's row has none)."""
    if question is None or question.label != label:
        return {}
    forms = _translations(question.label, question.label_kk, question.label_ru, LABELS)
    return {"label_kk": forms["kk"], "label_ru": forms["ru"]}


def findings_for(
    *,
    election: Election,
    form_key: str,
    organisation: Organisation | None = None,
    breakdowns: bool = True,
) -> FindingsReport:
    """Return the findings of one form: counts with denominators, breakdowns, intervals if sampled."""
    qs = Submission.objects.filter(election=election, form__key=form_key)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    data = list(
        qs.values_list(
            "form_id",
            "answers",
            "region_code",
            "urban",
            "organisation__kind",
            "included",
            "excluded_reasons",
        )
    )
    form_ids = {r[0] for r in data}
    forms = {f.pk: f for f in FormDefinition.objects.filter(pk__in=form_ids)}
    if forms:
        latest = max(forms.values(), key=lambda f: (f.version, f.pk))
    else:
        fallback = FormDefinition.objects.filter(key=form_key).order_by("-version").first()
        if fallback is None:
            raise NotFound(_("No form “%(form)s”.") % {"form": form_key}, data={"form": form_key})
        latest = fallback
    spec: FormSpec = form_spec(latest)
    name_to_id = {q.name: q.id for q in spec.questions}
    remap: dict[int, dict[str, str] | None] = {}
    for fid, form in forms.items():
        other = form_spec(form)
        mapping = {q.id: name_to_id[q.name] for q in other.questions if q.name in name_to_id}
        remap[fid] = (
            None
            if all(k == v for k, v in mapping.items()) and len(mapping) == len(other.questions)
            else mapping
        )
    rows: list[Row] = []
    reasons: Counter[str] = Counter()
    excluded = 0
    for fid, answers, region, urban, kind, included, why in data:
        if not included:
            excluded += 1
            for r in why or []:
                reasons[r.split(" at ")[0]] += 1
            continue
        m = remap.get(fid)
        if m is not None:
            answers = {m[k]: v for k, v in answers.items() if k in m}
        rows.append(Row(answers=answers, region=region, urban=urban, observer_kind=kind))
    inference = bool(organisation is not None and organisation.sampling)
    report = FindingsReport(
        election=election.key,
        organisation=organisation.key if organisation else "",
        form=form_key,
        phase=spec.phase,
        basis="random sample" if inference else "purposive observation",
        observations=len(rows),
        excluded=excluded,
        excluded_reasons=dict(reasons),
        title=spec.title,
        title_kk=_translations(spec.title, spec.title_kk, spec.title_ru, TITLES)["kk"],
        title_ru=_translations(spec.title, spec.title_kk, spec.title_ru, TITLES)["ru"],
    )
    for f in findings_compute(spec, rows, inference=inference):
        report.rows.append(
            _row(spec.phase, f.question, f.name, f.label, f.measure, "all", "", f.total)
            | _label_forms(spec.by_name(f.name), f.label)
        )
        if breakdowns:
            for dim, groups in (
                ("region", f.by_region),
                ("area", f.by_area),
                ("observer_type", f.by_observer_kind),
            ):
                for group, fig in groups.items():
                    report.rows.append(
                        _row(spec.phase, f.question, f.name, f.label, f.measure, dim, group, fig)
                    )
    return report


def findings_all(
    *, election: Election, organisation: Organisation | None = None, breakdowns: bool = True
) -> list[FindingsReport]:
    """Return the findings of every form with submissions, in phase order."""
    qs = Submission.objects.filter(election=election)
    if organisation is not None:
        qs = qs.filter(organisation=organisation)
    keys = set(qs.values_list("form__key", flat=True).distinct())
    ordered = [k for k in PHASE_ORDER if k in keys] + sorted(keys - set(PHASE_ORDER))
    return [
        findings_for(
            election=election, form_key=k, organisation=organisation, breakdowns=breakdowns
        )
        for k in ordered
    ]


def findings_csv(reports: list[FindingsReport]) -> str:
    """Return all findings as one CSV table (one row per figure and breakdown)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for rep in reports:
        for row in rep.rows:
            writer.writerow({k: ("" if row[k] is None else row[k]) for k in CSV_COLUMNS})
    return buf.getvalue()


def findings_markdown(reports: list[FindingsReport]) -> str:
    """Return report-ready Markdown tables, one per phase, national figures only."""
    out: list[str] = []
    for rep in reports:
        out.append(f"## {rep.phase.capitalize()} — {rep.observations:,} observations ({rep.basis})")
        out.append("")
        if rep.basis == "purposive observation":
            out.append(
                "Deployment was purposive: the figures describe the observations and are not estimates for all stations."
            )
        if rep.excluded:
            out.append(
                f"{rep.excluded} submissions excluded by the quality rules: "
                + ", ".join(f"{k} ({v})" for k, v in sorted(rep.excluded_reasons.items()))
                + "."
            )
        out.append("")
        ci = rep.basis == "random sample"
        out.append("| Item | Count | Of | % | Statement |" + (" 95% CI |" if ci else ""))
        out.append("|---|---:|---:|---:|---|" + ("---|" if ci else ""))
        for row in rep.rows:
            if row["dimension"] != "all":
                continue
            pct = "" if row["percent"] is None else f"{row['percent']:.1f}"
            line = f"| {row['label']} ({row['measure']}) | {row['count']} | {row['denominator']} | {pct} | {row['text']} |"
            if ci:
                line += (
                    f" {row['ci_low']}–{row['ci_high']} |" if row["ci_low"] is not None else " — |"
                )
            out.append(line)
        out.append("")
    return "\n".join(out)
