"""Write commission sessions: announce with the agenda, open with attendance, close with minutes.

Issue 17 (the back office; ODIHR [P] Rec 12: open sessions with agendas published in
advance). The decisions a session adopts are proposed with ``session=``
(``services.decision_propose``); a decision without one is taken outside a session.
Free text (agenda, place, minutes) stays in the commission's tables; the ledger gets
only its SHA-256 (``text_digest``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.db import create_unique
from psephos.ledger.actors import actor_user, text_digest
from psephos.ledger.services.events import event_record

from .access import access_commission_sessions
from .enums import SessionStatus
from .errors import SessionNoticeShort, SessionNotValid, SessionNumberTaken, SessionWrongState
from .models import Commission, Session, SessionAttendance
from .rules.sessions import attendance_problems, notice_hours_given, notice_short
from .selectors import commission_member_ids_on

if TYPE_CHECKING:
    from psephos.accounts.models import User


def session_date(session: Session) -> dt.date:
    """Return the day the session sits on (the project's time zone)."""
    return timezone.localtime(session.starts_at).date()


def session_announce(
    *,
    user: User,
    commission: Commission,
    number: str,
    starts_at: dt.datetime,
    agenda: str,
    place: str = "",
    notice_hours: int,
) -> Session:
    """Announce a session of ``commission`` with its agenda; return it, announced.

    Preconditions: ``user`` operates ``commission``; number and agenda are given, the
    number is new for the commission; now is at least ``notice_hours`` (the rule
    profile's ``session_notice_hours``) before ``starts_at``. Side effects: one session;
    one ledger event ``session.announce`` with the start, the notice given and the
    agenda's SHA-256. Raises ``PermissionDenied``, ``SessionNotValid``,
    ``SessionNoticeShort`` or ``SessionNumberTaken``; nothing is written then.
    """
    access_commission_sessions(user, commission)
    number, agenda, place = number.strip(), agenda.strip(), place.strip()
    missing = [f for f, v in (("number", number), ("agenda", agenda)) if not v]
    if missing:
        raise SessionNotValid(
            _("A session is announced with its number and its agenda (missing: %(fields)s).")
            % {"fields": ", ".join(missing)},
            data={"errors": missing},
        )
    now = clock.now()
    if notice_short(now, starts_at, notice_hours):
        raise SessionNoticeShort(
            _(
                "Session %(number)s of %(commission)s starts at %(starts)s: its agenda must be "
                "published at least %(hours)d hours before, by %(deadline)s."
            )
            % {
                "number": number,
                "commission": commission.code,
                "starts": starts_at.isoformat(timespec="minutes"),
                "hours": notice_hours,
                "deadline": (starts_at - dt.timedelta(hours=notice_hours)).isoformat(
                    timespec="minutes"
                ),
            },
            data={"field": "starts_at", "notice_hours": notice_hours},
        )
    taken = SessionNumberTaken(
        _("Commission %(commission)s already has a session No. %(number)s.")
        % {"commission": commission.code, "number": number},
        data={"field": "number", "number": number},
    )
    with transaction.atomic():
        session = create_unique(
            Session,
            unique=("commission", "number"),
            taken=taken,
            commission=commission,
            number=number,
            starts_at=starts_at,
            place=place[:300],
            agenda=agenda,
            announced_at=now,
        )
        event_record(
            actor=actor_user(user),
            role=user.role,
            action="session.announce",
            object_key=f"{commission.code}/session/{number}",
            payload={
                "commission": commission.code,
                "session": number,
                "starts_at": starts_at.isoformat(),
                "notice_hours": round(notice_hours_given(now, starts_at), 2),
                "agenda_sha256": text_digest(agenda),
            },
        )
    return session


def _state_check(session: Session, expected: SessionStatus) -> None:
    if session.status != expected:
        raise SessionWrongState(
            _("Session %(number)s of %(commission)s is %(status)s; this step needs it %(needed)s.")
            % {
                "number": session.number,
                "commission": session.commission.code,
                "status": SessionStatus(session.status).label,
                "needed": expected.label,
            },
            data={"status": session.status, "needed": expected.value},
        )


def session_open(*, user: User, session: Session, present: list[int]) -> Session:
    """Open an announced session with the members present (member ids); return it.

    Preconditions: ``user`` operates the session's commission; the session is
    announced and its start has come; every id is a member of the commission on the
    session's date, listed once. Side effects: one attendance row per member present,
    status ``open``; one ledger event ``session.open`` with the members on the date and
    the ids present (ids, never names). Raises ``PermissionDenied``,
    ``SessionWrongState`` or ``SessionNotValid``; nothing is written then.
    """
    access_commission_sessions(user, session.commission)
    with transaction.atomic():
        locked = Session.objects.select_for_update().select_related("commission").get(pk=session.pk)
        _state_check(locked, SessionStatus.ANNOUNCED)
        if clock.now() < locked.starts_at:
            raise SessionWrongState(
                _("Session %(number)s of %(commission)s starts at %(starts)s, not yet.")
                % {
                    "number": locked.number,
                    "commission": locked.commission.code,
                    "starts": locked.starts_at.isoformat(timespec="minutes"),
                },
                data={"starts_at": locked.starts_at.isoformat()},
            )
        on = session_date(locked)
        members = commission_member_ids_on(commission=locked.commission, on=on)
        problems = attendance_problems(present, members)
        if problems:
            raise SessionNotValid(
                _(
                    "Attendance of session %(number)s of %(commission)s: list each member "
                    "present on %(date)s once (%(members)d members); refused: %(problems)s."
                )
                % {
                    "number": locked.number,
                    "commission": locked.commission.code,
                    "date": on.isoformat(),
                    "members": len(members),
                    "problems": "; ".join(
                        f"{p.value} {', '.join(map(str, ids))}".strip()
                        for p, ids in problems.items()
                    ),
                },
                data={
                    "field": "present",
                    "errors": {p.value: ids for p, ids in problems.items()},
                },
            )
        SessionAttendance.objects.bulk_create(
            SessionAttendance(session=locked, member_id=m) for m in present
        )
        locked.status = SessionStatus.OPEN
        locked.save(update_fields=["status"])
        event_record(
            actor=actor_user(user),
            role=user.role,
            action="session.open",
            object_key=f"{locked.commission.code}/session/{locked.number}",
            payload={
                "commission": locked.commission.code,
                "session": locked.number,
                "members": len(members),
                "present": sorted(present),
            },
        )
    return locked


MINUTES_MAX_BYTES = 10 * 1024 * 1024


def session_close(
    *, user: User, session: Session, minutes: str = "", document: bytes = b""
) -> Session:
    """Close an open session with its minutes; return it, closed.

    Preconditions: ``user`` operates the session's commission; the session is open;
    the minutes are given as text or as the signed document (at most 10 MiB; its
    SHA-256 is then the minutes' digest, the text a summary). Side effects: the
    document kept by its SHA-256 in the default storage (``minutes/<sha256>``), the
    minutes' text and SHA-256 stored, status ``closed``; one ledger event
    ``session.close`` with the minutes' SHA-256 and the numbers of the decisions it
    adopted. Raises ``PermissionDenied``, ``SessionWrongState`` or ``SessionNotValid``;
    nothing is written then.
    """
    access_commission_sessions(user, session.commission)
    minutes = minutes.strip()
    if (not minutes and not document) or len(document) > MINUTES_MAX_BYTES:
        raise SessionNotValid(
            _(
                "A session is closed with its minutes (a text, or the signed document of at most 10 MiB)."
            ),
            data={"errors": ["minutes"]},
        )
    digest = hashlib.sha256(document).hexdigest() if document else text_digest(minutes)
    with transaction.atomic():
        locked = Session.objects.select_for_update().select_related("commission").get(pk=session.pk)
        _state_check(locked, SessionStatus.OPEN)
        locked.minutes = minutes
        locked.minutes_sha256 = digest
        locked.status = SessionStatus.CLOSED
        locked.closed_at = clock.now()
        locked.save(update_fields=["minutes", "minutes_sha256", "status", "closed_at"])
        if document and not default_storage.exists(name := f"minutes/{digest}"):
            default_storage.save(name, ContentFile(document))
        event_record(
            actor=actor_user(user),
            role=user.role,
            action="session.close",
            object_key=f"{locked.commission.code}/session/{locked.number}",
            payload={
                "commission": locked.commission.code,
                "session": locked.number,
                "minutes_sha256": locked.minutes_sha256,
                "decisions": sorted(locked.decisions.values_list("number", flat=True)),
            },
        )
    return locked


def session_adopt_check(
    session: Session, *, commission: Commission, on: dt.date, present: int
) -> None:
    """Raise unless ``session`` can adopt a decision of ``commission`` dated ``on``.

    The session is the commission's, open, on that date, and the vote's members
    present are those recorded at it. Raises ``SessionWrongState`` or
    ``SessionNotValid``.
    """
    session = Session.objects.select_related("commission").get(pk=session.pk)  # its state now
    if session.commission_id != commission.pk:
        raise SessionNotValid(
            _("Session %(number)s is not a session of commission %(commission)s.")
            % {"number": session.number, "commission": commission.code},
            data={"field": "session"},
        )
    _state_check(session, SessionStatus.OPEN)
    attended = session.attendance.count()
    if session_date(session) != on or attended != present:
        raise SessionNotValid(
            _(
                "A decision of session %(number)s is dated %(date)s with the %(attended)d "
                "members present recorded at it (given: %(given_date)s, %(present)d present)."
            )
            % {
                "number": session.number,
                "date": session_date(session).isoformat(),
                "attended": attended,
                "given_date": on.isoformat(),
                "present": present,
            },
            data={"field": "session", "date": session_date(session).isoformat()},
        )
