"""tally_recompute: sums of current accepted versions only, and every breach screened."""

from __future__ import annotations

import dataclasses

import pytest

from psephos.core import clock
from psephos.results.models import ProtocolVersion, ProtocolVote, Tally
from psephos.results.services.tabulation import tally_recompute

from .factories import good_lines, protocol_make, small_country

pytestmark = pytest.mark.django_db


def test_sums_use_current_versions_of_accepted_protocols_only():
    c = small_country()
    p = protocol_make(c, c.pecs[0], good_lines(c.option_keys(), scale=1))
    # A newer current version with scale 3 replaces version 1 in the sums.
    lines = good_lines(c.option_keys(), scale=3)
    v2 = ProtocolVersion.objects.create(
        protocol=p, number=2, source="correction", created_at=clock.now(), **lines.as_dict()
    )
    ProtocolVote.objects.bulk_create(
        [ProtocolVote(version=v2, option=o, votes=lines.votes[o.key]) for o in c.options]
    )
    p.current = v2
    p.save(update_fields=["current"])
    protocol_make(c, c.pecs[1], good_lines(c.option_keys(), scale=100), status="submitted")
    protocol_make(c, c.pecs[2], good_lines(c.option_keys(), scale=100), status="cancelled")
    report = tally_recompute(election=c.election)
    assert (report.accepted, report.expected, report.nodes) == (1, 8, 7)
    cec = Tally.objects.get(commission=c.cec)
    assert cec.ballots_valid == 1800
    assert (cec.expected, cec.received, cec.accepted, cec.cancelled) == (8, 3, 1, 1)
    assert dict(cec.votes.values_list("option__key", "votes")) == {
        "abden": 300,
        "tokayev": 600,
        "against-all": 900,
    }
    district = Tally.objects.get(commission=c.tecs[1])
    assert (district.expected, district.received, district.cancelled) == (2, 1, 1)


@pytest.mark.parametrize(
    ("changes", "relations"),
    [
        ({"ballots_received": 1}, ["R1"]),
        ({"voters_on_list": 1}, ["R2"]),
        ({"ballots_found": 9999}, ["R3", "R5"]),
        ({"ballots_valid": 601}, ["R4", "R5"]),
        ({"voted_with_certificate": 9999}, ["R7"]),
        ({"ballots_issued_mobile": 9999}, ["R9"]),
        ({"ballots_both_marked": -1, "ballots_valid": 599}, ["R10", "R5"]),
        ({"votes": {"abden": 100, "tokayev": 500}}, ["R0"]),
        ({"votes": {"abden": -100, "tokayev": 400, "against-all": 300}}, ["R10"]),
    ],
)
def test_every_breach_of_an_accepted_protocol_is_reported(changes, relations):
    c = small_country()
    protocol_make(c, c.pecs[0])
    protocol_make(c, c.pecs[1], dataclasses.replace(good_lines(c.option_keys()), **changes))
    report = tally_recompute(election=c.election)
    assert report.breaches == {"KZ-01-0102": relations}
