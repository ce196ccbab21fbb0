"""The protocol lifecycle: a PEC submits, the TEC directly above accepts or returns.

Every service here runs in one transaction, checks access and state, and writes
one ledger event. Acceptance adds the accepted version to the tallies of every
commission above the station with ``F()`` updates, so results are public the
moment a protocol is accepted. A concurrent second decision on the same protocol
finds it no longer ``submitted`` (row lock on PostgreSQL, conditional ``UPDATE``
everywhere) and gets a ``Conflict``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from psephos.accounts.access import access_protocol_decide, access_protocol_submit
from psephos.accounts.models import User
from psephos.commissions.enums import CommissionLevel
from psephos.commissions.models import Commission
from psephos.core import clock
from psephos.elections.enums import ElectionKind, ElectionStatus
from psephos.elections.models import Contest, Election, Option
from psephos.ledger.services.events import event_record
from psephos.results.enums import ProtocolStatus, VersionSource
from psephos.results.errors import (
    ElectionCertified,
    ProtocolAlreadySubmitted,
    ProtocolBreaksRelations,
    ProtocolNotPending,
    ReasonRequired,
    StationNotFound,
)
from psephos.results.models import (
    Protocol,
    ProtocolRefusal,
    ProtocolVersion,
    ProtocolVote,
    Tally,
    TallyVote,
)
from psephos.results.rules.lines import ProtocolLines
from psephos.results.rules.reconciliation import Breach, check_protocol
from psephos.results.services.tabulation import tally_recompute
from psephos.results.sql import columns, db_value, from_row, insert, insert_values, qn

_OPEN_FOR_SUBMISSION = (ProtocolStatus.DRAFT, ProtocolStatus.RETURNED)


def _actor(user: User) -> str:
    """Return the ledger actor: the user's id and commission, never a name."""
    commission = user.commission.code if user.commission_id and user.commission else "-"
    return f"user:{user.pk}@{commission}"


def _protocol_event(
    *, user: User, election: Election, station_code: str, action: str, **facts: Any
) -> None:
    """Append a protocol event: the user as actor, the station as object, its facts."""
    event_record(
        actor=_actor(user),
        role=user.role,
        action=action,
        object_key=f"{election.key}/{station_code}",
        payload={"election": election.key, "station": station_code, **facts},
    )


# --- the submission path in single hand-written statements (see psephos.results.sql) ----


def _station_sql() -> str:
    c = qn(Commission._meta.db_table)
    return (
        f"SELECT {columns(Commission, 'c')}, p.parent_id, pp.parent_id, t.code, r.code"  # noqa: S608
        f" FROM {c} c LEFT JOIN {c} p ON p.id = c.parent_id LEFT JOIN {c} pp ON pp.id = p.parent_id"
        f" LEFT JOIN {c} t ON t.id = c.tec_id LEFT JOIN {c} r ON r.id = c.region_id"
        " WHERE c.geography_id = %s AND c.code = %s AND c.level = %s"
    )


def _station_commission(*, election: Election, station_code: str) -> Commission:
    """Return the station's PEC with its parent and grandparent (ids), TEC and region (codes).

    The related objects carry only the fields the submission path reads; the rest
    are deferred and load on access.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _station_sql(), [election.geography_id, station_code, CommissionLevel.PEC.value]
        )
        row = cursor.fetchone()
    if row is None:
        raise StationNotFound(
            _("No polling station “%(station)s” in election “%(election)s”.")
            % {"station": station_code, "election": election.key},
            data={"station": station_code, "election": election.key},
        )
    n = len(Commission._meta.concrete_fields)
    commission = from_row(Commission, row[:n])
    parent_of_parent, grandparent_parent, tec_code, region_code = row[n:]
    alias = connection.alias
    cache = Commission._meta
    if commission.parent_id is not None:
        parent = Commission.from_db(
            alias, ("id", "parent_id"), (commission.parent_id, parent_of_parent)
        )
        if parent_of_parent is not None:
            grandparent = Commission.from_db(
                alias, ("id", "parent_id"), (parent_of_parent, grandparent_parent)
            )
            cache.get_field("parent").set_cached_value(parent, grandparent)
        cache.get_field("parent").set_cached_value(commission, parent)
    if commission.tec_id is not None:
        cache.get_field("tec").set_cached_value(
            commission, Commission.from_db(alias, ("id", "code"), (commission.tec_id, tec_code))
        )
    if commission.region_id is not None:
        cache.get_field("region").set_cached_value(
            commission,
            Commission.from_db(alias, ("id", "code"), (commission.region_id, region_code)),
        )
    return commission


def _options(election: Election) -> list[Option]:
    """Return the election's options in ballot order, cached on the election object."""
    cached: list[Option] | None = getattr(election, "_result_options", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns(Option, 'o')} FROM {qn(Option._meta.db_table)} o"  # noqa: S608
                f" JOIN {qn(Contest._meta.db_table)} k ON k.id = o.contest_id"
                " WHERE k.election_id = %s ORDER BY o.ballot_order",
                [election.pk],
            )
            cached = [from_row(Option, row) for row in cursor.fetchall()]
        election._result_options = cached  # type: ignore[attr-defined]
    return cached


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


def _tally_received_add(election: Election, ancestor_ids: list[int], now: Any) -> int:
    """Count one more received protocol in the tallies above a station; return how many exist."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(Tally._meta.db_table)} SET updated_at = %s, received = received + 1"  # noqa: S608
            f" WHERE election_id = %s AND commission_id IN ({', '.join(['%s'] * len(ancestor_ids))})",
            [db_value(Tally, "updated_at", now), election.pk, *ancestor_ids],
        )
        return int(cursor.rowcount)


def _ancestor_ids(commission: Commission) -> list[int]:
    """Return the ids of every commission above, nearest first.

    Walks the parents loaded with ``select_related`` and ends with the last one's
    ``parent_id``: the tree is at most CEC → regional TEC → district TEC → PEC.
    """
    ids: list[int] = []
    node: Commission | None = commission
    while node is not None and node.parent_id is not None:
        ids.append(node.parent_id)
        node = node._state.fields_cache.get("parent")  # loaded parents only
    return ids


def _refuse_if_certified(election: Election) -> None:
    if election.status == ElectionStatus.CERTIFIED:
        raise ElectionCertified(
            _("The results of “%(election)s” are certified; protocols can no longer change.")
            % {"election": election.key},
            data={"election": election.key},
        )


def _tally_add(
    *,
    election: Election,
    ancestor_ids: list[int],
    lines: dict[str, int] | None,
    votes: dict[int, int],
    received: int = 0,
    accepted: int = 0,
) -> int:
    """Add figures and counters to the tallies above a station (one UPDATE per option).

    Return how many of the ancestors' tallies exist; fewer than ``ancestor_ids``
    means the caller must rebuild them with ``tally_recompute``.
    """
    changes: dict[str, Any] = {"updated_at": clock.now()}
    if lines is not None:
        changes |= {name: F(name) + value for name, value in lines.items() if value}
    if received:
        changes["received"] = F("received") + received
    if accepted:
        changes["accepted"] = F("accepted") + accepted
    found = Tally.objects.filter(election=election, commission_id__in=ancestor_ids).update(
        **changes
    )
    for option_id, count in votes.items():
        if count:
            TallyVote.objects.filter(
                tally__election=election,
                tally__commission_id__in=ancestor_ids,
                option_id=option_id,
            ).update(votes=F("votes") + count)
    return found


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
            tally_recompute(election=election, actor=_actor(user), role=user.role)
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


def protocol_submit(
    *, user: User, election: Election, station_code: str, lines: ProtocolLines
) -> Protocol:
    """Store a new version of the station's protocol and mark it submitted.

    Preconditions: ``user`` is the PEC operator of that station; the election is
    not certified; the protocol is new or was returned. The figures must satisfy
    every control relation; otherwise a ``ProtocolRefusal`` (and its ledger event)
    is the only thing stored and ``ProtocolBreaksRelations`` lists every breach
    with its numbers.

    Raises ``StationNotFound``, ``PermissionDenied``, ``ElectionCertified``,
    ``ProtocolAlreadySubmitted`` or ``ProtocolBreaksRelations``.
    """
    commission = _station_commission(election=election, station_code=station_code)
    access_protocol_submit(user, commission)
    _refuse_if_certified(election)
    options = _options(election)
    breaches = _breaches(election, lines, [o.key for o in options])
    if breaches:
        # A second submission is refused as such, without recording a refusal.
        existing = (
            Protocol.objects.filter(election=election, commission=commission)
            .values_list("status", flat=True)
            .first()
        )
        if existing is not None and existing not in _OPEN_FOR_SUBMISSION:
            raise _already(station_code, existing)
        with transaction.atomic():
            refused = _refusal_record(
                user=user,
                election=election,
                station_code=station_code,
                lines=lines,
                breaches=breaches,
                source=VersionSource.PEC_ENTRY,
            )
        raise refused
    tec, region = commission.tec, commission.region
    assert tec is not None and region is not None
    ancestors = _ancestor_ids(commission)
    try:
        with transaction.atomic():
            protocol = _version_submit(
                user=user,
                election=election,
                commission=commission,
                ancestor_ids=ancestors,
                lines=lines,
                options=options,
                source=VersionSource.PEC_ENTRY,
            )
    except IntegrityError:
        raise _already(station_code, ProtocolStatus.SUBMITTED) from None
    for name, related in (("commission", commission), ("tec", tec), ("region", region)):
        if getattr(protocol, f"{name}_id") == related.pk:
            getattr(Protocol, name).field.set_cached_value(protocol, related)
    return protocol


def _decision_commission(protocol: Protocol) -> Commission:
    return Commission.objects.select_related("parent__parent__parent").get(
        pk=protocol.commission_id
    )


def _lock_pending(protocol: Protocol, station_code: str) -> Protocol:
    locked = (
        Protocol.objects.select_for_update(of=("self",))
        .select_related("current")
        .get(pk=protocol.pk)
    )
    if locked.status != ProtocolStatus.SUBMITTED:
        raise ProtocolNotPending(
            _("The protocol of station “%(station)s” is %(status)s, not awaiting a decision.")
            % {"station": station_code, "status": locked.status},
            data={"station": station_code, "status": locked.status},
        )
    return locked


def protocol_accept(*, user: User, protocol: Protocol) -> Protocol:
    """Accept a submitted protocol and add its current version to every tally above it.

    Preconditions: ``user`` is an operator of the TEC directly above the station;
    the protocol is ``submitted``; the election is not certified. Missing tallies
    are built by ``tally_recompute`` first.

    Raises ``PermissionDenied``, ``ElectionCertified`` or ``ProtocolNotPending``
    (also when another decision won a race).
    """
    commission = _decision_commission(protocol)
    station_code = commission.code
    access_protocol_decide(user, commission)
    election = Election.objects.get(pk=protocol.election_id)
    _refuse_if_certified(election)
    ancestors = _ancestor_ids(commission)
    with transaction.atomic():
        locked = _lock_pending(protocol, station_code)
        # The conditional UPDATE is what makes a concurrent second decision fail on SQLite,
        # where row locks do nothing.
        updated = Protocol.objects.filter(pk=protocol.pk, status=ProtocolStatus.SUBMITTED).update(
            status=ProtocolStatus.ACCEPTED, decided_at=clock.now(), decided_by=user
        )
        if updated != 1:
            raise ProtocolNotPending(
                _("The protocol of station “%(station)s” was decided by someone else.")
                % {"station": station_code},
                data={"station": station_code},
            )
        version = locked.current
        assert version is not None
        votes = dict(ProtocolVote.objects.filter(version=version).values_list("option_id", "votes"))
        found = _tally_add(
            election=election,
            ancestor_ids=ancestors,
            lines=version.lines_dict(),
            votes=votes,
            accepted=1,
        )
        if found != len(ancestors):
            # Some tally is missing: rebuild them all (this protocol is already accepted).
            tally_recompute(election=election, actor=_actor(user), role=user.role)
        _protocol_event(
            user=user,
            election=election,
            station_code=station_code,
            action="protocol.accept",
            version=version.number,
        )
    protocol.refresh_from_db()
    return protocol


def protocol_return(*, user: User, protocol: Protocol, reason: str) -> Protocol:
    """Return a submitted protocol to its PEC with a reason; the PEC may submit again.

    Preconditions as for ``protocol_accept``; ``reason`` must not be blank.
    Raises ``ReasonRequired``, ``PermissionDenied``, ``ElectionCertified`` or
    ``ProtocolNotPending``.
    """
    commission = _decision_commission(protocol)
    station_code = commission.code
    access_protocol_decide(user, commission)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired(
            _("Say why the protocol of station “%(station)s” is returned.")
            % {"station": station_code},
            data={"station": station_code, "errors": [{"where": "reason", "message": "blank"}]},
        )
    election = Election.objects.get(pk=protocol.election_id)
    _refuse_if_certified(election)
    with transaction.atomic():
        locked = _lock_pending(protocol, station_code)
        updated = Protocol.objects.filter(pk=protocol.pk, status=ProtocolStatus.SUBMITTED).update(
            status=ProtocolStatus.RETURNED,
            decided_at=clock.now(),
            decided_by=user,
            return_reason=reason,
        )
        if updated != 1:
            raise ProtocolNotPending(
                _("The protocol of station “%(station)s” was decided by someone else.")
                % {"station": station_code},
                data={"station": station_code},
            )
        _protocol_event(
            user=user,
            election=election,
            station_code=station_code,
            action="protocol.return",
            version=locked.current.number if locked.current else None,
            # The ledger is append-only and cannot forget: it keeps the digest of the
            # free-text reason, which may name people; the text stays on the protocol.
            reason_sha256=hashlib.sha256(reason.encode("utf-8")).hexdigest(),
        )
    protocol.refresh_from_db()
    return protocol


def protocol_for_station(*, election: Election, station_code: str) -> Protocol:
    """Return the station's protocol object for a decision, or raise ``StationNotFound``."""
    commission = _station_commission(election=election, station_code=station_code)
    protocol = Protocol.objects.filter(election=election, commission=commission).first()
    if protocol is None:
        raise ProtocolNotPending(
            _("Station “%(station)s” has not submitted a protocol.") % {"station": station_code},
            data={"station": station_code, "status": ProtocolStatus.DRAFT},
        )
    return protocol
