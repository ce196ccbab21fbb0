"""The one write of a protocol version, and of a refused one, whoever keyed the figures.

A PEC's own submission (``protocols.protocol_submit``) and the TEC's double entry
(``keying.protocol_key``) store a version through ``_version_submit`` and a refusal
through ``_refusal_record``, in the caller's transaction; both append the protocol's
ledger event through ``_protocol_event``. Every statement of this path is hand-written
SQL (``psephos.core.sql``): it is the busiest write of election night.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.sql import columns, db_value, from_row, insert, insert_values, qn
from psephos.elections.enums import ElectionKind, ElectionStatus
from psephos.ledger.actors import actor_user
from psephos.ledger.services.events import event_record
from psephos.results.enums import ProtocolStatus, VersionSource
from psephos.results.errors import (
    ElectionCertified,
    ProtocolAlreadySubmitted,
    ProtocolBreaksRelations,
)
from psephos.results.models import Protocol, ProtocolRefusal, ProtocolVersion, ProtocolVote
from psephos.results.rules.lines import ProtocolLines
from psephos.results.rules.reconciliation import Breach, check_protocol
from psephos.results.services.tabulation import _tally_received_add, tally_recompute

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.commissions.models import Commission
    from psephos.elections.models import Election, Option
    from psephos.ledger.models import Event

_OPEN_FOR_SUBMISSION = (ProtocolStatus.DRAFT, ProtocolStatus.RETURNED)


def _protocol_event(
    *, user: User, election: Election, station_code: str, action: str, **facts: Any
) -> Event:
    """Append a protocol event: the user as actor, the station as object, its facts."""
    return event_record(
        actor=actor_user(user),
        role=user.role,
        action=action,
        object_key=f"{election.key}/{station_code}",
        payload={"election": election.key, "station": station_code, **facts},
    )


def _protocol_locked(election: Election, station_id: int) -> Protocol | None:
    """Return the station's protocol, locked for the transaction (PostgreSQL), or ``None``."""
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns(Protocol, 'p')} FROM {qn(Protocol._meta.db_table)} p"  # noqa: S608
            f" WHERE p.election_id = %s AND p.station_id = %s{lock}",
            [election.pk, station_id],
        )
        row = cursor.fetchone()
    return None if row is None else from_row(Protocol, row)


def _refuse_if_certified(election: Election) -> None:
    if election.status == ElectionStatus.CERTIFIED:
        raise ElectionCertified(
            _("The results of “%(election)s” are certified; protocols can no longer change.")
            % {"election": election.key},
            data={"election": election.key},
        )


def _already(station_code: str, status: str) -> ProtocolAlreadySubmitted:
    return ProtocolAlreadySubmitted(
        _(
            "The protocol of station “%(station)s” is already %(status)s; it can be "
            "submitted again only after the territorial commission returns it."
        )
        % {"station": station_code, "status": status},
        data={"station": station_code, "status": status},
    )


def _breaches(election: Election, lines: ProtocolLines, option_keys: list[str]) -> list[Breach]:
    """Return the control relations the figures break under the election's rules."""
    return check_protocol(
        lines,
        option_keys=option_keys,
        both_marked_allowed=election.kind == ElectionKind.REFERENDUM,
    )


def _source_payload(source: VersionSource) -> dict[str, str]:
    """Return the ledger payload's ``source`` entry: absent for a PEC's own entry."""
    return {} if source == VersionSource.PEC_ENTRY else {"source": source.value}


def _refusal_record(
    *,
    user: User,
    election: Election,
    station_code: str,
    lines: ProtocolLines,
    breaches: list[Breach],
    source: VersionSource,
) -> ProtocolBreaksRelations:
    """Store a refused protocol and its ``protocol.refuse`` event; return the error to raise.

    Runs in the caller's transaction, which must commit before the error is raised:
    the refusal is the record that the figures were sent.
    """
    problems = [b.as_dict() for b in breaches]
    ProtocolRefusal.objects.create(
        election=election,
        station_code=station_code,
        user=user,
        at=clock.now(),
        code=ProtocolBreaksRelations.code,
        payload={**lines.as_dict(), "votes": dict(lines.votes)},
        problems=problems,
    )
    _protocol_event(
        user=user,
        election=election,
        station_code=station_code,
        action="protocol.refuse",
        **_source_payload(source),
        relations=[b.relation for b in breaches],
    )
    return ProtocolBreaksRelations(
        _("The protocol of station “%(station)s” breaks %(n)d control relation(s): ")
        % {"station": station_code, "n": len(breaches)}
        + " ".join(b.message for b in breaches),
        data={"station": station_code, "breaches": problems},
    )


def _version_submit(
    *,
    user: User,
    election: Election,
    commission: Commission,
    ancestor_ids: list[int],
    lines: ProtocolLines,
    options: list[Option],
    source: VersionSource,
    note: str = "",
    already: Callable[[str, str], ProtocolAlreadySubmitted] = _already,
) -> Protocol:
    """Store version n+1 of the station's protocol and mark it submitted; return the protocol.

    The one write of a submission, whoever keyed the figures (the PEC, or the TEC by
    double entry): the protocol (created on first submission), the version and its
    votes in ``options`` order, the ``received`` counter of the tallies in
    ``ancestor_ids`` (first submission only; missing tallies are rebuilt) and the
    ``protocol.submit`` event. Runs in the caller's transaction with the figures
    already checked. The returned protocol carries its new status and version.

    Raises what ``already(station_code, status)`` returns when the protocol is
    neither new nor returned, and ``ProtocolAlreadySubmitted`` when it changed
    meanwhile. A concurrent first submission fails on the unique constraint with an
    ``IntegrityError`` that leaves the caller's transaction.
    """
    station_code = commission.code
    station_id, tec_id, region_id = commission.station_id, commission.tec_id, commission.region_id
    assert station_id is not None and tec_id is not None and region_id is not None
    now = clock.now()
    existing = _protocol_locked(election, station_id)
    protocol = existing or insert(
        Protocol(
            election=election,
            station_id=station_id,
            commission=commission,
            tec_id=tec_id,
            region_id=region_id,
        )
    )
    previous = protocol.status
    if previous not in _OPEN_FOR_SUBMISSION:
        raise already(station_code, previous)
    number = 1
    if existing is not None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT MAX(number) FROM {qn(ProtocolVersion._meta.db_table)}"  # noqa: S608
                " WHERE protocol_id = %s",
                [protocol.pk],
            )
            number += cursor.fetchone()[0] or 0
    version = insert(
        ProtocolVersion(
            protocol=protocol,
            number=number,
            source=source,
            created_at=now,
            created_by=user,
            note=note,
            **lines.as_dict(),
        )
    )
    # (version, option, votes): ProtocolVote's fields in order, one row per option.
    insert_values(ProtocolVote, [(version.pk, o.pk, lines.votes[o.key]) for o in options])
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(Protocol._meta.db_table)} SET status = %s, current_id = %s,"  # noqa: S608
            " submitted_at = %s, return_reason = %s WHERE id = %s AND status = %s",
            [
                ProtocolStatus.SUBMITTED.value,
                version.pk,
                db_value(Protocol, "submitted_at", now),
                "",
                protocol.pk,
                previous,
            ],
        )
        updated = cursor.rowcount
    if updated != 1:
        raise ProtocolAlreadySubmitted(
            _("The protocol of station “%(station)s” changed while it was being submitted.")
            % {"station": station_code},
            data={"station": station_code},
        )
    if previous == ProtocolStatus.DRAFT:
        found = _tally_received_add(election, ancestor_ids, now)
        if found != len(ancestor_ids):
            tally_recompute(election=election, actor=actor_user(user), role=user.role)
    _protocol_event(
        user=user,
        election=election,
        station_code=station_code,
        action="protocol.submit",
        version=number,
        **_source_payload(source),
        lines=lines.as_dict(),
        votes={o.key: lines.votes[o.key] for o in options},
    )
    protocol.status, protocol.current = ProtocolStatus.SUBMITTED, version
    protocol.submitted_at, protocol.return_reason = now, ""
    return protocol
