"""A small observed election: a country from the results factories, an organisation, observers."""

from __future__ import annotations

from dataclasses import dataclass

from psephos.accounts.models import User
from psephos.observation.enums import AccreditationStatus, MembershipRole, OrganisationKind
from psephos.observation.models import Observer, Organisation
from psephos.observation.services.forms import form_library_install
from psephos.observation.services.observers import (
    accreditation_apply,
    accreditation_decide,
    observer_register,
)
from psephos.observation.services.organisations import membership_grant, organisation_create
from psephos.results.tests.factories import Country, small_country
from psephos.territory.models import AdministrativeUnit


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
    accreditation_decide(
        accreditation=acc,
        status=AccreditationStatus.ACCREDITED,
        reasons="Letter checked.",
        actor=None,
    )
    return Observed(country, org, observer, user, r1, r2)
