"""Full-scale simulations reproduce every annex figure exactly (kazakhstan-rules.md §13).

One election per module fixture, built once in a transaction that is rolled back when
the module ends (``tests/support/shared_db.py``), so later tests start from an empty
database without deleting two national elections row by row.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from psephos.commissions.models import Commission
from psephos.elections.models import Election
from psephos.results.models import Protocol, Tally, TallyVote
from psephos.results.rules.determination import Outcome
from psephos.results.selectors.determination import election_determine
from psephos.simulate.services.simulation import simulation_run
from psephos.territory.models import AdministrativeUnit
from tests.support.shared_db import module_rows, module_settings

from .official import PRESIDENTIAL_2022_VOTES

# One worker builds both national elections (module-scoped), instead of each worker its own.
pytestmark = [pytest.mark.fullscale, pytest.mark.django_db, pytest.mark.xdist_group("fullscale")]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The files and keys of the module's elections."""
    return tmp_path_factory.mktemp("fullscale")


def _build(key: str, django_db_blocker: Any, folder: Path) -> Iterator[Election]:
    with module_rows(django_db_blocker, folder):
        yield simulation_run(election_key=key, seed=2022, show_progress=False).election


@pytest.fixture(scope="module")
def presidential(django_db_setup: None, django_db_blocker: Any, folder: Path) -> Iterator[Election]:
    yield from _build("kz-2022-presidential", django_db_blocker, folder)


@pytest.fixture(scope="module")
def referendum(django_db_setup: None, django_db_blocker: Any, folder: Path) -> Iterator[Election]:
    yield from _build("kz-2022-referendum", django_db_blocker, folder)


@pytest.fixture(autouse=True)
def _module_files(folder: Path, settings: Any) -> None:
    """Read the seals and files with the keys the module's elections were written with."""
    module_settings(settings, folder)


def _national(election: Election) -> tuple[Tally, dict[str, int]]:
    tally = Tally.objects.get(election=election, commission__level="cec")
    votes = dict(TallyVote.objects.filter(tally=tally).values_list("option__key", "votes"))
    return tally, votes


def _regional_rate(election: Election, code: str, line: str) -> float:
    tally = Tally.objects.get(election=election, commission__code=code)
    return getattr(tally, line) / tally.voters_on_list


def test_presidential_annex_figures(presidential):
    tally, votes = _national(presidential)
    assert tally.voters_on_list == 11_953_465
    assert tally.ballots_issued == 8_300_046
    assert tally.ballots_valid == 7_940_477
    assert tally.ballots_issued - tally.ballots_valid == 359_569
    assert tally.voted_with_certificate == 13_282
    assert tally.ballots_issued_mobile == 112_969
    assert votes == PRESIDENTIAL_2022_VOTES
    assert (tally.expected, tally.accepted) == (10_101, 10_101)


def test_presidential_structure(presidential):
    geography = presidential.geography
    assert Commission.objects.filter(geography=geography, level="tec_region").count() == 20
    assert Commission.objects.filter(geography=geography, level="tec_district").count() == 219
    pecs = Commission.objects.filter(geography=geography, level="pec")
    assert pecs.count() == 10_101
    assert pecs.filter(station__kind="special").count() == 477
    assert pecs.filter(station__kind="abroad").count() == 68
    stations = geography.stations
    assert stations.filter(election_day_additions=True).count() == 4_053 + 181
    assert Protocol.objects.filter(election=presidential, status="accepted").count() == 10_101
    bostandyk = AdministrativeUnit.objects.get(geography=geography, code="KZ-75-04")
    assert (bostandyk.name_en, bostandyk.name_ru) == ("Bostandyk district", "Бостандыкский район")
    assert AdministrativeUnit.objects.get(geography=geography, code="KZ-71-05").name_kk == (
        "Нұра ауданы"
    )


def test_presidential_regional_turnout(presidential):
    assert round(100 * _regional_rate(presidential, "KZ-75", "ballots_issued"), 1) == 28.7
    assert round(100 * _regional_rate(presidential, "KZ-71", "ballots_issued"), 1) == 48.7


def test_presidential_determination(presidential):
    outcome: Outcome = election_determine(election=presidential)
    assert outcome.status == "elected"
    assert outcome.winner == "tokayev"
    assert round(100 * outcome.figures["leader_share"], 2) == 81.31


def test_referendum_annex_figures(referendum):
    tally, votes = _national(referendum)
    assert tally.voters_on_list == 11_734_642
    assert tally.ballots_found == 7_985_769
    assert votes == {"yes": 6_163_516, "no": 1_490_470}
    assert tally.ballots_invalid == 205_924
    assert tally.ballots_both_marked == 125_859
    assert tally.ballots_valid == 6_163_516 + 1_490_470 + 125_859
    assert tally.voted_with_certificate == 14_538
    geography = referendum.geography
    assert Commission.objects.filter(geography=geography, level="tec_region").count() == 17
    assert Commission.objects.filter(geography=geography, level="tec_district").count() == 217
    pecs = Commission.objects.filter(geography=geography, level="pec")
    assert pecs.count() == 10_012
    assert pecs.filter(station__kind="special").count() == 544
    assert pecs.filter(station__kind="abroad").count() == 65


def test_referendum_determination(referendum):
    outcome = election_determine(election=referendum)
    assert outcome.status == "adopted"
    assert (outcome.figures["units_in_favour"], outcome.figures["units"]) == (17, 17)
    assert outcome.figures["units_required"] == 12
    assert round(100 * outcome.figures["turnout"], 2) == 68.05
