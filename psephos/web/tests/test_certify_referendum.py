"""The referendum is certified from the pages like any election: the staff page offers it
to an operator of the referendum's CEC, the confirmation page names it, and the
confirmed POST certifies it with its outcome.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.commissions.models import Commission
from psephos.elections.models import Election
from psephos.ledger.models import Event

pytestmark = pytest.mark.django_db
KEY = "kz-2022-referendum"


def test_the_referendum_is_certified_from_the_pages() -> None:
    call_command("simulate", KEY, "--scale", "0.01", "--seed", "1", "--no-progress", stdout=None)
    election = Election.objects.get(key=KEY)
    cec = Commission.objects.get(geography_id=election.geography_id, code="CEC")
    user = User.objects.create_user(
        username="cec-ref", password="x", role=Role.CEC_OPERATOR, commission=cec
    )
    client = Client()
    client.force_login(user)
    assert f'href="/staff/e/{KEY}/certify/"' in client.get("/staff/").content.decode()
    events = Event.objects.count()
    page = client.get(f"/staff/e/{KEY}/certify/")
    assert page.status_code == 200
    assert election.name_en in page.content.decode()
    assert Event.objects.count() == events
    response = client.post(f"/staff/e/{KEY}/certify/", {"confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/e/{KEY}/"
    election.refresh_from_db()
    assert election.status == "certified"
    assert list(Event.objects.filter(seq__gt=events).values_list("action", flat=True)) == [
        "tally.recompute",
        "election.certify",
    ]
    text = client.get(f"/e/{KEY}/").content.decode()
    assert "The results are certified. Outcome: Adopted." in text
