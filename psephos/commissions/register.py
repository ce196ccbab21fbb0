"""Read the public register of a commission's decisions and its sessions (issue 17).

The register lists the decisions in force (confirmed by the second operator,
``decision_confirm``): number, date, subject in kk/ru/en where given, reasons, the
vote against the membership on its date, the signed document's SHA-256 and the
session that adopted it (or none: taken outside a session). Pages, downloads, the
feed and the API all publish ``decision_row``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from psephos.core.errors import NotFound

from .enums import DecisionStatus, SessionStatus
from .models import Commission, Decision, Session

REGISTER_LIMIT = 1000  # rows a page, a download or the API answers at most
SEARCH_MAX = 100  # characters of a search


RegisterRow = dict[str, Any]
"""One decision as published: number, date, subject_kk/ru/en, reasons, members, present,
votes_for, votes_against, abstentions, document_sha256, session (its number, or None
when taken outside a session), confirmed_at."""


def row_subject(row: RegisterRow, language: str) -> str:
    """Return the row's subject in ``language`` (kk, ru, en), else English."""
    return str(row.get(f"subject_{language[:2]}") or row["subject_en"])


def decision_row(d: Decision) -> RegisterRow:
    """Return one decision as the register publishes it (subjects fall back to ``title``)."""
    return {
        "number": d.number,
        "date": d.date,
        "subject_kk": d.title_kk or d.title,
        "subject_ru": d.title_ru or d.title,
        "subject_en": d.title_en or d.title,
        "reasons": d.reasons,
        "members": d.members,
        "present": d.present,
        "votes_for": d.votes_for,
        "votes_against": d.votes_against,
        "abstentions": d.abstentions,
        "document_sha256": d.document_sha256,
        "session": d.session.number if d.session is not None else None,
        "confirmed_at": d.confirmed_at,
    }


def decisions_register(*, commission: Commission, q: str = "") -> list[RegisterRow]:
    """Return the commission's decisions in force, newest first, matching search ``q``.

    ``q`` (at most ``SEARCH_MAX`` characters) is looked for in the number, the subjects
    and the reasons. One query; at most ``REGISTER_LIMIT`` rows.
    """
    rows = Decision.objects.filter(
        commission=commission, status=DecisionStatus.CONFIRMED
    ).select_related("session")
    q = q.strip()[:SEARCH_MAX]
    if q:
        rows = rows.filter(
            Q(number__icontains=q)
            | Q(title__icontains=q)
            | Q(title_kk__icontains=q)
            | Q(title_ru__icontains=q)
            | Q(title_en__icontains=q)
            | Q(reasons__icontains=q)
        )
    return [decision_row(d) for d in rows.order_by("-date", "-pk")[:REGISTER_LIMIT]]


def sessions_list(*, commission: Commission) -> list[Session]:
    """Return the commission's sessions, newest first, with ``present`` and ``adopted`` counts."""
    return list(
        Session.objects.filter(commission=commission)
        .annotate(
            present=Count("attendance", distinct=True),
            adopted=Count(
                "decisions",
                filter=Q(decisions__status=DecisionStatus.CONFIRMED),
                distinct=True,
            ),
        )
        .order_by("-starts_at")
    )


def session_get(*, commission: Commission, number: str) -> Session:
    """Return the commission's session with this number or raise ``NotFound``."""
    session = (
        Session.objects.filter(commission=commission, number=number)
        .select_related("commission")
        .first()
    )
    if session is None:
        raise NotFound(
            _("Commission %(commission)s has no session No. %(number)s.")
            % {"commission": commission.code, "number": number},
            data={"commission": commission.code, "session": number},
        )
    return session


def session_choices(*, commission: Commission) -> list[tuple[str, str]]:
    """Return the commission's open sessions as choices (number, "session N"): the sessions
    a decision proposed now may be adopted at (every decision form offers them)."""
    return [
        (s.number, _("session %(number)s") % {"number": s.number})
        for s in Session.objects.filter(commission=commission, status=SessionStatus.OPEN).order_by(
            "-starts_at"
        )
    ]


def session_chosen(*, commission: Commission | None, number: str) -> Session | None:
    """Return the session of ``commission`` a form or a request chose by number, or None
    (taken outside a session). Raises ``NotFound`` for a number the commission has not;
    whether the session may adopt the decision is ``decision_propose``'s check."""
    if not number or commission is None:
        return None
    return session_get(commission=commission, number=number)


def session_decisions(*, session: Session) -> list[RegisterRow]:
    """Return the decisions in force that ``session`` adopted, by number."""
    return [
        decision_row(d)
        for d in session.decisions.filter(status=DecisionStatus.CONFIRMED)
        .select_related("session")
        .order_by("number")
    ]
