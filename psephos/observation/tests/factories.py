"""A small observed election: a country from the results factories, an organisation, observers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.commissions.models import Member
from psephos.commissions.rules.decisions import DecisionVote
from psephos.observation.enums import AccreditationStatus, MembershipRole, OrganisationKind
from psephos.observation.models import Accreditation, Observer, Organisation
from psephos.observation.services.forms import form_library_install
from psephos.observation.services.observers import (
    accreditation_apply,
    accreditation_decision_confirm,
    accreditation_propose,
    observer_register,
)
from psephos.observation.services.organisations import membership_grant, organisation_create
from psephos.results.tests.factories import Country, small_country
from psephos.territory.models import AdministrativeUnit
from tests.support.country import members_make

#: The day the CEC decides on accreditations in these tests (its 7 members serve 2019–2024).
ACCREDITATION_DAY = dt.date(2022, 11, 1)
ACCREDITATION_DOCUMENT = b"%PDF-1.4 signed accreditation decision of the CEC"


def cec_second_operator(country: Country) -> User:
    """Give the CEC 7 members (once) and a second operator; return that operator."""
    if not Member.objects.filter(commission=country.cec).exists():
        members_make(country.cec)
    user, _ = User.objects.get_or_create(
        username="cec-2", defaults={"role": Role.CEC_OPERATOR, "commission": country.cec}
    )
    return user


def accredit(
    country: Country,
    accreditations: Sequence[Accreditation],
    *,
    status: str = AccreditationStatus.ACCREDITED,
    reasons: str = "Letter checked.",
    number: str | None = None,
) -> list[Accreditation]:
    """Decide on the accreditations as the CEC does: its operator proposes, a second confirms."""
    second = cec_second_operator(country)
    number = number or f"A-{accreditations[0].pk}-{status}"
    accreditation_propose(
        accreditations=accreditations,
        status=status,
        reasons=reasons,
        user=country.users["CEC"],
        number=number,
        on=ACCREDITATION_DAY,
        vote=DecisionVote(0, 7, 7, 0),
        document=ACCREDITATION_DOCUMENT,
    )
    return accreditation_decision_confirm(user=second, election=country.election, number=number)


@dataclass
class Observed:
    country: Country
    org: Organisation
    observer: Observer
    observer_user: User
    region1: AdministrativeUnit
    region2: AdministrativeUnit


def observed_country() -> Observed:
    country = small_country()
    form_library_install()
    org = organisation_create(key="wings", name="Wings", kind=OrganisationKind.CITIZEN)
    r1 = AdministrativeUnit.objects.get(code="KZ-01")
    r2 = AdministrativeUnit.objects.get(code="KZ-02")
    user = User.objects.create_user(username="obs1", password="x")
    membership_grant(user=user, organisation=org, role=MembershipRole.OBSERVER)
    observer = observer_register(
        organisation=org,
        region=r1,
        name="Aigerim Test",
        phone="+7 701 555 0101",
        document="N1234567",
        user=user,
    )
    acc = accreditation_apply(observer=observer, election=country.election, nomination_letter="L-1")
    accredit(country, [acc])
    return Observed(country, org, observer, user, r1, r2)
