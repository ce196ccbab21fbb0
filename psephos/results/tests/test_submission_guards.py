"""Refusals of protocol submission that only a run through the service shows.

Each test here kills a mutant that the rest of the suite let through (issue 16): the
"election is certified" refusal, the "both options marked" line on a candidate
ballot, and the station lookup's election geography.
"""

from __future__ import annotations

import datetime as dt

import pytest

from psephos.commissions.models import Commission
from psephos.commissions.selectors import station_commission_get
from psephos.results.errors import ElectionCertified, ProtocolBreaksRelations
from psephos.results.models import Protocol, ProtocolVersion
from psephos.results.services.certification import election_certify
from psephos.results.services.protocols import protocol_accept, protocol_submit
from psephos.results.services.tabulation import tally_recompute
from psephos.territory.selectors import station_get
from tests.support.country import country_build, grid_plan

from .factories import good_lines, small_country

pytestmark = pytest.mark.django_db

STATION = "KZ-01-0101"


def _submit(country, station=STATION, lines=None):  # type: ignore[no-untyped-def]
    return protocol_submit(
        user=country.users[station],
        election=country.election,
        station_code=station,
        lines=lines or good_lines(country.option_keys()),
    )


def test_no_protocol_is_submitted_after_certification() -> None:
    country = small_country(key="kz-2022-presidential")
    tally_recompute(election=country.election)
    for pec in country.pecs:
        protocol_accept(user=country.users[pec.tec.code], protocol=_submit(country, pec.code))
    election_certify(user=country.users["CEC"], election=country.election)
    versions = ProtocolVersion.objects.count()
    with pytest.raises(ElectionCertified) as exc:
        _submit(country, lines=good_lines(country.option_keys(), scale=2))
    assert exc.value.message == (
        "The results of “kz-2022-presidential” are certified; protocols can no longer change."
    )
    assert ProtocolVersion.objects.count() == versions


def test_both_options_marked_is_refused_on_a_presidential_ballot() -> None:
    country = small_country()
    with pytest.raises(ProtocolBreaksRelations) as exc:
        _submit(country, lines=good_lines(country.option_keys(), both=5))
    assert [b["relation"] for b in exc.value.data["breaches"]] == ["R12"]
    assert not Protocol.objects.exists()


def _older_map_with_the_same_codes() -> Commission:
    """Create another geography (an older map) holding a station coded KZ-01-0101."""
    old = country_build(
        regions=grid_plan(regions=1, districts=1, stations=1),
        geography_key="kz-old",
        geography_name="Old map",
        valid_from=dt.date(2010, 1, 1),
    )
    (pec,) = old.pecs
    assert pec.code == STATION
    return pec


def test_a_station_is_looked_up_in_the_elections_geography() -> None:
    # The older map is created first, so a lookup by code alone would find its station.
    old_pec = _older_map_with_the_same_codes()
    country = small_country()
    new_pec = next(p for p in country.pecs if p.code == STATION)
    assert station_get(geography=country.geography, code=STATION).pk == new_pec.station_id
    assert station_get(geography=old_pec.geography, code=STATION).pk == old_pec.station_id
    assert station_commission_get(geography_id=country.geography.pk, code=STATION).pk == new_pec.pk
    protocol = _submit(country)
    assert (protocol.commission_id, protocol.station_id) == (new_pec.pk, new_pec.station_id)
