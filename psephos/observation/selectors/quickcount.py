"""The quick count: the sampling frame, estimates with margins, station-by-station checks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from psephos.core.errors import NotFound
from psephos.territory.selectors import station_region_code, stations_regular

from ..models import (
    FormDefinition,
    Organisation,
    QuickCountSample,
    Submission,
)
from ..rules.quickcount import Estimate, Unit, ratio_estimate
from ..rules.sampling import stratum_of
from ..services.forms import form_spec

if TYPE_CHECKING:
    from psephos.elections.models import Election


def sample_frame(*, election: Election) -> list[tuple[int, str, str]]:
    """Return (station id, code, stratum) for the regular stations of the election's map."""
    return [
        (s.pk, s.code, stratum_of(station_region_code(s), s.urban))
        for s in stations_regular(geography_id=election.geography_id)
    ]


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
            _("This organisation has drawn no quick-count sample."),
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
