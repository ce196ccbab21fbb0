"""The CEC's accreditation decision from the back office: at an open session or outside one."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from psephos.commissions.models import Decision
from psephos.commissions.selectors import commission_members_list
from psephos.commissions.sessions import session_announce, session_open
from psephos.core import clock
from psephos.ledger.models import Event
from psephos.observation.models import Accreditation
from psephos.observation.services.observers import accreditation_apply, observer_register
from psephos.observation.tests.factories import (
    ACCREDITATION_DOCUMENT,
    cec_second_operator,
    observed_country,
)

pytestmark = pytest.mark.django_db

ALMATY = ZoneInfo("Asia/Almaty")


@pytest.mark.once
def test_a_cec_operator_proposes_an_accreditation_at_an_open_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    o = observed_country()
    country = o.country
    assert country.election is not None
    observer = observer_register(organisation=o.org, region=o.region2, name="Secret Name")
    accreditation_apply(observer=observer, election=country.election)
    second = cec_second_operator(country)
    user = country.users["CEC"]
    with monkeypatch.context() as m:
        m.setattr(clock, "now", lambda: dt.datetime(2022, 10, 30, 10, 0, tzinfo=ALMATY))
        session = session_announce(
            user=user, commission=country.cec, number="40", agenda="1. Accreditations.",
            starts_at=dt.datetime(2022, 11, 1, 10, 0, tzinfo=ALMATY), notice_hours=24,
        )  # fmt: skip
        m.setattr(clock, "now", lambda: dt.datetime(2022, 11, 1, 10, 5, tzinfo=ALMATY))
        present = commission_members_list(commission=country.cec, on=dt.date(2022, 11, 1))
        session_open(user=user, session=session, present=[p.pk for p in present])
    client = Client()
    client.force_login(user)
    home = client.get("/staff/office/").content.decode()
    assert f'href="/staff/office/accreditations/{country.election.key}/"' in home
    awaiting = client.get(f"/staff/office/accreditations/{country.election.key}/")
    assert awaiting.status_code == 200
    url = f"/staff/office/accreditations/{country.election.key}/{observer.code}/"
    assert f'href="{url}"' in awaiting.content.decode()
    page = client.get(url)
    assert page.status_code == 200
    assert '<option value="40">session 40</option>' in page.content.decode()
    form = {
        "status": "accredited",
        "number": "41",
        "on": "2022-11-01",
        "reasons": "The nomination letter is in order.",
        "present": str(len(present)),
        "votes_for": str(len(present)),
        "votes_against": "0",
        "abstentions": "0",
    }
    events = Event.objects.count()

    def upload() -> SimpleUploadedFile:
        return SimpleUploadedFile("d.pdf", ACCREDITATION_DOCUMENT, content_type="application/pdf")

    unknown = client.post(url, form | {"session": "39", "document": upload()})
    assert unknown.status_code == 422  # not one of the open sessions offered
    assert (Decision.objects.filter(number="41").count(), Event.objects.count()) == (0, events)
    done = client.post(url, form | {"session": "40", "document": upload()})
    assert done.status_code == 302, done.content.decode()
    decision = Decision.objects.get(number="41")
    assert (decision.number, decision.session_id, decision.status) == (
        "41",
        session.pk,
        "pending",
    )
    client.force_login(second)
    decision_page = client.get(f"/staff/office/decisions/{decision.pk}/").content.decode()
    assert 'id="decision-confirm"' in decision_page
    r = client.post(f"/staff/office/decisions/{decision.pk}/confirm/", {"confirm": "on"})
    assert r.status_code == 302, r.content.decode()
    assert Decision.objects.get(number="41").status == "confirmed"
    client.force_login(user)
    after = client.get(f"/staff/office/accreditations/{country.election.key}/").content.decode()
    assert f'href="{url}"' not in after
    assert Accreditation.objects.get(observer=observer).status == "accredited"
    register = (
        Client()
        .get(f"/commissions/{country.election.geography.key}/{country.cec.code}/decisions/")
        .content.decode()
    )
    assert f'/commissions/{country.election.geography.key}/{country.cec.code}/sessions/40/"' in (
        register
    )
