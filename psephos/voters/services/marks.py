"""Election-day marks: a voter receives a ballot once in the whole register.

The guarantee comes from the database: ``Mark`` has a unique constraint on
(election, voter). On PostgreSQL a voter on the station's own list is marked by one
statement (``marks_statement.PLAIN_SQL``) whose ``INSERT … ON CONFLICT DO NOTHING`` waits for any
concurrent mark of the voter; everything else (and every refusal) takes the general
path, which locks the voter row first (``SELECT … FOR UPDATE``) so concurrent attempts
queue and each later one is refused with the station and time of the first. On SQLite
write transactions are serialised. A constraint violation that still slips through is
turned into the same refusal. Marks are sealed into the ledger in batches
(``seals.py``, ADR 0004). The voting hours and the count of refused marks are in
``marks_refusals.py``, the one-statement path in ``marks_statement.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from psephos.core import clock
from psephos.core.errors import DomainError
from psephos.elections.selectors import election_profile

from ..access import access_station_act
from ..enums import AdditionBasis, CertificateStatus, EntrySource, RemovalReason, VoterOrigin
from ..errors import (
    AdditionOutsideTerritory,
    AlreadyMarked,
    IinInvalid,
    ListState,
    NotOnList,
    VoterNotFound,
)
from ..iin_hash import iin_hash
from ..models import Certificate, ListEntry, Mark, Voter
from ..rules.iin import iin_facts, iin_problem
from ..rules.records import NAME_MAX
from ..rules.territory import AdditionScope, Place, residence_addition_allowed
from .lists import refuse_if_ineligible, refuse_if_marked
from .marks_refusals import refusal_count, refuse_if_throttled, refuse_outside_voting_hours
from .marks_statement import active_entry_as_read, mark_plain
from .seals import marks_seal_if_due

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation

DOCUMENT_MAX = 100


@dataclass(frozen=True, slots=True)
class Person:
    """Name of a citizen not in the register, typed by the PEC from the ID document."""

    surname: str
    given_name: str
    patronymic: str = ""


def _new_unregistered(
    *, election: Election, station: PollingStation, iin: str, person: Person | None
) -> Voter:
    if not station.election_day_additions:
        raise ListState(
            _("Station %(station)s is not designated for adding unregistered citizens.")
            % {"station": station.code},
            data={"station": station.code},
        )
    if person is None or not person.surname.strip() or not person.given_name.strip():
        raise ListState(_("Surname and given name are required to add an unregistered citizen."))
    if max(len(person.surname), len(person.given_name), len(person.patronymic)) > NAME_MAX:
        raise ListState(_("A name is longer than 100 characters."))
    facts = iin_facts(iin)
    try:
        with transaction.atomic():
            return Voter.objects.create(
                geography_id=election.geography_id,
                iin_hash=iin_hash(iin, election.geography_id),
                surname=person.surname.strip(),
                given_name=person.given_name.strip(),
                patronymic=person.patronymic.strip(),
                birth_date=facts.birth_date,
                sex=facts.sex,
                station=station,
                origin=VoterOrigin.ELECTION_DAY,
            )
    except IntegrityError:
        raise ListState(_("This IIN was just added at another station; try again.")) from None


def mark_record(
    *,
    election: Election,
    station: PollingStation,
    iin: str,
    user: User,
    actor: str,
    certificate_serial: str | None = None,
    addition: AdditionBasis | None = None,
    person: Person | None = None,
    document: str = "",
) -> Mark:
    """Record that the voter received a ballot at ``station``.

    ``user`` must be an operator of the station's own PEC (``access_station_act``),
    else ``PermissionDenied`` before anything is read; the mark names them. With ``certificate_serial`` the voter presents an absentee certificate: it is
    retained and the voter is added to this station's list. With ``addition`` the
    voter is added on election day on that basis: ``residence`` moves a registered
    voter here from a list in the same district (the profile's
    ``residence_addition_scope``), on the ``document`` presented; ``unregistered``
    (designated stations only) registers a citizen absent from the register, named
    by ``person``.

    The station's own preconditions come first: the voting hours of voting day in
    the station's time zone (the profile's hours), the IIN, the voter being on this
    list, holding a certificate or being addable here. Only then is an existing mark
    reported, and with its station and time only for a voter on this station's list
    or presenting a certificate: a PEC cannot learn where and when anybody else
    voted. Every refusal is counted per operator and logged without the IIN; past
    ``VOTERS_MARK_REFUSALS_LIMIT`` refusals in ``VOTERS_MARK_REFUSALS_WINDOW`` seconds
    the operator's attempts are refused outright (``MarkRefusalsLimited``).

    Side effects: at most one new voter, entry and certificate change; one mark,
    sealed into the ledger by the next seal (``services/seals.py``), which this call
    runs when one is due. Raise ``OutsideVotingHours``, ``AlreadyMarked``,
    ``NotOnList``, ``NotEligible``, ``ListState``, ``AdditionOutsideTerritory``,
    ``VoterNotFound``, ``IinInvalid`` or ``MarkRefusalsLimited``; nothing changes then.
    """
    access_station_act(user, station)
    actor_id = user.pk
    now = clock.now()
    _refuse_hours_or_iin(election=election, station=station, iin=iin, at=now, actor_id=actor_id)
    mark = None
    if certificate_serial is None and addition is None and connection.vendor == "postgresql":
        mark = mark_plain(election=election, station=station, iin=iin, actor_id=actor_id, now=now)
    if mark is not None:
        marks_seal_if_due()
        return mark
    refuse_if_throttled(actor_id)
    try:
        mark = _mark_general(
            election=election,
            station=station,
            iin=iin,
            actor_id=actor_id,
            actor=actor,
            certificate_serial=certificate_serial,
            addition=addition,
            person=person,
            document=document,
            now=now,
        )
    except DomainError as exc:
        refusal_count(actor_id=actor_id, station=station, exc=exc)
        raise
    marks_seal_if_due()
    return mark


def _refuse_hours_or_iin(
    *, election: Election, station: PollingStation, iin: str, at: dt.datetime, actor_id: int
) -> None:
    """Refuse (and count) a mark outside the voting hours at ``at`` or with an invalid IIN."""
    try:
        refuse_outside_voting_hours(election=election, station=station, at=at)
        problem = iin_problem(iin)
        if problem is not None:
            raise IinInvalid(_("The IIN is not valid."), data={"problem": problem.value})
    except DomainError as exc:
        refusal_count(actor_id=actor_id, station=station, exc=exc)
        raise


def mark_mobile(
    *, election: Election, station: PollingStation, iin: str, user: User, at: dt.datetime
) -> Mark:
    """Record that the voter on this station's list received a ballot from the portable box.

    Mobile voting (pollingday's trip of the portable box): the voter's list entry is
    marked as voted at ``at`` (when the ballot was issued, within the voting hours),
    flagged ``mobile``. It is the voter's one mark of the election: a voter who already
    received a ballot (at the station or from the box) is refused with where and when
    (``AlreadyMarked``), and a voter marked here cannot be marked again at the station.
    Only a voter on this station's own list; ``user`` must operate its PEC. Runs in the
    caller's transaction when there is one (nothing is kept if the caller fails). Raise
    ``OutsideVotingHours``, ``IinInvalid``, ``VoterNotFound``, ``NotOnList``,
    ``AlreadyMarked``, ``NotEligible`` or ``MarkRefusalsLimited``; nothing changes then.
    """
    access_station_act(user, station)
    actor_id = user.pk
    _refuse_hours_or_iin(election=election, station=station, iin=iin, at=at, actor_id=actor_id)
    refuse_if_throttled(actor_id)
    try:
        mark = _mark_general(
            election=election,
            station=station,
            iin=iin,
            actor_id=actor_id,
            actor="",
            certificate_serial=None,
            addition=None,
            person=None,
            document="",
            now=at,
            mobile=True,
        )
    except DomainError as exc:
        refusal_count(actor_id=actor_id, station=station, exc=exc)
        raise
    marks_seal_if_due()
    return mark


def _mark_general(
    *,
    election: Election,
    station: PollingStation,
    iin: str,
    actor_id: int | None,
    actor: str,
    certificate_serial: str | None,
    addition: AdditionBasis | None,
    person: Person | None,
    document: str,
    now: dt.datetime,
    mobile: bool = False,
) -> Mark:
    try:
        with transaction.atomic():
            return _mark(
                election=election,
                station=station,
                iin=iin,
                actor_id=actor_id,
                actor=actor,
                certificate_serial=certificate_serial,
                addition=addition,
                person=person,
                document=document,
                now=now,
                mobile=mobile,
            )
    except IntegrityError:
        # Only a race the row lock cannot cover (two first-time additions of one
        # unregistered citizen) reaches here; the transaction is rolled back.
        voter = Voter.objects.filter(
            geography_id=election.geography_id, iin_hash=iin_hash(iin, election.geography_id)
        ).first()
        if voter is not None:
            refuse_if_marked(election=election, voter=voter)
        raise


@dataclass(frozen=True, slots=True)
class _State:
    entry_id: int | None
    entry_station_id: int | None
    entry_source: str | None
    marked_at: dt.datetime | None
    marked_station: str | None
    marked_zone: str | None


STATE_SQL = (
    "SELECT e.id, e.station_id, e.source, m.at, s.code, u.timezone FROM voters_voter v"
    " LEFT JOIN voters_listentry e ON e.voter_id = v.id AND e.election_id = %s"
    " AND e.removed_reason = ''"
    " LEFT JOIN voters_mark m ON m.voter_id = v.id AND m.election_id = %s"
    " LEFT JOIN territory_pollingstation s ON s.id = m.station_id"
    " LEFT JOIN territory_administrativeunit u ON u.id = s.unit_id"
    " WHERE v.id = %s"
)


_VOTER_FIELDS = ["id", "geography_id", "birth_date", "incapacitated", "prisoner", "removed_reason"]
_VOTER_SQL = (
    f"SELECT {', '.join(_VOTER_FIELDS)} FROM voters_voter"  # noqa: S608
    " WHERE geography_id = %s AND iin_hash = %s"
)


def _voter_locked(*, election: Election, iin: str) -> Voter | None:
    """Return the voter with this IIN, row-locked on PostgreSQL (eligibility fields loaded).

    Concurrent marks of one voter queue here; the state query that follows, a new
    statement, sees whatever the one before committed.
    """
    sql = _VOTER_SQL + (" FOR UPDATE" if connection.vendor == "postgresql" else "")
    with connection.cursor() as cur:
        cur.execute(sql, [election.geography_id, iin_hash(iin, election.geography_id)])
        row = cur.fetchone()
    if row is None:
        return None
    if isinstance(row[2], str):  # SQLite returns text for raw queries
        row = (row[0], row[1], dt.date.fromisoformat(row[2]), bool(row[3]), bool(row[4]), row[5])
    return Voter.from_db(connection.alias, _VOTER_FIELDS, row)


def _state(*, election: Election, voter: Voter) -> _State:
    """Return the voter's active entry and mark in one query (after the row lock)."""
    with connection.cursor() as cur:
        cur.execute(STATE_SQL, [election.pk, election.pk, voter.pk])
        row = cur.fetchone()
    assert row is not None
    marked_at = row[3]
    if isinstance(marked_at, str):  # SQLite returns text for raw queries
        marked_at = dt.datetime.fromisoformat(marked_at).replace(tzinfo=dt.UTC)
    return _State(row[0], row[1], row[2], marked_at, row[4], row[5])


def _refuse_marked(state: _State, *, where: bool) -> None:
    """Raise ``AlreadyMarked`` if the voter has a mark; name its station and time if ``where``."""
    if state.marked_at is None:
        return
    if not where:
        raise AlreadyMarked(_("This voter already received a ballot in this election."))
    local = state.marked_at.astimezone(ZoneInfo(state.marked_zone or "Asia/Almaty"))
    raise AlreadyMarked(
        _("This voter already received a ballot at station %(station)s at %(time)s.")
        % {"station": state.marked_station, "time": local.strftime("%H:%M")},
        data={"station": state.marked_station, "time": local.strftime("%H:%M")},
    )


def _mark(
    *,
    election: Election,
    station: PollingStation,
    iin: str,
    actor_id: int | None,
    actor: str,
    certificate_serial: str | None,
    addition: AdditionBasis | None,
    person: Person | None,
    document: str,
    now: dt.datetime,
    mobile: bool = False,
) -> Mark:
    voter = _voter_locked(election=election, iin=iin)
    if voter is None:
        if addition != AdditionBasis.UNREGISTERED:
            raise VoterNotFound(_("No voter with this IIN in the register."))
        voter = _new_unregistered(election=election, station=station, iin=iin, person=person)
    elif addition == AdditionBasis.UNREGISTERED:
        raise ListState(
            _("This IIN is in the register; add the voter on proof of residence instead.")
        )
    state = _state(election=election, voter=voter)
    on_this_list = state.entry_id is not None and state.entry_station_id == station.pk
    # The station's own preconditions before any word about a mark elsewhere.
    if certificate_serial is not None:
        _certificate_held(election=election, voter=voter, serial=certificate_serial)
    elif addition == AdditionBasis.RESIDENCE:
        _residence_addable(election=election, station=station, voter=voter, document=document)
    elif addition is None and not on_this_list:
        if state.marked_at is None or not _was_on_list(election, voter, station):
            raise NotOnList(
                _("This voter is not on the list of station %(station)s.")
                % {"station": station.code},
                data={"station": station.code},
            )
        # Moved off this list and marked elsewhere: this PEC may hear where and when.
        on_this_list = True
    _refuse_marked(state, where=on_this_list or certificate_serial is not None)
    refuse_if_ineligible(election=election, voter=voter)
    if certificate_serial is not None or addition is not None:
        current = (
            ListEntry.objects.select_related("station").get(pk=state.entry_id)
            if state.entry_id is not None
            else None
        )
        if certificate_serial is not None:
            entry = _present_certificate(
                election=election,
                station=station,
                voter=voter,
                serial=certificate_serial,
                current=current,
                now=now,
            )
        else:
            assert addition is not None
            entry = _add(
                election=election,
                station=station,
                voter=voter,
                basis=addition,
                current=current,
                document=document,
                now=now,
            )
    else:
        # On this list (checked above): the entry as far as the state query read it.
        assert state.entry_id is not None
        entry = active_entry_as_read(
            state.entry_id, election.pk, voter.pk, station.pk, str(state.entry_source)
        )
    mark = Mark.objects.create(
        election=election,
        voter=voter,
        station=station,
        entry=entry,
        at=now,
        by_id=actor_id,
        mobile=mobile,
    )
    return mark


def _was_on_list(election: Election, voter: Voter, station: PollingStation) -> bool:
    """Return whether the voter was on this station's list for the election (now removed)."""
    return ListEntry.objects.filter(election=election, voter=voter, station=station).exists()


def _certificate_held(*, election: Election, voter: Voter, serial: str) -> None:
    """Raise ``ListState`` unless certificate ``serial`` was issued to this voter."""
    if not Certificate.objects.filter(election=election, serial=serial, voter=voter).exists():
        raise ListState(
            _("Certificate %(serial)s was not issued to this voter.") % {"serial": serial[:10]},
            data={"serial": serial[:10]},
        )


def _place(unit_id: int, parent_id: int | None) -> Place:
    return Place(unit=unit_id, region=parent_id or unit_id)


def _residence_addable(
    *, election: Election, station: PollingStation, voter: Voter, document: str
) -> None:
    """Raise unless a residence addition of ``voter`` here is within the profile's scope.

    The document presented (its kind and number) is required: the TEC reviews every
    addition afterwards against it.
    """
    document = document.strip()
    if not document or len(document) > DOCUMENT_MAX:
        raise ListState(
            _(
                "Give the document the voter's residence was proved with (kind and number, "
                "at most %(max)d characters)."
            )
            % {"max": DOCUMENT_MAX},
            data={"field": "document"},
        )
    unit_id, parent_id = Voter.objects.filter(pk=voter.pk).values_list(
        "station__unit_id", "station__unit__parent_id"
    )[0]
    scope = AdditionScope(election_profile(election=election).residence_addition_scope)
    here = _place(station.unit_id, station.unit.parent_id)
    if not residence_addition_allowed(scope, registered=_place(unit_id, parent_id), here=here):
        raise AdditionOutsideTerritory(
            _SCOPE_REFUSALS[scope] % {"station": station.code},
            data={"station": station.code, "scope": scope.value},
        )


_SCOPE_REFUSALS = {
    AdditionScope.DISTRICT: gettext_lazy(
        "Station %(station)s may add on proof of residence only a voter registered in the "
        "same district; send the voter to the station of their registration."
    ),
    AdditionScope.REGION: gettext_lazy(
        "Station %(station)s may add on proof of residence only a voter registered in the "
        "same region; send the voter to the station of their registration."
    ),
    AdditionScope.COUNTRY: gettext_lazy("Station %(station)s may not add this voter."),
}


def _present_certificate(
    *,
    election: Election,
    station: PollingStation,
    voter: Voter,
    serial: str,
    current: ListEntry | None,
    now: dt.datetime,
) -> ListEntry:
    certificate = (
        Certificate.objects.select_for_update().filter(election=election, serial=serial).first()
    )
    if certificate is None or certificate.voter_id != voter.pk:
        raise ListState(
            _("Certificate %(serial)s was not issued to this voter.") % {"serial": serial[:10]},
            data={"serial": serial[:10]},
        )
    if certificate.status != CertificateStatus.ISSUED:
        raise ListState(
            _("Certificate %(serial)s is %(status)s.")
            % {"serial": serial, "status": certificate.get_status_display()},
            data={"serial": serial, "status": certificate.status},
        )
    if current is not None:  # the issuing station removed the voter; anything else is a fault
        raise ListState(_("This voter is still on a list; the certificate cannot be used."))
    certificate.status, certificate.used_at, certificate.used_station = (
        CertificateStatus.USED,
        now,
        station,
    )
    certificate.save(update_fields=["status", "used_at", "used_station"])
    return ListEntry.objects.create(
        election=election,
        voter=voter,
        station=station,
        source=EntrySource.AVC_ARRIVAL,
        added_at=now,
    )


def _add(
    *,
    election: Election,
    station: PollingStation,
    voter: Voter,
    basis: AdditionBasis,
    current: ListEntry | None,
    document: str,
    now: dt.datetime,
) -> ListEntry:
    if current is not None and current.station_id == station.pk:
        raise ListState(
            _("This voter is already on the list of station %(station)s.")
            % {"station": station.code}
        )
    if Certificate.objects.filter(
        election=election, voter=voter, status=CertificateStatus.ISSUED
    ).exists():
        raise ListState(_("This voter holds an absentee voting certificate; present it instead."))
    if current is not None:
        current.removed_reason, current.removed_at = RemovalReason.ADDED_ELSEWHERE, now
        current.save(update_fields=["removed_reason", "removed_at"])
    return ListEntry.objects.create(
        election=election,
        voter=voter,
        station=station,
        source=EntrySource.ELECTION_DAY,
        basis=basis,
        document=document.strip()[:DOCUMENT_MAX],
        added_at=now,
    )
