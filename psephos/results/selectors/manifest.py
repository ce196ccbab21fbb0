"""The pre-election manifest's content: election definition, stations, options, zero totals."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from psephos.commissions.enums import CommissionLevel
from psephos.commissions.selectors import commission_list_for_level
from psephos.elections.models import Contest, Option
from psephos.results.rules.lines import LINE_NAMES

if TYPE_CHECKING:
    from psephos.elections.models import Election

FORMAT = "psephos-election-manifest/1"


def manifest_body(*, election: Election) -> dict[str, Any]:
    """The manifest's content: election definition, stations, options and zero totals."""
    contests = []
    option_keys: list[str] = []
    for contest in Contest.objects.filter(election=election).order_by("key"):
        options = list(Option.objects.filter(contest=contest).order_by("ballot_order"))
        option_keys += [o.key for o in options]
        contests.append(
            {
                "key": contest.key,
                "name": {"en": contest.name_en, "kk": contest.name_kk, "ru": contest.name_ru},
                "options": [
                    {
                        "key": o.key,
                        "kind": o.kind,
                        "ballot_order": o.ballot_order,
                        "name": {"en": o.name_en, "kk": o.name_kk, "ru": o.name_ru},
                    }
                    for o in options
                ],
            }
        )
    stations = [
        {
            "code": code,
            "number": number,
            "kind": kind,
            "tec": tec,
            "region": region,
        }
        for code, number, kind, tec, region in commission_list_for_level(
            geography=election.geography, level=CommissionLevel.PEC
        )
        .order_by("code")
        .values_list("code", "station__number", "station__kind", "parent__code", "region__code")
    ]
    return {
        "format": FORMAT,
        "election": {
            "key": election.key,
            "kind": election.kind,
            "date": election.date.isoformat(),
            "geography": election.geography.key,
            "profile": election.profile_key,
            "name": {"en": election.name_en, "kk": election.name_kk, "ru": election.name_ru},
        },
        "contests": contests,
        "stations": stations,
        "zero_totals": {
            "stations_expected": len(stations),
            "stations_received": 0,
            "lines": dict.fromkeys(LINE_NAMES, 0),
            "votes": dict.fromkeys(option_keys, 0),
        },
    }
