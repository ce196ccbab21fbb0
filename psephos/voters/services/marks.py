"""Election-day marks: a voter receives a ballot once in the whole register.

The guarantee comes from the database: ``Mark`` has a unique constraint on
(election, voter). On PostgreSQL the voter row is locked first
(``SELECT … FOR UPDATE``) so concurrent attempts for one voter queue and each
later one is refused with the station and time of the first; on SQLite write
transactions are serialised. A constraint violation that still slips through is
turned into the same refusal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.elections.models import Election
from psephos.ledger.services.events import event_record
from psephos.territory.models import PollingStation

from ..enums import AdditionBasis, CertificateStatus, EntrySource, RemovalReason, VoterOrigin
from ..errors import AlreadyMarked, IinInvalid, ListState, NotOnList, VoterNotFound
from ..iin_hash import iin_hash
from ..models import Certificate, ListEntry, Mark, Voter
from ..rules.iin import iin_facts, iin_problem
from ..rules.records import NAME_MAX
from .lists import refuse_if_ineligible, refuse_if_marked


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
                iin_hash=iin_hash(iin),
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
    actor_id: int | None,
    actor: str,
    certificate_serial: str | None = None,
    addition: AdditionBasis | None = None,
    person: Person | None = None,
) -> Mark:
    """Record that the voter received a ballot at ``station``.

    With ``certificate_serial`` the voter presents an absentee certificate: it is
    retained and the voter is added to this station's list. With ``addition`` the
    voter is added on election day on that basis: ``residence`` moves a registered
    voter here from any other list; ``unregistered`` (designated stations only)
    registers a citizen absent from the register, named by ``person``.

    Side effects: at most one new voter, entry and certificate change; one mark; one
    ledger event. Raise ``AlreadyMarked`` ("already received a ballot at station X
    at HH:MM") if the voter has a mark anywhere, ``NotOnList``, ``NotEligible``,
    ``ListState``, ``VoterNotFound`` or ``IinInvalid``; nothing changes then.
    """
    problem = iin_problem(iin)
    if problem is not None:
        raise IinInvalid(_("The IIN is not valid."), data={"problem": problem.value})
    now = clock.now()
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
                now=now,
            )
    except IntegrityError:
        # Only a race the row lock cannot cover (two first-time additions of one
        # unregistered citizen) reaches here; the transaction is rolled back.
        voter = Voter.objects.filter(
            geography_id=election.geography_id, iin_hash=iin_hash(iin)
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


def _refuse_marked(state: _State) -> None:
    if state.marked_at is None:
        return
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
    now: dt.datetime,
) -> Mark:
    locked = Voter.objects.select_for_update().filter(
        geography_id=election.geography_id, iin_hash=iin_hash(iin)
    )
    voter = next(iter(locked), None)  # unique: no ORDER BY or LIMIT needed
    if voter is None:
        if addition != AdditionBasis.UNREGISTERED:
            raise VoterNotFound(_("No voter with this IIN in the register."))
        voter = _new_unregistered(election=election, station=station, iin=iin, person=person)
    elif addition == AdditionBasis.UNREGISTERED:
        raise ListState(
            _("This IIN is in the register; add the voter on proof of residence instead.")
        )
    state = _state(election=election, voter=voter)
    _refuse_marked(state)
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
                now=now,
            )
        entry_id, source = entry.pk, entry.source
    elif state.entry_id is not None and state.entry_station_id == station.pk:
        entry_id, source = state.entry_id, str(state.entry_source)
    else:
        raise NotOnList(
            _("This voter is not on the list of station %(station)s.") % {"station": station.code},
            data={"station": station.code},
        )
    mark = Mark.objects.create(
        election=election,
        voter=voter,
        station=station,
        entry_id=entry_id,
        at=now,
        by_id=actor_id,
    )
    event_record(
        actor=actor,
        role="pec",
        action="voters.marked",
        object_key=f"{election.key}/{station.code}",
        payload={"mark": mark.pk, "source": source},
    )
    return mark


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
        added_at=now,
    )
