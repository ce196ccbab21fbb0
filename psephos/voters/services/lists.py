"""Per-station lists for an election: extraction, place of stay, certificates.

Every service runs in one transaction, locks the voter row it changes (a no-op on
SQLite, where write transactions are serialised), checks the rules and records a
ledger event whose payload holds no personal data.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.elections.selectors import election_profile, election_rounds
from psephos.ledger.services.events import event_record
from psephos.territory.selectors import station_timezone

from ..access import access_register_manage, access_station_act
from ..enums import CertificateStatus, EntrySource, RemovalReason
from ..errors import AlreadyMarked, IinInvalid, ListState, NotEligible, OutsideWindow, VoterNotFound
from ..iin_hash import iin_hash
from ..models import Certificate, ListEntry, Mark, Voter
from ..rules.calendar import CALENDAR, avc_window, place_of_stay_window
from ..rules.eligibility import EligibilityRules, ineligibility, latest_birth_date
from ..rules.iin import iin_problem

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election
    from psephos.territory.models import PollingStation


def eligibility_rules(election: Election) -> EligibilityRules:
    """Return the eligibility switches of the election's rule profile."""
    profile = election_profile(election=election)
    return EligibilityRules(
        minimum_age=profile.minimum_age,
        exclude_incapacitated=profile.exclude_incapacitated,
        exclude_prisoners=profile.exclude_prisoners,
    )


def station_zone(station: PollingStation) -> ZoneInfo:
    return ZoneInfo(station_timezone(station))


def voter_for_update(*, election: Election, iin: str) -> Voter:
    """Return the voter with this IIN, locked; raise ``IinInvalid`` or ``VoterNotFound``."""
    problem = iin_problem(iin)
    if problem is not None:
        raise IinInvalid(_("The IIN is not valid."), data={"problem": problem.value})
    voter = (
        Voter.objects.select_for_update()
        .filter(geography_id=election.geography_id, iin_hash=iin_hash(iin, election.geography_id))
        .first()
    )
    if voter is None:
        raise VoterNotFound(_("No voter with this IIN in the register."))
    entries_lock(election=election, voter=voter)
    return voter


def entries_lock(*, election: Election, voter: Voter) -> None:
    """Lock the voter's active list entries for the election (a no-op on SQLite).

    A mark at the voter's station reads the entry ``FOR SHARE`` (``marks_statement.PLAIN_SQL``),
    so a change that removes an entry takes this lock before ``refuse_if_marked``:
    it waits for a mark in flight and then sees it.
    """
    list(
        ListEntry.objects.select_for_update()
        .filter(election=election, voter=voter, removed_reason="")
        .values_list("pk", flat=True)
    )


def refuse_if_marked(*, election: Election, voter: Voter) -> None:
    """Raise ``AlreadyMarked`` naming the station and local time of an existing mark."""
    mark = (
        Mark.objects.select_related("station__unit").filter(election=election, voter=voter).first()
    )
    if mark is None:
        return
    local = mark.at.astimezone(station_zone(mark.station))
    raise AlreadyMarked(
        _("This voter already received a ballot at station %(station)s at %(time)s.")
        % {"station": mark.station.code, "time": local.strftime("%H:%M")},
        data={"station": mark.station.code, "time": local.strftime("%H:%M")},
    )


def refuse_if_ineligible(*, election: Election, voter: Voter) -> None:
    if voter.removed_reason:
        raise NotEligible(
            _("This person was removed from the register (%(reason)s).")
            % {"reason": voter.get_removed_reason_display()},
            data={"reasons": ["removed"]},
        )
    reasons = ineligibility(
        rules=eligibility_rules(election),
        birth_date=voter.birth_date,
        election_day=election.date,
        incapacitated=voter.incapacitated,
        prisoner=voter.prisoner,
    )
    if reasons:
        raise NotEligible(
            _("This person may not vote in this election (%(reasons)s).")
            % {"reasons": ", ".join(r.value for r in reasons)},
            data={"reasons": [r.value for r in reasons]},
        )


def active_entry(*, election: Election, voter: Voter) -> ListEntry | None:
    return (
        ListEntry.objects.select_related("station")
        .filter(election=election, voter=voter, removed_reason="")
        .first()
    )


def list_extract(*, election: Election, actor: str, user: User | None = None) -> int:
    """Put every eligible registered voter on their station's list for the election.

    For a runoff the first round's lists are carried over instead
    (``_carry_over_sql``). ``user`` is the person asking (the central commission,
    ``access_register_manage``); ``None`` for a system run (a command, the register
    generator, ``psephos runoff``). Precondition: no list yet for the election. Side
    effects: one entry per eligible voter, one ledger event. Raise ``PermissionDenied``
    or ``ListState`` if lists already exist. Return the number of entries.
    """
    if user is not None:
        access_register_manage(user)
    rules = eligibility_rules(election)
    first = election_rounds(election=election).first
    with transaction.atomic():
        if ListEntry.objects.filter(election=election).exists():
            raise ListState(
                _("The lists for %(election)s are already extracted.") % {"election": election.key}
            )
        conditions = ["v.geography_id = %s", "v.birth_date <= %s", "v.removed_reason = %s"]
        where_params: list[Any] = [
            election.geography_id,
            latest_birth_date(election.date, rules.minimum_age),
            "",  # not removed from the register by an update
        ]
        if rules.exclude_incapacitated:
            conditions.append("v.incapacitated = %s")
            where_params.append(False)
        if rules.exclude_prisoners:
            conditions.append("v.prisoner = %s")
            where_params.append(False)
        where = " AND ".join(conditions)  # constant SQL fragments; every value is bound
        head = (
            "INSERT INTO voters_listentry (election_id, voter_id, station_id, source, basis,"
            " added_at, removed_reason)"
        )
        if first is None:
            sql = f"{head} SELECT %s, v.id, v.station_id, %s, %s, %s, %s FROM voters_voter v WHERE {where}"  # noqa: S608
            params = [election.pk, EntrySource.REGISTER.value, "", clock.now(), "", *where_params]
        else:
            sql = f"{_CARRY_OVER_SQL} WHERE {where} AND {_CARRIED}"
            params = [
                election.pk,
                *_KEEP_STATION,
                *_KEEP_STATION,
                EntrySource.CARRIED_OVER.value,
                *_KEEP_STATION,
                "",
                *_KEEP_STATION,
                "",
                clock.now(),
                "",
                first.pk,
                "",
                *where_params,
                first.pk,
                RemovalReason.CORRECTION.value,
            ]
        with connection.cursor() as cur:
            cur.execute(sql, params)
            count = cur.rowcount
        payload: dict[str, Any] = {"entries": count}
        if first is not None:
            payload["first_round"] = first.key
        event_record(
            actor=actor,
            role="cec",
            action="voters.lists_extracted",
            object_key=election.key,
            payload=payload,
        )
    return count


# A runoff's lists are the first round's, with the register as it now is: every voter
# still registered and eligible on the runoff's day, at the station of their first-round
# entry when a PEC put them there on evidence of residence (a correction, an
# election-day addition), else at their register station (which an update may have
# changed; an inclusion at a place of stay or a certificate does not carry over). An
# entry kept at its station keeps its source (and basis and document); the others are
# ``carried_over``, which a register update moves like an extracted entry. A voter
# excluded by a correction in the first round and on no list stays off.
_KEEP_STATION = (EntrySource.CORRECTION.value, EntrySource.ELECTION_DAY.value)
_CARRY_OVER_SQL = (
    "INSERT INTO voters_listentry (election_id, voter_id, station_id, source, basis, document,"
    " added_at, removed_reason) SELECT %s, v.id,"
    " CASE WHEN e.source IN (%s, %s) THEN e.station_id ELSE v.station_id END,"
    " CASE WHEN e.source IN (%s, %s) THEN e.source ELSE %s END,"
    " CASE WHEN e.source IN (%s, %s) THEN e.basis ELSE %s END,"
    " CASE WHEN e.source IN (%s, %s) THEN e.document ELSE %s END,"
    " %s, %s FROM voters_voter v LEFT JOIN voters_listentry e"
    " ON e.voter_id = v.id AND e.election_id = %s AND e.removed_reason = %s"
)
_CARRIED = (
    "(e.id IS NOT NULL OR NOT EXISTS (SELECT 1 FROM voters_listentry x"
    " WHERE x.election_id = %s AND x.voter_id = v.id AND x.removed_reason = %s))"
)


def entry_place_of_stay(
    *,
    election: Election,
    station: PollingStation,
    iin: str,
    user: User,
    actor: str,
    today: dt.date | None = None,
) -> ListEntry:
    """Include a voter at a place of stay and remove them from their current list.

    ``user`` must be an operator of the station's own PEC (``access_station_act``).
    Preconditions: inside the window (``rules.calendar``), the voter is on a list,
    has no certificate and no mark. Raise ``PermissionDenied``, ``OutsideWindow``,
    ``ListState``, ``AlreadyMarked``, ``VoterNotFound`` or ``IinInvalid``.
    """
    access_station_act(user, station)
    day = today or clock.now().astimezone(station_zone(station)).date()
    first, last = place_of_stay_window(election.date, CALENDAR)
    if not first <= day <= last:
        raise OutsideWindow(
            _("Inclusion at a place of stay is possible from %(first)s to %(last)s.")
            % {"first": first.isoformat(), "last": last.isoformat()},
            data={"first": first.isoformat(), "last": last.isoformat()},
        )
    with transaction.atomic():
        voter = voter_for_update(election=election, iin=iin)
        refuse_if_marked(election=election, voter=voter)
        if Certificate.objects.filter(election=election, voter=voter).exists():
            raise ListState(_("This voter holds an absentee voting certificate."))
        current = active_entry(election=election, voter=voter)
        if current is None:
            raise ListState(_("This voter is on no list for this election."))
        if current.station_id == station.pk:
            raise ListState(
                _("This voter is already on the list of station %(station)s.")
                % {"station": station.code}
            )
        now = clock.now()
        current.removed_reason, current.removed_at = RemovalReason.PLACE_OF_STAY, now
        current.save(update_fields=["removed_reason", "removed_at"])
        entry = ListEntry.objects.create(
            election=election,
            voter=voter,
            station=station,
            source=EntrySource.PLACE_OF_STAY,
            added_at=now,
        )
        event_record(
            actor=actor,
            role="pec",
            action="voters.place_of_stay_included",
            object_key=f"{election.key}/{station.code}",
            payload={"entry": entry.pk, "removed_from": current.station.code},
        )
    return entry


def certificate_issue(
    *,
    election: Election,
    station: PollingStation,
    iin: str,
    serial: str,
    user: User,
    actor: str,
    now: dt.datetime | None = None,
) -> Certificate:
    """Issue an absentee voting certificate at the voter's list station.

    ``user`` must be an operator of the station's own PEC (``access_station_act``).
    Side effects: the voter leaves the station's list (``avc_issued``); one ledger
    event. Raise ``PermissionDenied``, ``OutsideWindow`` outside 15 days before until
    18:00 the day before, ``ListState`` if the voter is not on this station's list,
    already holds a certificate or the serial is taken, and the voter lookup errors.
    """
    access_station_act(user, station)
    at = now or clock.now()
    local = at.astimezone(station_zone(station)).replace(tzinfo=None)
    opens, closes = avc_window(election.date, CALENDAR)
    if not opens <= local <= closes:
        raise OutsideWindow(
            _("Certificates are issued from %(opens)s until %(closes)s.")
            % {"opens": opens.isoformat(sep=" "), "closes": closes.isoformat(sep=" ")},
            data={"opens": opens.isoformat(), "closes": closes.isoformat()},
        )
    if len(serial) != 5 or not serial.isascii() or not serial.isdigit():
        raise ListState(_("A certificate serial has 5 digits."), data={"serial": serial[:10]})
    with transaction.atomic():
        voter = voter_for_update(election=election, iin=iin)
        refuse_if_marked(election=election, voter=voter)
        if Certificate.objects.filter(election=election, voter=voter).exists():
            raise ListState(
                _("This voter already holds a certificate; a lost one is not replaced.")
            )
        current = active_entry(election=election, voter=voter)
        if current is None or current.station_id != station.pk:
            raise ListState(
                _("A certificate is issued only by the station whose list the voter is on.")
            )
        try:
            with transaction.atomic():
                certificate = Certificate.objects.create(
                    election=election, serial=serial, voter=voter, issued_by=station, issued_at=at
                )
        except IntegrityError:
            raise ListState(
                _("Certificate serial %(serial)s is already used.") % {"serial": serial},
                data={"serial": serial},
            ) from None
        current.removed_reason, current.removed_at = RemovalReason.AVC_ISSUED, at
        current.save(update_fields=["removed_reason", "removed_at"])
        event_record(
            actor=actor,
            role="pec",
            action="voters.certificate_issued",
            object_key=f"{election.key}/{station.code}",
            payload={"serial": serial},
        )
    return certificate


def certificate_report_lost(
    *,
    election: Election,
    serial: str,
    user: User,
    actor: str,
    station: PollingStation | None = None,
) -> Certificate:
    """Mark an issued certificate lost; it is not replaced and cannot be presented.

    ``user`` must be an operator of the PEC that issued it (``access_station_act``,
    checked against ``station`` first when given, else against the issuing station
    before anything changes). With ``station``, only a certificate that station issued
    is found. A serial that is not five digits is refused before any lookup (and never
    repeated back).
    """
    if station is not None:
        access_station_act(user, station)
    if not (len(serial) == 5 and serial.isascii() and serial.isdigit()):
        raise ListState(_("A certificate serial has five digits."))
    with transaction.atomic():
        found = Certificate.objects.select_for_update().select_related("issued_by")
        if station is not None:
            found = found.filter(issued_by=station)
        certificate = found.filter(election=election, serial=serial).first()
        if certificate is None:
            raise VoterNotFound(_("No certificate with serial %(serial)s.") % {"serial": serial})
        if station is None:
            access_station_act(user, certificate.issued_by)
        if certificate.status != CertificateStatus.ISSUED:
            raise ListState(
                _("Certificate %(serial)s is %(status)s.")
                % {"serial": serial, "status": certificate.get_status_display()}
            )
        certificate.status = CertificateStatus.LOST
        certificate.save(update_fields=["status"])
        event_record(
            actor=actor,
            role="pec",
            action="voters.certificate_lost",
            object_key=f"{election.key}/{certificate.issued_by.code}",
            payload={"serial": serial},
        )
    return certificate
