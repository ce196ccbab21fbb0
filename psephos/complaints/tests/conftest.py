"""A small map with a commission tree and the two 2022 elections, for complaint tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pytest
from django.db.models import QuerySet

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.commissions.models import Commission, Decision
from psephos.complaints.models import Complaint, ComplaintDecision
from psephos.complaints.services.decisions import CommissionVote, complaint_decision_confirm
from psephos.elections.models import Election
from psephos.ledger.models import Event
from psephos.territory.enums import UnitKind
from psephos.territory.models import Geography
from tests.support.country import (
    PRESIDENTIAL,
    REFERENDUM,
    DistrictPlan,
    RegionPlan,
    StationPlan,
    country_build,
    election_write,
    members_make,
)

UTC = dt.UTC
MEMBERS = 7  # each commission's members, 2019–2024
DOCUMENT = b"%PDF-1.4 signed decision of the commission"


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
    setup_seq: int  # the ledger's last event once the country was built

    def events(self) -> QuerySet[Event]:
        """Return the ledger events written after the country was built, in order."""
        return Event.objects.filter(seq__gt=self.setup_seq).order_by("seq")


@pytest.fixture
def world(db: None) -> World:
    # Built through the services, like every other test country (tests/support/country.py).
    country = country_build(
        geography_key="kz-2022",
        geography_name="20 units",
        regions=[
            RegionPlan(
                code="KZ-75",
                names=("Almaty", "Алматы", "Алматы"),
                commission_name="Almaty city TEC",
                kind=UnitKind.CITY,
                districts=[
                    DistrictPlan(
                        code="KZ-75-01",
                        names=("Almaly", "Алмалы", "Алмалы"),
                        commission_name="Almaly district TEC",
                        stations=[StationPlan("KZ-75-01-0001", 1, "School 1", "PEC 1")],
                    )
                ],
            ),
            RegionPlan(
                code="KZ-23",
                names=("Atyrau", "Атырау", "Атырау"),
                commission_name="Atyrau region TEC",
                timezone="Asia/Atyrau",
                districts=[],
            ),
        ],
        election=replace(
            PRESIDENTIAL,
            key="kz-2022-presidential",
            names=("Early presidential election", "Президент сайлауы", "Выборы Президента"),
        ),
    )
    geo = country.geography
    referendum = election_write(
        replace(
            REFERENDUM,
            key="kz-2022-referendum",
            names=("Constitutional referendum", "Референдум", "Референдум"),
        ),
        geography=geo,
    )
    cec, (almaty, atyrau), (almaty_district,), (pec,) = (
        country.cec,
        country.regions,
        country.tecs,
        country.pecs,
    )
    presidential = country.election
    assert presidential is not None

    def user(name: str, role: str, commission: Commission) -> User:
        # Every operator has a colleague "<name>-2" who confirms the decisions it proposes.
        User.objects.create_user(
            username=f"{name}-2", password="pw-for-tests", role=role, commission=commission
        )
        return User.objects.create_user(
            username=name, password="pw-for-tests", role=role, commission=commission
        )

    for commission in (cec, almaty, almaty_district, atyrau):
        members_make(commission, members=MEMBERS)

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
        setup_seq=Event.objects.order_by("-seq").values_list("seq", flat=True).first() or 0,
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
