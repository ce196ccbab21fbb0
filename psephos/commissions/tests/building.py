"""A district TEC with seven members, a second operator, a closed session and decisions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.commissions.models import Commission, Decision, Member, Session
from psephos.commissions.rules.decisions import DecisionReview, DecisionVote, Quorum
from psephos.commissions.services import decision_confirm, decision_propose
from psephos.commissions.sessions import session_announce, session_close, session_open
from tests.support.country import Country, country_tiny, members_make

NOW = dt.datetime(2022, 11, 1, 9, 0, tzinfo=dt.UTC)
STARTS = dt.datetime(2022, 11, 2, 10, 0, tzinfo=dt.UTC)
AGENDA = "1. Accreditation of observers.\n2. Ballot printing."


@dataclass
class Tec:
    country: Country
    tec: Commission
    operator: User
    second: User


def tec_with_members(*, members: int = 7) -> Tec:
    """Return the tiny country's district TEC with ``members`` members and two operators."""
    c = country_tiny()
    tec = c.tecs[0]
    members_make(tec, members=members)
    second = User.objects.create(username="second-tec", role=Role.TEC_OPERATOR, commission=tec)
    return Tec(country=c, tec=tec, operator=c.users[tec.code], second=second)


def member_ids(t: Tec) -> list[int]:
    return list(Member.objects.filter(commission=t.tec).order_by("pk").values_list("pk", flat=True))


def decision_adopt(
    t: Tec,
    *,
    number: str,
    on: dt.date,
    title: str,
    reasons: str,
    session: Session | None = None,
    present: int = 6,
    subjects: tuple[str, str, str] | None = None,
) -> Decision:
    """Propose and confirm one decision (5 for, 1 against); set its kk/ru/en subjects."""
    decision = decision_propose(
        user=t.operator,
        commission=t.tec,
        number=number,
        on=on,
        title=title,
        reasons=reasons,
        vote=DecisionVote(members=0, present=present, votes_for=5, votes_against=1),
        quorum=Quorum(),
        document=f"signed {number}".encode(),
        action={"kind": "accreditation"},
        session=session,
    )
    if subjects is not None:
        Decision.objects.filter(pk=decision.pk).update(
            title_kk=subjects[0], title_ru=subjects[1], title_en=subjects[2]
        )
    return decision_confirm(user=t.second, decision=decision, review=DecisionReview.SECOND_OPERATOR)


def register_build(t: Tec, set_now) -> Session:  # type: ignore[no-untyped-def]
    """Hold session 5 (6 present) adopting No. 17, and take No. 18 outside a session."""
    set_now(NOW)
    session = session_announce(
        user=t.operator,
        commission=t.tec,
        number="5",
        starts_at=STARTS,
        agenda=AGENDA,
        place="Room 2",
        notice_hours=24,
    )
    set_now(STARTS)
    session_open(user=t.operator, session=session, present=member_ids(t)[:6])
    decision_adopt(
        t,
        number="17",
        on=STARTS.date(),
        title="Accreditation of observers",
        reasons="Applications complete.",
        session=session,
        subjects=(
            "Байқаушыларды аккредиттеу",
            "Об аккредитации наблюдателей",
            "Accreditation of observers",
        ),
    )
    decision_adopt(
        t,
        number="18",
        on=dt.date(2022, 11, 3),
        title="Ballot printing order",
        reasons="Printing house chosen by tender.",
    )
    return session_close(user=t.operator, session=session, minutes="Adopted No. 17 (5-1).")
