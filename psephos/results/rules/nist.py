"""NIST SP 1500-100 v2 election results report (JSON) from plain data (no Django).

Mapping (results-transparency.md §5): the CEC is the ``country`` reporting unit, a
regional TEC a ``state``, a district TEC a ``county``, a PEC a ``precinct``; a
presidential election is a ``CandidateContest`` (``majority``, two in a runoff) and a
referendum a ``BallotMeasureContest`` (``referendum``). Kazakh protocol lines with no
CDF element are kept, losslessly, in one ``ExternalIdentifier`` of type ``other``
whose ``OtherType`` is ``psephos-lines`` and whose ``Value`` is the JSON object of
every line by name (one entry, not ten: a national report has 10,360 units); "against all" is a
``CandidateSelection`` without candidates, named by a contest ``ExternalIdentifier``
(``OtherType`` ``against-all-selection``); "both marked" referendum ballots are the
contest's ``Overvotes``. Invalid ballots are ``BallotsRejected``, ballots found in the
boxes ``BallotsCast``. The schema file sits in ``psephos/results/data/``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_PATH = (
    Path(__file__).resolve().parent.parent / "data" / "NIST_V2_election_results_reporting.json"
)

UNIT_TYPES = {"cec": "country", "tec_region": "state", "tec_district": "county", "pec": "precinct"}
LANGUAGES = ("en", "kk", "ru")


@dataclass(frozen=True, slots=True)
class NistOption:
    key: str
    kind: str  # candidate, against_all, yes, no
    names: dict[str, str]
    order: int
    nominated_by: str = ""


@dataclass(frozen=True, slots=True)
class NistUnit:
    """One reporting unit with its figures (``None`` when nothing was accepted there)."""

    code: str
    level: str  # cec, tec_region, tec_district, pec
    name: str
    composing: list[str] = field(default_factory=list)
    lines: dict[str, int] | None = None
    votes: dict[str, int] | None = None
    total_subunits: int = 0
    subunits_reported: int = 0


def schema() -> dict[str, Any]:
    """Return the NIST SP 1500-100 v2 JSON schema shipped with psephos."""
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text())
    return loaded


def _text(names: dict[str, str]) -> dict[str, Any]:
    items = [
        {"@type": "ElectionResults.LanguageString", "Content": names[lang], "Language": lang}
        for lang in LANGUAGES
        if names.get(lang)
    ]
    return {"@type": "ElectionResults.InternationalizedText", "Text": items}


def _other_id(other_type: str, value: str) -> dict[str, Any]:
    return {
        "@type": "ElectionResults.ExternalIdentifier",
        "Type": "other",
        "OtherType": other_type,
        "Value": value,
    }


def unit_id(code: str) -> str:
    """Return the CDF ``@id`` of a reporting unit (an XML NCName made from its code)."""
    return "ru-" + code.lower()


def election_report(
    *,
    election_key: str,
    kind: str,
    names: dict[str, str],
    date: str,
    generated: str,
    status: str,
    sequence: int,
    options: list[NistOption],
    units: list[NistUnit],
    rounds: dict[str, str] | None = None,
    issuer: str = "Central Election Commission of the Republic of Kazakhstan",
    issuer_abbreviation: str = "CEC",
    vendor: str = "psephos",
) -> dict[str, Any]:
    """Return the ``ElectionReport`` document for one election, precinct level.

    ``generated`` is ``YYYY-MM-DDTHH:MM:SSZ``; ``status`` a CDF ``ResultsStatus``;
    ``sequence`` the ledger size the report reflects (``SequenceStart`` = ``SequenceEnd``).
    """
    country = next(u for u in units if u.level == "cec")
    reported = [u for u in units if u.lines is not None]
    gp_units = []
    for u in units:
        gp: dict[str, Any] = {
            "@id": unit_id(u.code),
            "@type": "ElectionResults.ReportingUnit",
            "Type": UNIT_TYPES[u.level],
            "Name": _text({"en": u.name}),
            "ExternalIdentifier": [_other_id("psephos-code", u.code)],
        }
        if u.composing:
            gp["ComposingGpUnitIds"] = [unit_id(c) for c in u.composing]
        if u.level != "pec":
            gp["TotalSubUnits"] = u.total_subunits
            gp["SubUnitsReported"] = u.subunits_reported
        if u.lines is not None:
            gp["VotersRegistered"] = u.lines["voters_on_list"]
            gp["VotersParticipated"] = u.lines["ballots_issued"]
            gp["ExternalIdentifier"].append(
                _other_id("psephos-lines", json.dumps(u.lines, separators=(",", ":")))
            )
        complete = u.lines is not None and (
            u.level == "pec" or u.subunits_reported == u.total_subunits
        )
        gp["CountStatus"] = [
            {
                "@type": "ElectionResults.CountStatus",
                "Type": "total",
                "Status": "completed"
                if complete
                else ("in-process" if u.lines else "not-processed"),
            }
        ]
        gp_units.append(gp)

    def counts(key: str) -> list[dict[str, Any]]:
        return [
            {
                "@type": "ElectionResults.VoteCounts",
                "GpUnitId": unit_id(u.code),
                "Type": "total",
                "Count": (u.votes or {}).get(key, 0),
            }
            for u in reported
        ]

    contest_id = f"contest-{election_key}"
    candidates: list[dict[str, Any]] = []
    if kind == "referendum":
        contest: dict[str, Any] = {
            "@id": contest_id,
            "@type": "ElectionResults.BallotMeasureContest",
            "Name": names.get("en", election_key),
            "ElectionDistrictId": unit_id(country.code),
            "Type": "referendum",
            "VoteVariation": "majority",
            "ContestSelection": [
                {
                    "@id": f"sel-{o.key}",
                    "@type": "ElectionResults.BallotMeasureSelection",
                    "Selection": _text(o.names),
                    "SequenceOrder": o.order,
                    "VoteCounts": counts(o.key),
                }
                for o in options
            ],
            "OtherCounts": [
                {
                    "@type": "ElectionResults.OtherCounts",
                    "GpUnitId": unit_id(u.code),
                    "Overvotes": (u.lines or {}).get("ballots_both_marked", 0),
                }
                for u in reported
            ],
        }
    else:
        selections = []
        extra_ids = []
        for o in options:
            selection: dict[str, Any] = {
                "@id": f"sel-{o.key}",
                "@type": "ElectionResults.CandidateSelection",
                "SequenceOrder": o.order,
                "VoteCounts": counts(o.key),
            }
            if o.kind == "candidate":
                candidates.append(
                    {
                        "@id": f"cand-{o.key}",
                        "@type": "ElectionResults.Candidate",
                        "BallotName": _text(o.names),
                    }
                )
                selection["CandidateIds"] = [f"cand-{o.key}"]
            else:
                extra_ids.append(_other_id("against-all-selection", f"sel-{o.key}"))
            selections.append(selection)
        contest = {
            "@id": contest_id,
            "@type": "ElectionResults.CandidateContest",
            "Name": names.get("en", election_key),
            "ElectionDistrictId": unit_id(country.code),
            "VotesAllowed": 1,
            "NumberElected": 1,
            "NumberRunoff": 2,
            "VoteVariation": "majority",
            "ContestSelection": selections,
        }
        if extra_ids:
            contest["ExternalIdentifier"] = extra_ids
    election: dict[str, Any] = {
        "@type": "ElectionResults.Election",
        "ElectionScopeId": unit_id(country.code),
        "Name": _text(names),
        "StartDate": date,
        "EndDate": date,
        "Type": "general" if kind != "referendum" else "other",
        "Contest": [contest],
        "BallotCounts": [
            {
                "@type": "ElectionResults.BallotCounts",
                "GpUnitId": unit_id(u.code),
                "Type": "total",
                "BallotsCast": (u.lines or {}).get("ballots_found", 0),
                "BallotsRejected": (u.lines or {}).get("ballots_invalid", 0),
            }
            for u in reported
        ],
        "ExternalIdentifier": [
            _other_id("psephos-election", election_key),
            # A runoff names its first round and a first round its runoff.
            *(
                _other_id(f"psephos-{kind.replace('_', '-')}", key)
                for kind, key in (rounds or {}).items()
            ),
        ],
    }
    if kind == "referendum":
        election["OtherType"] = "referendum"
    if candidates:
        election["Candidate"] = candidates
    return {
        "@type": "ElectionResults.ElectionReport",
        "Format": "precinct-level",
        "GeneratedDate": generated,
        "Issuer": issuer,
        "IssuerAbbreviation": issuer_abbreviation,
        "SequenceStart": sequence,
        "SequenceEnd": sequence,
        "Status": status,
        "VendorApplicationId": vendor,
        "Election": [election],
        "GpUnit": gp_units,
    }


def results_status(*, certified: bool, expected: int, accepted: int) -> str:
    """Return the CDF ``ResultsStatus`` for how far counting has got."""
    if certified:
        return "certified"
    return "unofficial-complete" if expected and accepted == expected else "unofficial-partial"
