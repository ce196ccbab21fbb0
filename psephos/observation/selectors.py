"""Read side of observation: findings, roster (logged), coverage, accreditations, quick count."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from psephos.core.errors import NotFound
from psephos.elections.models import Election
from psephos.territory.models import AdministrativeUnit

from .access import access_log, access_observer, access_personal_data
from .enums import AccreditationStatus
from .models import (
    AccessLogEntry,
    Accreditation,
    Assignment,
    FormDefinition,
    Incident,
    Observer,
    Organisation,
    QuickCountSample,
    Submission,
    TotpDevice,
)
from .rules.findings import Figure, Row, figure_text, findings_compute
from .rules.forms import FormSpec
from .rules.quickcount import Estimate, Unit, ratio_estimate
from .services.crypto import unseal
from .services.forms import form_spec

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


def organisation_get(*, key: str) -> Organisation:
    try:
        return Organisation.objects.get(key=key)
    except Organisation.DoesNotExist:
        raise NotFound(
            _("No observer organisation “%(key)s”.") % {"key": key}, data={"organisation": key}
        ) from None


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
    )
    for f in findings_compute(spec, rows, inference=inference):
        report.rows.append(
            _row(spec.phase, f.question, f.name, f.label, f.measure, "all", "", f.total)
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


# --- accreditation, public ----------------------------------------------------------------


def accreditation_list_public(*, election: Election) -> list[dict[str, Any]]:
    """Return the public list of accreditation decisions: badge numbers, never names."""
    rows = Accreditation.objects.filter(election=election).exclude(
        status=AccreditationStatus.APPLIED
    )
    return [
        {
            "badge": code,
            "organisation": org_name,
            "organisation_kind": kind,
            "region": region,
            "status": status,
            "decided_at": decided_at,
            "reasons": reasons,
        }
        for code, org_name, kind, region, status, decided_at, reasons in rows.order_by(
            "observer__code"
        ).values_list(
            "observer__code",
            "observer__organisation__name",
            "observer__organisation__kind",
            "observer__region__code",
            "status",
            "decided_at",
            "reasons",
        )
    ]


def accreditation_by_token(*, token: str) -> Accreditation:
    """Return the accreditation a badge's QR code points to, or ``NotFound``."""
    acc = (
        Accreditation.objects.select_related(
            "observer__organisation", "observer__region", "election"
        )
        .filter(badge_token=token)
        .first()
    )
    if acc is None:
        raise NotFound(_("No accreditation matches this badge."), data={})
    return acc


# --- personal data (logged) ---------------------------------------------------------------


def observer_roster(
    *, user: Any, organisation: Organisation, two_factor_ok: bool, export: bool = False
) -> list[dict[str, Any]]:
    """Return the admin's observers with decrypted personal data, logging the read or export."""
    action = "roster.export" if export else "roster.read"
    scope = access_personal_data(
        user=user,
        organisation=organisation,
        two_factor_ok=two_factor_ok,
        action=action,
        target="roster",
    )
    qs = Observer.objects.filter(organisation=organisation).select_related("region")
    if not scope.all_regions:
        qs = qs.filter(region_id__in=scope.region_ids)
    rows = [
        {
            "code": o.code,
            "region": o.region.code,
            "name": unseal(o.name_enc),
            "phone": unseal(o.phone_enc),
            "document": unseal(o.document_enc),
        }
        for o in qs.order_by("code")
    ]
    access_log(
        organisation=organisation,
        user=user,
        action=action,
        target="roster",
        allowed=True,
        detail=f"{len(rows)} observers"
        + ("" if scope.all_regions else f" in {len(scope.region_ids)} region(s)"),
    )
    return rows


def observer_detail(*, user: Any, code: str, two_factor_ok: bool) -> dict[str, Any]:
    """Return one observer's personal data to an admin whose regions cover them; log it."""
    observer = Observer.objects.select_related("organisation", "region").filter(code=code).first()
    if observer is None:
        raise NotFound(_("No such observer."), data={"observer": code})
    access_observer(
        user=user, observer=observer, two_factor_ok=two_factor_ok, action="observer.read"
    )
    access_log(
        organisation=observer.organisation,
        user=user,
        action="observer.read",
        target=f"observer {observer.code}",
        allowed=True,
    )
    return {
        "code": observer.code,
        "region": observer.region.code,
        "name": unseal(observer.name_enc),
        "phone": unseal(observer.phone_enc),
        "document": unseal(observer.document_enc),
    }


def access_log_list(
    *, user: Any, organisation: Organisation, two_factor_ok: bool
) -> list[AccessLogEntry]:
    """Return the organisation's access log to its admins (reading it is itself logged)."""
    access_personal_data(
        user=user,
        organisation=organisation,
        two_factor_ok=two_factor_ok,
        action="log.read",
        target="access log",
    )
    return list(AccessLogEntry.objects.filter(organisation=organisation)[:500])


# --- coverage ------------------------------------------------------------------------------


def coverage(*, election: Election, organisation: Organisation) -> list[dict[str, Any]]:
    """Return per region: assigned observers, those who reported, missing, late submissions."""
    assigned: dict[str, set[int]] = defaultdict(set)
    for obs_id, region in Assignment.objects.filter(
        election=election, observer__organisation=organisation
    ).values_list("observer_id", "observer__region__code"):
        assigned[region].add(obs_id)
    reported: dict[str, set[int]] = defaultdict(set)
    late: Counter[str] = Counter()
    subs = Submission.objects.filter(election=election, organisation=organisation)
    for obs_id, region, flags in subs.values_list("observer_id", "observer__region__code", "flags"):
        reported[region].add(obs_id)
        if "late" in (flags or []):
            late[region] += 1
    out = []
    for region in sorted(set(assigned) | set(reported)):
        a = assigned.get(region, set())
        r = reported.get(region, set())
        out.append(
            {
                "region": region,
                "assigned": len(a),
                "reported": len(a & r),
                "missing": len(a - r),
                "late": late.get(region, 0),
            }
        )
    return out


# --- quick count ---------------------------------------------------------------------------


@dataclass
class QuickCountMeasure:
    name: str
    estimate: Estimate
    official: float | None
    official_sample: float | None

    @property
    def flag(self) -> bool:
        return self.official is not None and not self.estimate.consistent(self.official, level=99)


def quickcount_estimate(
    *, election: Election, organisation: Organisation, official: dict[str, float] | None = None
) -> dict[str, Any]:
    """Return turnout and vote shares with 95/99% margins from sampled stations' protocols.

    ``official`` maps a measure name (``turnout``, ``invalid``, ``votes_<option>``)
    to the official national figure; each measure is flagged where the official
    figure falls outside the 99% margin.
    """
    sample = QuickCountSample.objects.filter(election=election, organisation=organisation).first()
    if sample is None:
        raise NotFound(
            "This organisation has drawn no quick-count sample.",
            data={"organisation": organisation.key},
        )
    strata = dict(sample.stations.values_list("station_id", "stratum"))
    rows = (
        Submission.objects.filter(
            election=election,
            organisation=organisation,
            form__key="quickcount",
            included=True,
            station_id__in=list(strata),
        )
        .order_by("station_id", "-submitted_at")
        .values_list("station_id", "form_id", "answers")
    )
    latest: dict[int, dict[str, Any]] = {}
    form_ids: set[int] = set()
    for sid, fid, answers in rows:
        if sid not in latest:
            form_ids.add(fid)
            latest[sid] = {"form": fid, "answers": answers}
    specs = {f.pk: form_spec(f) for f in FormDefinition.objects.filter(pk__in=form_ids)}
    named: dict[int, dict[str, int]] = {}
    for sid, item in latest.items():
        spec = specs[item["form"]]
        ids = {q.id: q.name for q in spec.questions}
        named[sid] = {ids[k]: v for k, v in item["answers"].items() if k in ids}
    measures: dict[str, tuple[str, str]] = {
        "turnout": ("ballots_cast", "voters_on_list"),
        "invalid": ("ballots_invalid", "ballots_cast"),
    }
    option_names = sorted({k for n in named.values() for k in n if k.startswith("votes_")})
    for opt in option_names:
        measures[opt] = (opt, "ballots_valid")
    frame = {k: int(v) for k, v in sample.frame_sizes.items()}
    out: dict[str, Any] = {
        "election": election.key,
        "organisation": organisation.key,
        "seed": sample.seed,
        "sample_size": sample.size,
        "reported": len(named),
        "measures": [],
    }
    for name, (a_key, m_key) in measures.items():
        units = [
            Unit(stratum=strata[sid], a=float(n.get(a_key, 0)), m=float(n.get(m_key, 0)))
            for sid, n in named.items()
            if m_key in n
        ]
        if not units:
            continue
        try:
            est = ratio_estimate(units, frame)
        except ValueError:
            continue
        off = (official or {}).get(name)
        m = QuickCountMeasure(name=name, estimate=est, official=off, official_sample=None)
        out["measures"].append(
            {
                "name": name,
                "estimate": round(100 * est.value, 2),
                "moe95": round(100 * est.moe95, 2),
                "moe99": round(100 * est.moe99, 2),
                "official": None if off is None else round(100 * off, 2),
                "outside_margin": m.flag,
                "thin_strata": list(est.thin_strata),
                "missing_strata": list(est.missing_strata),
            }
        )
    return out


def quickcount_official(*, election: Election) -> dict[str, float]:
    """Return the official national turnout, invalid share and vote shares (fractions)."""
    from psephos.elections.selectors import election_options
    from psephos.results.selectors import result_rows

    rows = result_rows(election=election, level="national")
    if not rows:
        return {}
    row = rows[0]
    out: dict[str, float] = {}
    if row.get("voters_on_list"):
        out["turnout"] = row["ballots_found"] / row["voters_on_list"]
    if row.get("ballots_found"):
        out["invalid"] = row["ballots_invalid"] / row["ballots_found"]
    if row.get("ballots_valid"):
        for opt in election_options(election=election):
            out["votes_" + opt.key.replace("-", "_")] = (row.get(opt.key) or 0) / row[
                "ballots_valid"
            ]
    return out


def quickcount_station_check(
    *, election: Election, organisation: Organisation
) -> list[dict[str, Any]]:
    """Compare each sampled station's observer copy with the published protocol of that station.

    Any difference is direct evidence of a change between the station and the
    published result (``observation-methodology.md`` §5.5, step 3).
    """
    from psephos.results.selectors import result_rows

    official = {
        r["station"]: r
        for r in result_rows(election=election, level="station")
        if r.get("status") == "accepted"
    }
    line_of = {
        "voters_on_list": "voters_on_list",
        "ballots_cast": "ballots_found",
        "ballots_invalid": "ballots_invalid",
        "ballots_valid": "ballots_valid",
    }
    rows = (
        Submission.objects.filter(
            election=election, organisation=organisation, form__key="quickcount", included=True
        )
        .order_by("place_code", "-submitted_at")
        .select_related("form")
    )
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for sub in rows:
        if sub.place_code in seen:
            continue
        seen.add(sub.place_code)
        spec = form_spec(sub.form)
        named = {q.name: sub.answers.get(q.id) for q in spec.questions}
        pub = official.get(sub.place_code)
        if pub is None:
            out.append({"station": sub.place_code, "published": False, "differences": {}})
            continue
        diffs = {}
        for name, value in named.items():
            key = line_of.get(name) or (name[6:] if name.startswith("votes_") else None)
            if key is None or value is None:
                continue
            if key not in pub:
                key = key.replace("_", "-")
            if pub.get(key) is not None and int(pub[key]) != int(value):
                diffs[name] = {"observer": value, "published": pub[key]}
        out.append({"station": sub.place_code, "published": True, "differences": diffs})
    return out


def totp_confirmed(*, user: Any) -> bool:
    """Return whether the user has a confirmed authenticator."""
    return TotpDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def totp_pending(*, user: Any) -> bool:
    """Return whether the user has an authenticator waiting for its first code."""
    return TotpDevice.objects.filter(user_id=user.pk, confirmed=False).exists()


def observer_in_organisation(*, organisation_key: str, code: str) -> Observer:
    """Return an organisation's observer by badge number, or ``NotFound``."""
    observer = (
        Observer.objects.select_related("organisation")
        .filter(organisation__key=organisation_key, code=code)
        .first()
    )
    if observer is None:
        raise NotFound(_("No such observer in this organisation."), data={"observer": code})
    return observer


def accreditation_get(*, election_key: str, badge: str) -> Accreditation:
    """Return the application of a badge for an election, or ``NotFound``."""
    acc = (
        Accreditation.objects.select_related("observer", "election")
        .filter(election__key=election_key, observer__code=badge)
        .first()
    )
    if acc is None:
        raise NotFound(_("No application for this badge and election."), data={"badge": badge})
    return acc


def incident_get(*, organisation_key: str, number: int) -> Incident:
    """Return an organisation's incident by number, or ``NotFound``."""
    inc = (
        Incident.objects.select_related("organisation", "election", "station")
        .filter(organisation__key=organisation_key, number=number)
        .first()
    )
    if inc is None:
        raise NotFound(_("No such incident."), data={"incident": number})
    return inc


def region_get(*, code: str) -> AdministrativeUnit:
    """Return the first-level unit with this code on the newest map, or ``NotFound``."""
    unit = (
        AdministrativeUnit.objects.filter(code=code, level="region")
        .order_by("-geography__valid_from")
        .first()
    )
    if unit is None:
        raise NotFound(_("No such region."), data={"region": code})
    return unit


def station_ids_observed(*, election: Election) -> set[int]:
    """Return the ids of stations with an observer assignment in this election."""
    return set(
        Assignment.objects.filter(election=election, station__isnull=False).values_list(
            "station_id", flat=True
        )
    )
