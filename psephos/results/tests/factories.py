"""Results' test data: the small country of the shared builder, protocols and their lines.

``small_country()`` builds the whole tree (CEC → 2 regional TECs → district TECs →
PECs and stations) through ``tests.support.country`` plus an election with its options
and a user for every commission, so tests read like the election-day workflow.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import factory

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.commissions.models import Commission
from psephos.core import clock
from psephos.elections.enums import ElectionKind
from psephos.elections.models import Election, Option
from psephos.results.enums import VersionSource
from psephos.results.models import Protocol, ProtocolVersion, ProtocolVote
from psephos.results.rules.lines import LINE_NAMES, ProtocolLines
from psephos.results.services.protocols import protocol_accept, protocol_submit
from psephos.results.services.tabulation import tally_recompute
from tests.support.country import PRESIDENTIAL, REFERENDUM, Country, country_grid, members_make

__all__ = [
    "Country",
    "UserFactory",
    "good_lines",
    "protocol_make",
    "protocol_store",
    "small_country",
]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.READER
    commission = None


# The stations' CSV of the small country's presidential election (the API's export and the
# publication bundle's stations.csv): where, every protocol line, the votes, the state.
STATIONS_CSV_HEADER = ",".join(
    [
        "station",
        "tec",
        "region",
        *LINE_NAMES,
        "abden",
        "tokayev",
        "against-all",
        "status",
        "version",
    ]
)


def small_country(
    *,
    regions: int = 2,
    districts: int = 2,
    stations: int = 2,
    kind: str = ElectionKind.PRESIDENTIAL,
    key: str = "kz-test-presidential",
) -> Country:
    """Build a country with ``regions`` × ``districts`` × ``stations`` polling stations.

    The shared builder's grid (``tests.support.country``) with a presidential election
    or a referendum under ``key`` and an operator per commission.
    """
    plan = PRESIDENTIAL if kind == ElectionKind.PRESIDENTIAL else REFERENDUM
    return country_grid(
        regions=regions,
        districts=districts,
        stations=stations,
        election=dataclasses.replace(plan, key=key),
    )


def country_tabulated() -> Country:
    """Return ``small_country`` under the real presidential key, tabulated (empty tallies).

    The real key, so that the complaints app's finality check finds the legal calendar.
    """
    c = small_country(key="kz-2022-presidential")
    tally_recompute(election=c.election)
    return c


def good_lines(option_keys: list[str], *, scale: int = 1, both: int = 0) -> ProtocolLines:
    """Return a protocol that reconciles: 1000 on the list, 700 issued, 690 found."""
    votes = {k: (i + 1) * 100 * scale for i, k in enumerate(option_keys)}
    valid = sum(votes.values()) + both
    invalid = 10 * scale
    found = valid + invalid
    issued = found + 5 * scale
    return ProtocolLines(
        voters_on_list=max(1000 * scale, issued),
        ballots_received=issued + 50 * scale,
        ballots_issued=issued,
        ballots_issued_mobile=3 * scale,
        voted_with_certificate=2 * scale,
        ballots_cancelled=50 * scale,
        ballots_found=found,
        ballots_invalid=invalid,
        ballots_valid=valid,
        ballots_both_marked=both,
        votes=votes,
    )


def protocol_make(
    country: Country,
    pec: Commission,
    lines: ProtocolLines | None = None,
    *,
    status: str = "accepted",
) -> Protocol:
    """Store a protocol with one version directly (no service), for read-side tests."""
    lines = lines or good_lines(country.option_keys())
    by_key = {o.key: o for o in country.options}
    return protocol_store(
        election=country.election,
        pec=pec,
        lines=lines.as_dict(),
        votes=[(by_key[k], v) for k, v in lines.votes.items()],
        status=status,
        submitted_at=clock.now(),
    )


def protocol_store(
    *,
    election: Election,
    pec: Commission,
    lines: dict[str, int],
    votes: list[tuple[Option, int]],
    status: str,
    submitted_at: dt.datetime,
    decided_at: dt.datetime | None = None,
    created_at: dt.datetime | None = None,
) -> Protocol:
    """Store a protocol with one PEC version (``lines``, ``votes``) directly, without a service."""
    assert pec.tec is not None and pec.region is not None and pec.station is not None
    protocol = Protocol.objects.create(
        election=election,
        station=pec.station,
        commission=pec,
        tec=pec.tec,
        region=pec.region,
        status=status,
        submitted_at=submitted_at,
        decided_at=decided_at,
    )
    version = ProtocolVersion.objects.create(
        protocol=protocol,
        number=1,
        source=VersionSource.PEC_ENTRY,
        created_at=created_at or clock.now(),
        **lines,
    )
    ProtocolVote.objects.bulk_create(
        [ProtocolVote(version=version, option=option, votes=n) for option, n in votes]
    )
    protocol.current = version
    protocol.save(update_fields=["current"])
    return protocol


def protocols_accept(country: Country, pecs: list[Commission]) -> None:
    """Submit each station's ``good_lines`` protocol and accept it, through the services."""
    for pec in pecs:
        assert pec.tec is not None
        protocol_submit(
            user=country.users[pec.code],
            election=country.election,
            station_code=pec.code,
            lines=good_lines(country.option_keys()),
        )
        protocol_accept(
            user=country.users[pec.tec.code], protocol=Protocol.objects.get(station=pec.station)
        )


DECISION_DAY = dt.date(2022, 11, 21)
DECISION_DOCUMENT = b"%PDF-1.4 signed decision of the commission"


def decision_ready(c: Country, *, members: int = 7) -> dict[str, User]:
    """Give the CEC and every TEC ``members`` members and a second operator; return them.

    Members serve 2019–2024, so a decision dated ``DECISION_DAY`` counts them; the
    second operators (by commission code) confirm what the builder's operators propose.
    """
    second: dict[str, User] = {}
    for commission in [c.cec, *c.regions, *c.tecs]:
        members_make(commission, members=members)
        role = Role.CEC_OPERATOR if commission.pk == c.cec.pk else Role.TEC_OPERATOR
        second[commission.code] = UserFactory(
            username=f"second-{commission.code}", role=role, commission=commission
        )
    return second


def decision_country(**shape: int) -> Country:
    """A ``small_country(**shape)`` ready for decisions on its results: every PEC's protocol
    accepted, and the CEC and every TEC with members and a second operator, who confirms
    what the builder's operator proposes (``c.users["CODE#2"]``)."""
    c = small_country(**shape)
    protocols_accept(c, c.pecs)
    c.users.update({f"{code}#2": user for code, user in decision_ready(c).items()})
    return c


def moved_lines(c: Country) -> ProtocolLines:
    """The accepted figures with 10 votes moved from Tokayev to Abden (every total the same)."""
    lines = good_lines(c.option_keys())
    votes = dict(lines.votes, tokayev=lines.votes["tokayev"] - 10, abden=lines.votes["abden"] + 10)
    return dataclasses.replace(lines, votes=votes)


def decision_confirmed(commission: Commission, number: str, **fields: object) -> object:
    """Return a decision of a 7-member commission, all present, confirmed by a second operator.

    ``fields`` override the particulars (reasons, votes, date, …).
    """
    from psephos.commissions.models import Decision

    proposer, confirmer = (
        UserFactory(username=f"{who}-{commission.code}-{number}", commission=commission)
        for who in ("proposer", "confirmer")
    )
    values: dict[str, object] = {
        "date": DECISION_DAY,
        "title": "t",
        "text": "t",
        "reasons": "Reasons.",
        "votes_for": 7,
        "votes_against": 0,
        "members": 7,
        "present": 7,
        "document_sha256": "0" * 64,
        "status": "confirmed",
        "proposed_by": proposer,
        "confirmed_by": confirmer,
    }
    return Decision.objects.create(commission=commission, number=number, **(values | fields))
