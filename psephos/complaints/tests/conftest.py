"""A small map with a commission tree and the two 2022 elections, for complaint tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.commissions.enums import CommissionLevel
from psephos.commissions.models import Commission, Decision, Member
from psephos.complaints.models import Complaint, ComplaintDecision
from psephos.complaints.services.decisions import CommissionVote, complaint_decision_confirm
from psephos.elections.enums import ElectionKind
from psephos.elections.models import Election
from psephos.territory.enums import UnitKind, UnitLevel
from psephos.territory.models import AdministrativeUnit, Geography

UTC = dt.UTC
MEMBERS = 7  # each commission's members, 2019–2024
DOCUMENT = b"%PDF-1.4 signed decision of the commission"


def members_add(commission: Commission, count: int) -> None:
    """Give ``commission`` ``count`` members serving 2019–2024."""
    Member.objects.bulk_create(
        Member(
            commission=commission,
            full_name=f"Member {i}",
            role="member",
            nominated_by="party",
            gender="F",
            term_start=dt.date(2019, 6, 1),
            term_end=dt.date(2024, 6, 1),
        )
        for i in range(count)
    )


def second_operator(user: User) -> User:
    """Return the colleague who confirms what ``user`` proposes."""
    return User.objects.get(username=f"{user.username}-2")


def vote(number: str = "1", **changes: object) -> CommissionVote:
    """Return a unanimous vote of all 7 members under decision ``number``."""
    values: dict[str, object] = {
        "number": number,
        "votes_for": MEMBERS,
        "votes_against": 0,
        "present": MEMBERS,
        "document": DOCUMENT,
    }
    return CommissionVote(**(values | changes))  # type: ignore[arg-type]


def confirm(complaint: Complaint, proposed: Decision, proposer: User) -> ComplaintDecision:
    """Confirm the proposed decision on ``complaint`` as ``proposer``'s second operator."""
    return complaint_decision_confirm(
        user=second_operator(proposer), complaint=complaint, number=proposed.number
    )


def at(text: str) -> dt.datetime:
    """Return an aware UTC datetime from 'YYYY-MM-DD HH:MM'."""
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


@dataclass
class World:
    geography: Geography
    presidential: Election
    referendum: Election
    cec: Commission
    almaty: Commission  # regional TEC, Asia/Almaty (UTC+6 in 2022)
    almaty_district: Commission
    atyrau: Commission  # regional TEC, Asia/Atyrau (UTC+5)
    pec: Commission
    cec_user: User
    almaty_user: User
    atyrau_user: User
    district_user: User


@pytest.fixture
def world(db: None) -> World:
    geo = Geography.objects.create(
        key="kz-2022", name="20 units", valid_from=dt.date(2022, 6, 8), timezone="Asia/Almaty"
    )
    almaty_unit = AdministrativeUnit.objects.create(
        geography=geo,
        code="KZ-75",
        level=UnitLevel.REGION,
        kind=UnitKind.CITY,
        name_en="Almaty",
        name_kk="Алматы",
        name_ru="Алматы",
        timezone="Asia/Almaty",
    )
    atyrau_unit = AdministrativeUnit.objects.create(
        geography=geo,
        code="KZ-23",
        level=UnitLevel.REGION,
        kind=UnitKind.OBLAST,
        name_en="Atyrau",
        name_kk="Атырау",
        name_ru="Атырау",
        timezone="Asia/Atyrau",
    )
    cec = Commission.objects.create(
        geography=geo, code="CEC", level=CommissionLevel.CEC, name="Central Election Commission"
    )
    almaty = Commission.objects.create(
        geography=geo,
        code="KZ-75",
        level=CommissionLevel.TEC_REGION,
        parent=cec,
        unit=almaty_unit,
        name="Almaty city TEC",
    )
    almaty_district = Commission.objects.create(
        geography=geo,
        code="KZ-75-01",
        level=CommissionLevel.TEC_DISTRICT,
        parent=almaty,
        region=almaty,
        unit=almaty_unit,
        name="Almaly district TEC",
    )
    atyrau = Commission.objects.create(
        geography=geo,
        code="KZ-23",
        level=CommissionLevel.TEC_REGION,
        parent=cec,
        unit=atyrau_unit,
        name="Atyrau region TEC",
    )
    pec = Commission.objects.create(
        geography=geo,
        code="KZ-75-01-0001",
        level=CommissionLevel.PEC,
        parent=almaty_district,
        region=almaty,
        tec=almaty_district,
        unit=almaty_unit,
        name="PEC 1",
    )
    presidential = Election.objects.create(
        key="kz-2022-presidential",
        kind=ElectionKind.PRESIDENTIAL,
        name_en="Early presidential election",
        name_kk="Президент сайлауы",
        name_ru="Выборы Президента",
        date=dt.date(2022, 11, 20),
        geography=geo,
        profile_key="kz-presidential-2022",
    )
    referendum = Election.objects.create(
        key="kz-2022-referendum",
        kind=ElectionKind.REFERENDUM,
        name_en="Constitutional referendum",
        name_kk="Референдум",
        name_ru="Референдум",
        date=dt.date(2022, 6, 5),
        geography=geo,
        profile_key="kz-referendum-2022",
    )

    def user(name: str, role: str, commission: Commission) -> User:
        # Every operator has a colleague "<name>-2" who confirms the decisions it proposes.
        User.objects.create_user(
            username=f"{name}-2", password="pw-for-tests", role=role, commission=commission
        )
        return User.objects.create_user(
            username=name, password="pw-for-tests", role=role, commission=commission
        )

    for commission in (cec, almaty, almaty_district, atyrau):
        members_add(commission, MEMBERS)

    return World(
        geography=geo,
        presidential=presidential,
        referendum=referendum,
        cec=cec,
        almaty=almaty,
        almaty_district=almaty_district,
        atyrau=atyrau,
        pec=pec,
        cec_user=user("cec-op", Role.CEC_OPERATOR, cec),
        almaty_user=user("almaty-op", Role.TEC_OPERATOR, almaty),
        atyrau_user=user("atyrau-op", Role.TEC_OPERATOR, atyrau),
        district_user=user("district-op", Role.TEC_OPERATOR, almaty_district),
    )


@pytest.fixture
def no_summary_dismissal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both 2022 profiles with ``summary_dismissal`` off: late complaints wait for the body."""
    from dataclasses import replace

    from psephos.elections.rules import calendar_profiles

    for key, profile in list(calendar_profiles.DISPUTE_PROFILES.items()):
        monkeypatch.setitem(
            calendar_profiles.DISPUTE_PROFILES, key, replace(profile, summary_dismissal=False)
        )
