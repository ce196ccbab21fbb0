"""The protocol lifecycle: a PEC submits, the TEC directly above accepts or returns.

Every service here runs in one transaction, checks access and state, and writes
one ledger event. Acceptance adds the accepted version to the tallies of every
commission above the station with ``F()`` updates, so results are public the
moment a protocol is accepted. A concurrent second decision on the same protocol
finds it no longer ``submitted`` (row lock on PostgreSQL, conditional ``UPDATE``
everywhere) and gets a ``Conflict``. The version write shared with the TEC's double
entry is in ``versions``; the tally updates in ``tabulation``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from psephos.accounts.access import access_protocol_decide, access_protocol_submit
from psephos.commissions.models import Commission
from psephos.core import clock
from psephos.elections.selectors import election_options
from psephos.ledger.actors import actor_user, text_digest
from psephos.results.enums import ProtocolStatus, VersionSource
from psephos.results.errors import ProtocolNotPending, ReasonRequired
from psephos.results.models import Protocol, ProtocolVersion, ProtocolVote
from psephos.results.rules.lines import ProtocolLines
from psephos.results.selectors.protocols import station_pec_get
from psephos.results.services.tabulation import _ancestor_ids, _tally_add, tally_recompute
from psephos.results.services.versions import (
    _OPEN_FOR_SUBMISSION,
    _already,
    _breaches,
    _protocol_event,
    _refusal_record,
    _refuse_if_certified,
    _version_submit,
)

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election


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
    # The submission reads only the station's id: its row and unit stay unloaded.
    commission = station_pec_get(election=election, station_code=station_code, with_station=False)
    access_protocol_submit(user, commission)
    _refuse_if_certified(election)
    options = election_options(election=election)
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
    """Return the protocol's PEC with the commissions above it loaded.

    A protocol read by ``selectors.protocol_for_station`` carries it already (no query).
    """
    cached = protocol._state.fields_cache.get("commission")
    if isinstance(cached, Commission) and "parent" in cached._state.fields_cache:
        return cached
    return Commission.objects.select_related("parent__parent__parent").get(
        pk=protocol.commission_id
    )


def _decide(
    protocol: Protocol, station_code: str, user: User, **changes: object
) -> ProtocolVersion:
    """Move a submitted protocol to its decision with one conditional UPDATE; return its version.

    The UPDATE matches only while the protocol is still ``submitted`` with the version
    the decision is about: it is what makes a concurrent second decision fail (on
    PostgreSQL the UPDATE waits for the first one's row lock, then matches nothing; on
    SQLite writers queue). Runs in the caller's transaction.
    """
    now = clock.now()
    updated = Protocol.objects.filter(
        pk=protocol.pk, status=ProtocolStatus.SUBMITTED, current_id=protocol.current_id
    ).update(decided_at=now, decided_by=user, **changes)
    if updated != 1:
        status = Protocol.objects.filter(pk=protocol.pk).values_list("status", flat=True).first()
        if status != ProtocolStatus.SUBMITTED:
            raise ProtocolNotPending(
                _("The protocol of station “%(station)s” is %(status)s, not awaiting a decision.")
                % {"station": station_code, "status": status},
                data={"station": station_code, "status": status},
            )
        raise ProtocolNotPending(
            _("The protocol of station “%(station)s” was decided by someone else.")
            % {"station": station_code},
            data={"station": station_code},
        )
    version = protocol.current
    assert version is not None
    for name, value in changes.items():
        setattr(protocol, name, value)
    protocol.decided_at, protocol.decided_by = now, user
    return version


def protocol_accept(*, user: User, protocol: Protocol) -> Protocol:
    """Accept a submitted protocol and add its current version to every tally above it.

    Preconditions: ``user`` is an operator of the TEC directly above the station;
    the protocol is ``submitted``; the election is not certified. Missing tallies
    are built by ``tally_recompute`` first. A protocol read by
    ``selectors.protocol_for_station`` brings its election and commission along, so
    the decision reads neither again; the returned protocol carries the new status.

    Raises ``PermissionDenied``, ``ElectionCertified`` or ``ProtocolNotPending``
    (also when another decision won a race).
    """
    commission = _decision_commission(protocol)
    station_code = commission.code
    access_protocol_decide(user, commission)
    election = protocol.election
    _refuse_if_certified(election)
    ancestors = _ancestor_ids(commission)
    with transaction.atomic():
        version = _decide(protocol, station_code, user, status=ProtocolStatus.ACCEPTED)
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
            tally_recompute(election=election, actor=actor_user(user), role=user.role)
        event = _protocol_event(
            user=user,
            election=election,
            station_code=station_code,
            action="protocol.accept",
            version=version.number,
        )
        if event.at > clock.now():
            # The clock reads earlier than the ledger's last event (a replay: the demo's
            # voting day after the simulated night; an NTP step back), so the ledger stamped
            # the acceptance with that event's time: the acceptance is the ledger's stamp,
            # as the simulation's are (ADR 0014). One more statement only then.
            Protocol.objects.filter(pk=protocol.pk).update(decided_at=event.at)
            protocol.decided_at = event.at
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
    election = protocol.election
    _refuse_if_certified(election)
    with transaction.atomic():
        version = _decide(
            protocol, station_code, user, status=ProtocolStatus.RETURNED, return_reason=reason
        )
        _protocol_event(
            user=user,
            election=election,
            station_code=station_code,
            action="protocol.return",
            version=version.number,
            # The ledger is append-only and cannot forget: it keeps the digest of the
            # free-text reason, which may name people; the text stays on the protocol.
            reason_sha256=text_digest(reason),
        )
    return protocol
