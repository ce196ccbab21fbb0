"""Incidents, deployment, accreditation decisions and the quick count through the API."""

from __future__ import annotations

import base64
import json

import pytest

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.accounts.services.tokens import api_token_create
from psephos.ledger.actors import text_digest
from psephos.ledger.models import Event
from psephos.observation.enums import MembershipRole, OrganisationKind
from psephos.observation.models import (
    Accreditation,
    Assignment,
    Incident,
    IncidentStep,
    QuickCountSample,
    Submission,
)
from psephos.observation.services.incidents import incident_report, incident_transition
from psephos.observation.services.observers import observer_register
from psephos.observation.services.organisations import membership_grant

from .factories import ACCREDITATION_DOCUMENT, cec_second_operator, observed_country
from .test_web_api import _verify

pytestmark = pytest.mark.django_db
API = "/api/v1/observation"


def _post(client, url, body, **headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def test_incident_case_from_report_to_escalation(client):
    o = observed_country()
    token = api_token_create(user=o.observer_user)[1]
    body = {
        "election": "kz-test-presidential",
        "category": "ballot_stuffing",
        "description": "Bundle of ballots seen.",
        "station": "KZ-01-0101",
    }
    r = _post(client, f"{API}/incidents", body, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 201
    assert r.json() == {
        "number": 1,
        "status": "reported",
        "complaint_url": "/complaints/file/?election=kz-test-presidential&station=KZ-01-0101&subject=Observer+incident+wings-1%3A+ballot_stuffing",
    }
    bad = _post(
        client, f"{API}/incidents", body | {"category": "ufo"}, HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert bad.status_code == 422
    assert Incident.objects.count() == 1
    url = f"{API}/organisations/wings/incidents/1/status"
    # The observer cannot decide on cases.
    client.force_login(o.observer_user)
    assert _post(client, url, {"status": "verified"}).status_code == 403
    coordinator = User.objects.create_user(username="coord")
    membership_grant(user=coordinator, organisation=o.org, role=MembershipRole.COORDINATOR)
    client.force_login(coordinator)
    assert (
        _post(client, url, {"status": "escalated", "escalated_to": "TEC"}).json()["error"]["code"]
        == "conflict"
    )
    assert _post(client, url, {"status": "verified"}).json()["status"] == "verified"
    r = _post(client, url, {"status": "escalated"})
    assert r.json()["error"]["data"]["errors"] == [{"where": "escalated_to", "message": "required"}]
    r = _post(client, url, {"status": "escalated", "escalated_to": "District TEC KZ-01-01"})
    assert r.json() == {"number": 1, "status": "escalated", "escalated_to": "District TEC KZ-01-01"}
    assert Event.objects.filter(action="observation.incident.escalated").count() == 1


def test_an_incident_step_keeps_its_note_beside_the_ledger_event():
    o = observed_country()
    incident = incident_report(
        observer=o.observer,
        election=o.country.election,
        category="intimidation",
        description="Voters were photographed at the box.",
    )
    coordinator = User.objects.create_user(username="coord", first_name="Asel", last_name="Nur")
    membership_grant(user=coordinator, organisation=o.org, role=MembershipRole.COORDINATOR)
    note = "Called Asel Nur, +7 701 555 0199, IIN 900101300123"
    incident_transition(incident=incident, status="verified", actor=coordinator, note=note)
    incident_transition(
        incident=incident, status="escalated", actor=coordinator, escalated_to="District TEC"
    )
    events = Event.objects.filter(action__startswith="observation.incident.").order_by("seq")
    assert [(e.action, e.actor, e.payload) for e in events] == [
        (
            "observation.incident.report",
            f"user:{o.observer_user.pk}@org:wings",
            {"category": "intimidation", "station": "", "evidence": []},
        ),
        (
            "observation.incident.verified",
            f"user:{coordinator.pk}@org:wings",
            {
                "status": "verified",
                "escalated_to_sha256": text_digest(""),
                "note_sha256": text_digest(note),
            },
        ),
        (
            "observation.incident.escalated",
            f"user:{coordinator.pk}@org:wings",
            {
                "status": "escalated",
                "escalated_to_sha256": text_digest("District TEC"),
                "note_sha256": text_digest(""),
            },
        ),
    ]
    steps = IncidentStep.objects.filter(incident=incident)
    assert list(steps.values_list("status", "note", "escalated_to", "decided_by", "event_seq")) == [
        ("verified", note, "", coordinator.pk, events[1].seq),
        ("escalated", "", "District TEC", coordinator.pk, events[2].seq),
    ]


def test_assignment_changes_mid_day_and_coverage(client):
    o = observed_country()
    coordinator = User.objects.create_user(username="coord")
    membership_grant(user=coordinator, organisation=o.org, role=MembershipRole.COORDINATOR)
    client.force_login(coordinator)
    url = f"{API}/organisations/wings/assignments"
    body = {
        "election": "kz-test-presidential",
        "observer": o.observer.code,
        "station": "KZ-01-0101",
    }
    assert _post(client, url, body).status_code == 201
    assert _post(client, url, body | {"station": "KZ-01-0102", "kind": "roving"}).status_code == 201
    assert _post(client, url, body | {"station": "nowhere"}).status_code == 404
    rows = list(Assignment.objects.order_by("id").values_list("station__code", "ends_at"))
    assert [r[0] for r in rows] == ["KZ-01-0101", "KZ-01-0102"]
    assert rows[0][1] is not None and rows[1][1] is None
    cov = client.get(f"{API}/organisations/wings/coverage/kz-test-presidential").json()
    assert cov == [{"region": "KZ-01", "assigned": 1, "reported": 0, "missing": 1, "late": 0}]
    page = client.get("/observation/organisations/wings/coverage/kz-test-presidential/")
    assert (
        '<tr data-region="KZ-01"><td>KZ-01</td><td>1</td><td>0</td><td class="error">1</td><td>0</td></tr>'
        in page.content.decode()
    )
    client.force_login(o.observer_user)
    assert client.get(f"{API}/organisations/wings/coverage/kz-test-presidential").status_code == 403
    assert (
        client.get("/observation/organisations/wings/coverage/kz-test-presidential/").status_code
        == 403
    )


def _admin_logged_in(client, o):
    """Log ``client`` in as a new admin of the organisation for all regions; return the admin."""
    admin = User.objects.create_user(username="admin1")
    membership_grant(user=admin, organisation=o.org, role=MembershipRole.ADMIN, all_regions=True)
    client.force_login(admin)
    return admin


def test_accreditation_via_api_needs_admin_2fa_and_cec_decision(client):
    o = observed_country()
    newcomer = observer_register(organisation=o.org, region=o.region1, name="New Person")
    admin = _admin_logged_in(client, o)
    body = {
        "election": "kz-test-presidential",
        "observer": newcomer.code,
        "nomination_letter": "L-7",
    }
    assert _post(client, f"{API}/organisations/wings/accreditations", body).status_code == 403
    _verify(client, admin)
    r = _post(client, f"{API}/organisations/wings/accreditations", body)
    assert (r.status_code, r.json()["status"]) == (201, "applied")
    decision = f"{API}/accreditations/kz-test-presidential/{newcomer.code}/decision"
    vote = {
        "number": "7",
        "votes_for": 7,
        "votes_against": 0,
        "present": 7,
        "document": base64.b64encode(ACCREDITATION_DOCUMENT).decode(),
    }
    refusal = {"status": "refused", "reasons": "The nomination letter is not signed."}
    assert _post(client, decision, refusal | {"vote": vote}).status_code == 403
    client.force_login(User.objects.get(username="cec"))
    assert User.objects.get(username="cec").role == Role.CEC_OPERATOR
    r = _post(client, decision, refusal | {"vote": vote, "date": "2022-11-01"})
    assert (r.status_code, r.json()["status"]) == (202, "pending")
    client.force_login(cec_second_operator(o.country))
    r = _post(client, r.json()["confirm"], {})
    assert r.json() == [
        {
            "badge": newcomer.code,
            "status": "refused",
            "reasons": "The nomination letter is not signed.",
        }
    ]
    assert Accreditation.objects.get(observer=newcomer).decided_by.username == "cec"


def test_sample_draw_is_seeded_once_and_xlsform_downloads(client):
    o = observed_country()
    _verify(client, _admin_logged_in(client, o))
    r = _post(
        client,
        f"{API}/organisations/wings/sample",
        {"election": "kz-test-presidential", "size": 4, "seed": 2022},
    )
    assert r.json() == {"seed": 2022, "size": 4, "strata": 2}
    again = _post(
        client,
        f"{API}/organisations/wings/sample",
        {"election": "kz-test-presidential", "size": 4, "seed": 1},
    )
    assert (again.status_code, again.json()["error"]["code"]) == (409, "observation_sample_exists")
    too_big = _post(
        client,
        f"{API}/organisations/other/sample",
        {"election": "kz-test-presidential", "size": 4, "seed": 1},
    )
    assert too_big.status_code == 404
    assert QuickCountSample.objects.count() == 1
    x = client.get(f"{API}/organisations/wings/forms/voting.xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    up = client.post(f"{API}/organisations/wings/forms", {"file": _file(x.content)})
    assert (up.status_code, up.json()) == (201, {"key": "voting", "version": 1, "sms_code": "VO"})


def test_sample_seed_beyond_64_bits_is_refused_not_a_server_error(client):
    # Found by tests/test_api_fuzz.py: SQLite raised OverflowError (a 500) on this seed.
    o = observed_country()
    _verify(client, _admin_logged_in(client, o))
    r = _post(
        client,
        f"{API}/organisations/wings/sample",
        {"election": "kz-test-presidential", "size": 4, "seed": 2**63},
    )
    assert (r.status_code, r.json()["error"]["code"]) == (422, "invalid_input")
    assert r.json()["error"]["data"]["errors"][0]["where"] == "body.seed"
    assert QuickCountSample.objects.count() == 0
    ok = _post(
        client,
        f"{API}/organisations/wings/sample",
        {"election": "kz-test-presidential", "size": 4, "seed": 2**63 - 1},
    )
    assert (ok.status_code, ok.json()["seed"]) == (201, 2**63 - 1)


def _file(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("voting.xlsx", data)


def test_organisation_kinds_are_stable():
    assert [k.value for k in OrganisationKind] == ["international", "citizen", "party", "candidate"]


def test_inclusion_rules_are_validated_and_applied(client):
    from psephos.observation.models import Organisation
    from psephos.observation.services.quality import quality_apply
    from psephos.observation.services.submissions import submission_record

    o = observed_country()
    _verify(client, _admin_logged_in(client, o))
    url = f"{API}/organisations/wings/rules"
    bad = client.put(
        url,
        data=json.dumps({"exclude_late": "yes", "deadlines": {"voting": "noon"}, "x": 1}),
        content_type="application/json",
    )
    assert bad.json()["error"]["data"]["errors"] == [
        {"where": "exclude_late", "message": "must be true or false"},
        {"where": "deadlines.voting", "message": "an ISO 8601 time with a zone"},
        {"where": "x", "message": "unknown rule"},
    ]
    assert Organisation.objects.get(pk=o.org.pk).inclusion_rules == {}
    good = {"exclude_late": True, "deadlines": {"voting": "2022-11-20T14:00:00+00:00"}}
    assert client.put(url, data=json.dumps(good), content_type="application/json").json() == good
    import datetime as dt

    e = o.country.election
    late = dt.datetime(2022, 11, 20, 15, tzinfo=dt.UTC)
    submission_record(
        observer=o.observer,
        election=e,
        form_key="voting",
        client_id="late",
        answers={"W": 1},
        station_code="KZ-01-0101",
        submitted_at=late,
    )
    o.org.refresh_from_db()
    assert quality_apply(election=e, organisation=o.org) == {
        "checked": 1,
        "flagged": 1,
        "excluded": 1,
    }
    sub = Submission.objects.get()
    assert (sub.included, sub.excluded_reasons) == (False, ["submitted after the voting deadline"])
