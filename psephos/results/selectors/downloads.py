"""Download rows: one per station, TEC, region or the nation (CSV, JSON, the bundle)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext as _

from psephos.commissions.enums import CommissionLevel
from psephos.commissions.models import Commission
from psephos.core.errors import ValidationFailed
from psephos.elections.selectors import election_options
from psephos.results.enums import ProtocolStatus
from psephos.results.models import Protocol, ProtocolVote
from psephos.results.rules.lines import LINE_NAMES

from .summaries import _tally_summaries

if TYPE_CHECKING:
    from psephos.elections.models import Election

LEVELS = ("station", "tec", "region", "national")
TOTAL_LEVELS = ("tec", "region", "national")


def result_columns(*, election: Election, level: str) -> list[str]:
    """Return the column names of the download rows at one level."""
    _check_level(level)
    keys = [o.key for o in election_options(election=election)]
    head = {
        "station": ["station", "tec", "region"],
        "tec": ["tec", "region"],
        "region": ["region"],
        "national": ["election"],
    }[level]
    tail = ["status", "version"] if level == "station" else ["expected", "received", "accepted"]
    return [*head, *LINE_NAMES, *keys, *tail]


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValidationFailed(
            _("Unknown level “%(level)s”; use one of %(levels)s.")
            % {"level": level, "levels": ", ".join(LEVELS)},
            data={"level": level, "errors": [{"where": "level", "message": "unknown level"}]},
        )


def result_rows(
    *, election: Election, level: str, within: Commission | None = None
) -> list[dict[str, Any]]:
    """Return one row per station, TEC, region or the nation, for CSV and JSON downloads.

    ``within`` limits the rows to the commissions under (or equal to) one commission.
    Station rows carry the accepted version's figures; a station without an accepted
    protocol has empty (``None``) figures and its status. Three or four queries.
    """
    _check_level(level)
    options = election_options(election=election)
    keys = [o.key for o in options]
    scope = Q(geography_id=election.geography_id)
    if within is not None:
        scope &= (
            Q(pk=within.pk)
            | Q(parent_id=within.pk)
            | Q(parent__parent_id=within.pk)
            | Q(parent__parent__parent_id=within.pk)
        )
    if level == "station":
        pecs = list(
            Commission.objects.filter(scope, level=CommissionLevel.PEC)
            .order_by("code")
            .values_list("pk", "code", "parent__code", "region__code")
        )
        rows_by_commission = _station_figures(election=election, within=within)
        out: list[dict[str, Any]] = []
        for pk, code, tec_code, region_code in pecs:
            row: dict[str, Any] = {"station": code, "tec": tec_code, "region": region_code}
            figures = rows_by_commission.get(pk)
            if figures is not None and figures[0] == ProtocolStatus.ACCEPTED:
                status, version, lines, votes = figures
                row |= lines
                row |= {k: votes.get(k, 0) for k in keys}
            else:
                status = figures[0] if figures else ProtocolStatus.DRAFT
                version = figures[1] if figures else None
                row |= dict.fromkeys([*LINE_NAMES, *keys])
            row["status"] = status
            row["version"] = version
            out.append(row)
        return out
    commission_level = {
        "tec": CommissionLevel.TEC_DISTRICT,
        "region": CommissionLevel.TEC_REGION,
        "national": CommissionLevel.CEC,
    }[level]
    commissions = list(
        Commission.objects.filter(scope, level=commission_level)
        .select_related("region", "unit")
        .order_by("code")
    )
    summaries = _tally_summaries(election=election, commissions=commissions, options=options)
    out = []
    for c, s in zip(commissions, summaries, strict=True):
        if level == "tec":
            row = {"tec": c.code, "region": c.region.code if c.region else ""}
        elif level == "region":
            row = {"region": c.code}
        else:
            row = {"election": election.key}
        row |= s.lines
        row |= {o.key: o.votes for o in s.options}
        row |= {
            "expected": s.progress.expected,
            "received": s.progress.received,
            "accepted": s.progress.accepted,
        }
        out.append(row)
    return out


def _station_figures(
    *, election: Election, within: Commission | None
) -> dict[int, tuple[str, int | None, dict[str, int], dict[str, int]]]:
    """Return commission id → (status, version number, lines, votes by option key)."""
    options = {o.pk: o.key for o in election_options(election=election)}
    qs = Protocol.objects.filter(election=election)
    if within is not None and within.level != CommissionLevel.CEC:
        qs = qs.filter(Q(commission_id=within.pk) | Q(tec_id=within.pk) | Q(region_id=within.pk))
    rows = list(
        qs.values_list(
            "commission_id",
            "status",
            "current_id",
            "current__number",
            *(f"current__{n}" for n in LINE_NAMES),
        )
    )
    accepted_versions = [r[2] for r in rows if r[1] == ProtocolStatus.ACCEPTED and r[2]]
    votes: dict[int, dict[str, int]] = defaultdict(dict)
    if accepted_versions:
        if within is not None and within.level != CommissionLevel.CEC:
            # The accepted versions of the part of the tree, by the index on version_id:
            # joining protocols as well made SQLite scan every vote of the election
            # (2 s for one region of the full-scale country, the snapshot's hot path).
            vq = ProtocolVote.objects.filter(version_id__in=accepted_versions)
        else:
            vq = ProtocolVote.objects.filter(
                version__protocol__election=election,
                version__protocol__status=ProtocolStatus.ACCEPTED,
            )
        for version_id, option_id, count in vq.values_list("version_id", "option_id", "votes"):
            votes[version_id][options[option_id]] = count
    out = {}
    for commission_id, status, version_id, number, *values in rows:
        lines = dict(zip(LINE_NAMES, values, strict=True))
        out[commission_id] = (status, number, lines, votes.get(version_id, {}))
    return out
