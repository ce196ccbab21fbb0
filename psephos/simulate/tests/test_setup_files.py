"""The simulated country goes through ``psephos setup``'s files and loader (issue 17)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from psephos.elections.services.setup import setup_apply
from psephos.ledger.models import Event
from psephos.simulate.rules.country import plan_country
from psephos.simulate.rules.scenarios import SCENARIOS
from psephos.simulate.services.setup_files import (
    ACCESSIBLE_BOOTH,
    BRAILLE_GUIDE,
    GROUND_FLOOR,
    RAMP,
    SIGN_LANGUAGE,
    setup_files_write,
)
from psephos.territory.models import Geography, PollingStation

pytestmark = pytest.mark.django_db


def test_the_simulated_country_is_loaded_from_setup_files(tmp_path: Path) -> None:
    call_command(
        "simulate", "kz-2022-referendum", "--scale", "0.01", "--no-progress", stdout=StringIO()
    )
    event = Event.objects.get(action="setup.apply")
    assert (event.object_key, event.payload["geography"]) == ("kz-2022-referendum", "kz-2022-17")
    assert sorted(event.payload["files"]) == [
        "commissions.csv",
        "election.toml",
        "members.csv",
        "operators.csv",
        "stations.csv",
        "units.csv",
    ]
    # The referendum's map ends when the three new regions begin.
    assert Geography.objects.get(key="kz-2022-17").valid_to == dt.date(2022, 6, 7)
    station = PollingStation.objects.order_by("code").first()
    assert station is not None and station.name_kk.endswith("сайлау учаскесі")
    # The same plan written again is what is stored: the real loader sees no difference.
    plan = plan_country(SCENARIOS["kz-2022-referendum"], seed=2022, scale=0.01)
    setup_files_write(plan, seed=2022, directory=tmp_path)
    report = setup_apply(directory=tmp_path, dry_run=True, on=dt.date(2022, 6, 8))
    assert report.unchanged and not report.first_load
    assert report.counts["stations"] == PollingStation.objects.count()
    # Every station has the five accessibility answers (none "not surveyed"), at the
    # INVENTED shares.
    stations = PollingStation.objects.all()
    n = stations.count()
    shares = {}
    for feature in ("step_free", "accessible_booth", "braille_guide", "ramp", "sign_language"):
        assert not stations.filter(**{f"{feature}__isnull": True}).exists(), feature
        shares[feature] = stations.filter(**{feature: True}).count() / n
    assert not stations.filter(ramp=True, step_free=False).exists()  # a ramp is step-free
    expected = {
        "step_free": RAMP + (1 - RAMP) * GROUND_FLOOR,
        "accessible_booth": ACCESSIBLE_BOOTH,
        "braille_guide": BRAILLE_GUIDE,
        "ramp": RAMP,
        "sign_language": SIGN_LANGUAGE,
    }
    for feature, share in expected.items():  # within four standard errors
        assert abs(shares[feature] - share) <= 4 * (share * (1 - share) / n) ** 0.5 + 1 / n, (
            feature,
            shares[feature],
        )
