"""Build a whole simulated election in the database from a plan (``rules.country``)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from operator import itemgetter
from pathlib import Path

import numpy as np
from django.db import connection, transaction
from django.db.models import Field, OuterRef, ProtectedError, Subquery
from django.utils.translation import gettext as _

from psephos.commissions.enums import CommissionLevel
from psephos.commissions.models import Commission
from psephos.commissions.services import (
    commission_tree_delete,
)
from psephos.core import clock, db
from psephos.core.errors import Conflict, ValidationFailed
from psephos.core.progress import progress
from psephos.elections.models import Election, Option
from psephos.elections.selectors import election_get
from psephos.elections.services.election import election_delete
from psephos.elections.services.setup import setup_apply
from psephos.ledger.actors import actor_system
from psephos.ledger.rules.chain import event_time
from psephos.ledger.selectors import ledger_time
from psephos.ledger.services.events import event_record, events_record_many
from psephos.results.enums import ProtocolStatus, VersionSource
from psephos.results.models import (
    Protocol,
    ProtocolRefusal,
    ProtocolVersion,
    ProtocolVote,
    Tally,
)
from psephos.results.rules.determination import Outcome
from psephos.results.rules.lines import LINE_NAMES
from psephos.results.selectors.determination import election_determine
from psephos.results.services.tabulation import TabulationReport, tally_recompute
from psephos.territory.models import Geography, PollingStation
from psephos.territory.selectors import geography_get
from psephos.territory.services import geography_delete

from ..rules.country import CountryPlan, plan_country
from ..rules.nominees import REGISTER_BASIS
from ..rules.scenarios import SCENARIOS, Scenario
from .setup_files import setup_files_write

ACTOR = actor_system("simulate")


@dataclass(frozen=True, slots=True)
class SimulationResult:
    election: Election
    plan: CountryPlan
    tabulation: TabulationReport
    outcome: Outcome
    members: int
    replaced: bool
    protocols: int
    left_open: int


def simulation_run(
    *,
    election_key: str,
    seed: int = 2022,
    scale: float = 1.0,
    replace: bool = False,
    show_progress: bool | None = None,
    log: Callable[[str], None] | None = None,
    leave_open: str | None = None,
    candidates: float | None = None,
    sessions_and_complaints: bool = False,
) -> SimulationResult:
    """Build the election ``election_key`` with its map, commissions and accepted protocols.

    Everything is written in one transaction: a failure leaves nothing behind.
    Raises ``ValidationFailed`` for an unknown election or a scale outside (0, 1],
    and ``Conflict`` if the election or its map exists and ``replace`` is false, or
    if other records still refer to what ``replace`` would delete.
    ``leave_open`` names a TEC (district code) whose stations get no protocol, so
    that the PEC's entry and the TEC's acceptance can still be tried (the demo).
    ``candidates`` (a presidential election only) runs the nominations, signature
    files and registration decisions first (``services.candidates``, the number of
    signature lines times this factor: 1 writes the published figures), and the
    ballot they build becomes the options the protocols count.
    ``sessions_and_complaints`` (with ``candidates``) then announces the campaign's
    CEC and TEC sessions and files and decides five complaints (``services.commissions``).
    """
    scenario = SCENARIOS.get(election_key)
    if scenario is None:
        raise ValidationFailed(
            _("Unknown election “%(key)s”; simulate knows %(known)s.")
            % {"key": election_key, "known": ", ".join(sorted(SCENARIOS))},
            data={"election": election_key, "known": sorted(SCENARIOS)},
        )
    if not 0 < scale <= 1:
        raise ValidationFailed(
            _("Scale must be above 0 and at most 1, not %(scale)s.") % {"scale": scale},
            data={"scale": scale},
        )
    if sessions_and_complaints and candidates is None:
        raise ValidationFailed(
            _(
                "--sessions-and-complaints replays the presidential campaign: it needs --candidates."
            ),
            data={"field": "sessions_and_complaints"},
        )
    if candidates is not None and (scenario.kind != "presidential" or not 0 < candidates <= 1):
        raise ValidationFailed(
            _(
                "--candidates needs a presidential election and a factor above 0 and at "
                "most 1, not %(factor)s for “%(key)s”."
            )
            % {"factor": candidates, "key": election_key},
            data={"field": "candidates"},
        )
    say = log or (lambda _message: None)
    plan = plan_country(scenario, seed=seed, scale=scale)
    if leave_open is not None and leave_open not in {d.code for d in plan.districts}:
        raise ValidationFailed(
            _("--leave-open: there is no TEC “%(tec)s” in this simulation (at scale %(scale)s).")
            % {"tec": leave_open, "scale": scale},
            data={"field": "leave_open", "tec": leave_open},
        )
    with transaction.atomic(), clock.fixed(setup_instant(scenario)):
        replaced = _clear(scenario, replace=replace)
        geography, election, members = _write_through_setup(plan, seed, candidates)
        say(
            _(
                "map %(map)s: %(units)s units, %(districts)s districts, %(stations)s polling stations"
            )
            % {
                "map": geography.key,
                "units": len(plan.regions),
                "districts": len(plan.districts),
                "stations": plan.n_stations,
            }
        )
        if candidates is not None:
            from .candidates import candidates_simulate

            nominated = candidates_simulate(
                election=election,
                plan=plan,
                seed=seed,
                lines_scale=candidates,
                log=say,
                show_progress=show_progress,
            )
            say(
                _("%(nominees)s nominees, %(registered)s registered; %(lines)s signature lines")
                % {
                    "nominees": nominated.nominees,
                    "registered": len(nominated.registered),
                    "lines": nominated.lines,
                }
            )
            planned = {o.key for o in scenario.options if o.kind == "candidate"}
            missing = sorted(planned - set(nominated.registered))
            if missing:
                # Too few lines per unit to meet the thresholds: the planned votes have no option.
                raise ValidationFailed(
                    _(
                        "--candidates %(factor)s gives too few signature lines for the 2022 "
                        "outcome: %(missing)s not registered; use a larger factor (0.05 is the "
                        "smallest the tests use)."
                    )
                    % {"factor": candidates, "missing": ", ".join(missing)},
                    data={"field": "candidates", "not_registered": missing},
                )
        if sessions_and_complaints:
            # The campaign's commission sessions and complaints (issue 23).
            from .commissions import commission_activity_simulate

            activity = commission_activity_simulate(election=election)
            say(
                _(
                    "%(sessions)s commission sessions announced (%(in_time)s at least 24 h "
                    "ahead), %(complaints)s complaints decided with reasons"
                )
                % {
                    "sessions": activity.sessions,
                    "in_time": activity.sessions_announced_24h,
                    "complaints": activity.complaints,
                }
            )
        written = _write_protocols(plan, election, show_progress, leave_open)
        db.analyze(Commission, PollingStation, Protocol, ProtocolVersion, ProtocolVote)
        with clock.fixed(night_end(scenario)):
            tabulation = tally_recompute(election=election, actor=ACTOR, role="system")
    outcome = election_determine(election=election)
    return SimulationResult(
        election, plan, tabulation, outcome, members, replaced, written, plan.n_stations - written
    )


# The simulation writes under a simulated clock (``core.clock.fixed``): the map, the
# commissions and the election on the map's first day, the candidates on their 2022 dates
# (``services.candidates``), the protocols over election night, the tabulation at its end.
# The ledger stamps each event with that clock unless its last event is later
# (``ledger.rules.chain.event_time``: its times never go back); each protocol's acceptance
# is the ledger's stamp of its ``protocol.accept``, as ``protocol_accept`` writes both at
# once, so the results' publication delay reads 0 whatever the ledger held before.
NIGHT_START = time(15, 0)  # 20:00 local (UTC+5/+6) ≈ 15:00 UTC, the first protocols
NIGHT = timedelta(hours=10)
ACCEPT_SLOT = 300  # acceptances are grouped in 5-minute slots, one ledger batch each


SETUP_BEFORE = timedelta(days=90)


def setup_instant(scenario: Scenario) -> datetime:
    """When the simulation loads the map and the election: 06:00 UTC 90 days before voting
    day (before the presidential nominations of 22 Sep 2022), or on the map's first day if
    later. Invented: the references do not date the commissions' data."""
    day = max(
        date.fromisoformat(scenario.date) - SETUP_BEFORE,
        date.fromisoformat(scenario.map.valid_from),
    )
    return datetime.combine(day, time(6), tzinfo=UTC)


def night_end(scenario: Scenario) -> datetime:
    """The end of election night: the last acceptances, the tabulation, the mission's
    reports (``simulate`` command)."""
    day = date.fromisoformat(scenario.date)
    return datetime.combine(day, NIGHT_START, tzinfo=UTC) + NIGHT


def _clear(scenario: Scenario, *, replace: bool) -> bool:
    election = Election.objects.filter(key=scenario.key).first()
    geography = Geography.objects.filter(key=scenario.map.key).first()
    if election is None and geography is None:
        return False
    if not replace:
        raise Conflict(
            _(
                "Election “%(election)s” or its map “%(map)s” already exists; "
                "run again with --replace to delete and rebuild them."
            )
            % {"election": scenario.key, "map": scenario.map.key},
            data={"election": scenario.key, "geography": scenario.map.key},
        )
    try:
        with transaction.atomic():
            for other in Election.objects.filter(geography=geography) if geography else []:
                _delete_election(other)
            if election is not None and (
                geography is None or election.geography_id != geography.pk
            ):
                _delete_election(election)
            if geography is not None:
                commission_tree_delete(geography=geography, actor=ACTOR)
                geography_delete(geography=geography, actor=ACTOR)
    except ProtectedError as exc:
        kinds = sorted({type(o).__name__ for o in exc.protected_objects})
        raise Conflict(
            _(
                "Cannot replace “%(election)s”: %(count)s records (%(kinds)s) still refer to "
                "its map, commissions or results. Delete them first."
            )
            % {
                "election": scenario.key,
                "count": len(exc.protected_objects),
                "kinds": ", ".join(kinds),
            },
            data={"election": scenario.key, "protected": kinds},
        ) from None
    return True


def _delete_election(election: Election) -> None:
    Tally.objects.filter(election=election).delete()
    ProtocolRefusal.objects.filter(election=election).delete()
    Protocol.objects.filter(election=election).update(current=None)
    ProtocolVote.objects.filter(version__protocol__election=election).delete()
    ProtocolVersion.objects.filter(protocol__election=election).delete()
    Protocol.objects.filter(election=election).delete()
    election_delete(election=election, actor=ACTOR)


def _write_through_setup(
    plan: CountryPlan, seed: int, candidates: float | None
) -> tuple[Geography, Election, int]:
    """Write the map, commission tree and election as ``psephos setup`` files and load
    them with the real loader (``setup_apply``), as any country is set up."""
    scenario = plan.scenario
    # With nominations simulated, the 2022 CEC checked samples of the signatures
    # (Tokayev: 141,045 of 399,809) against the register counted on 1 Jul 2022.
    overrides = (
        {
            "signature_sampling": True,
            "signatures_register_basis": round(REGISTER_BASIS * candidates),
        }
        if candidates is not None
        else {}
    )
    with tempfile.TemporaryDirectory(prefix="psephos-simulate-") as tmp:
        counts = setup_files_write(
            plan, seed=seed, directory=Path(tmp), profile_overrides=overrides
        )
        setup_apply(
            directory=Path(tmp), on=date.fromisoformat(scenario.map.valid_from), actor=ACTOR
        )
    return geography_get(key=scenario.map.key), election_get(key=scenario.key), counts["members"]


def _write_protocols(
    plan: CountryPlan, election: Election, show_progress: bool | None, leave_open: str | None
) -> int:
    """Write the accepted protocols, none for the stations of TEC ``leave_open``; return how many."""
    geography_id = election.geography_id
    commissions = {
        code: (pk, tec, region)
        for code, pk, tec, region in Commission.objects.filter(
            geography_id=geography_id, level=CommissionLevel.PEC
        ).values_list("code", "pk", "tec_id", "region_id")
    }
    stations = dict(
        PollingStation.objects.filter(geography_id=geography_id).values_list("code", "pk")
    )
    options = list(Option.objects.filter(contest__election=election).order_by("ballot_order"))
    keys = plan.option_keys
    option_pk = [next(o.pk for o in options if o.key == k) for k in keys]
    open_tec = (
        Commission.objects.filter(
            geography_id=geography_id, level=CommissionLevel.TEC_DISTRICT, code=leave_open
        )
        .values_list("pk", flat=True)
        .first()
        if leave_open is not None
        else None
    )
    # Protocols were accepted over the night after the vote, in 5-minute slots; each slot's
    # acceptances are stamped by the ledger (``_slot_stamps``) and carry that time.
    day = date.fromisoformat(plan.scenario.date)
    start = datetime.combine(day, NIGHT_START, tzinfo=UTC)
    codes = [plan.station_code(i) for i in range(plan.n_stations)]
    kept = [i for i in range(plan.n_stations) if commissions[codes[i]][1] != open_tec]
    n = len(kept)
    spread = NIGHT.total_seconds() / max(1, n)
    last = ledger_time_at(start)
    line_rows = np.stack([plan.lines[name] for name in LINE_NAMES], axis=1).tolist()
    vote_rows = plan.votes.tolist()
    batch = 2000
    with progress(_("Protocols"), n, enabled=show_progress) as advance:
        for lo in range(0, n, batch):
            hi = min(n, lo + batch)
            stamps, last = _slot_stamps(start, spread, lo, hi, last)
            protocols = []
            for j in range(lo, hi):
                i = kept[j]
                pk, tec, region = commissions[codes[i]]
                at = stamps[j - lo]
                protocols.append(
                    Protocol(
                        election=election,
                        station_id=stations[codes[i]],
                        commission_id=pk,
                        tec_id=tec,
                        region_id=region,
                        status=ProtocolStatus.ACCEPTED,
                        submitted_at=at,
                        decided_at=at,
                    )
                )
            Protocol.objects.bulk_create(protocols, batch_size=batch)
            versions = [
                ProtocolVersion(
                    protocol=p,
                    number=1,
                    source=VersionSource.SIMULATION,
                    created_at=stamps[j],
                    **dict(zip(LINE_NAMES, line_rows[kept[lo + j]], strict=True)),
                )
                for j, p in enumerate(protocols)
            ]
            ProtocolVersion.objects.bulk_create(versions, batch_size=batch)
            _votes_insert(
                [
                    (v.pk, option_pk[k], vote_rows[kept[lo + j]][k])
                    for j, v in enumerate(versions)
                    for k in range(len(keys))
                ]
            )
            for at, group in groupby(zip(stamps, kept[lo:hi], strict=True), key=itemgetter(0)):
                with clock.fixed(at):
                    events_record_many(
                        actor=ACTOR,
                        role="system",
                        events=[
                            (
                                "protocol.accept",
                                f"{election.key}/{codes[i]}",
                                {
                                    "election": election.key,
                                    "station": codes[i],
                                    "version": 1,
                                    "source": "simulation",
                                    "lines": dict(zip(LINE_NAMES, line_rows[i], strict=True)),
                                    "votes": dict(zip(keys, vote_rows[i], strict=True)),
                                },
                            )
                            for _at, i in group
                        ],
                    )
            advance(hi - lo)
    Protocol.objects.filter(election=election).update(
        current=Subquery(
            ProtocolVersion.objects.filter(protocol=OuterRef("pk"), number=1).values("pk")[:1]
        )
    )
    with clock.fixed(start + NIGHT):
        _protocols_event(plan, election, n, leave_open, kept, keys)
    return n


def _slot_stamps(
    start: datetime, spread: float, lo: int, hi: int, last: datetime
) -> tuple[list[datetime], datetime]:
    """The times of acceptances ``lo``..``hi - 1``: each one's 5-minute slot of the night,
    as the ledger stamps it after an event at ``last`` (``event_time``); and the last."""
    stamps = []
    for j in range(lo, hi):
        slot = int(j * spread) // ACCEPT_SLOT * ACCEPT_SLOT
        last = event_time(start + timedelta(seconds=slot), last)
        stamps.append(last)
    return stamps, last


def ledger_time_at(at: datetime) -> datetime:
    """The time the ledger stamps an event written with the clock at ``at``."""
    with clock.fixed(at):
        return ledger_time()


def _protocols_event(
    plan: CountryPlan,
    election: Election,
    n: int,
    leave_open: str | None,
    kept: list[int],
    keys: list[str],
) -> None:
    event_record(
        actor=ACTOR,
        role="system",
        action="protocols.simulate",
        object_key=election.key,
        payload={
            "election": election.key,
            "protocols": n,
            "seed": plan.seed,
            "scale": plan.scale,
            **({"left_open": leave_open} if leave_open is not None else {}),
            "totals": {name: int(plan.lines[name][kept].sum()) for name in LINE_NAMES},
            "votes": dict(zip(keys, (int(v) for v in plan.votes[kept].sum(axis=0)), strict=True)),
        },
    )


def _votes_insert(rows: list[tuple[int, int, int]]) -> None:
    """Insert protocol votes (version, option, votes) with one prepared statement.

    ``executemany`` skips a model instance per row, most of ``bulk_create``'s cost here.
    """
    meta = ProtocolVote._meta
    columns = [
        str(f.column)
        for n in ("version", "option", "votes")
        if isinstance(f := meta.get_field(n), Field)
    ]
    quote = connection.ops.quote_name
    # Identifiers come from the model's metadata, values are parameters.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        "VALUES (%s, %s, %s)"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
