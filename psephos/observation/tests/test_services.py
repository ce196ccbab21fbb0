"""Services and selectors on the database: submissions, SMS, accreditation, quality, XLSForm."""

from __future__ import annotations

import stat

import pytest

from psephos.core.errors import Conflict, ValidationFailed
from psephos.ledger.models import Event
from psephos.observation.errors import AnswersInvalid, FormInvalid, NotAccredited, PlaceUnknown
from psephos.observation.models import (
    FormDefinition,
    Observer,
    SmsMessage,
    Submission,
)
from psephos.observation.selectors import findings_for
from psephos.observation.services import crypto
from psephos.observation.services.forms import (
    form_export_xlsform,
    form_import_xlsform,
    form_resolve,
    form_spec,
)
from psephos.observation.services.observers import accreditation_apply, observer_register
from psephos.observation.services.quality import quality_apply
from psephos.observation.services.submissions import sms_receive, submission_record

from .factories import observed_country

pytestmark = pytest.mark.django_db

VOTE = {"A": "no", "W": 2}


def test_personal_data_is_encrypted_with_a_key_outside_the_database(settings):
    o = observed_country()
    row = Observer.objects.get(pk=o.observer.pk)
    assert "Aigerim" not in row.name_enc and "N1234567" not in row.document_enc
    assert crypto.unseal(row.name_enc) == "Aigerim Test"
    key_file = settings.PSEPHOS_KEY_DIR / "observer.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert row.phone_digest == crypto.phone_digest("8 701 555 01 01")
    assert not Event.objects.filter(payload__icontains="Aigerim").exists()


def test_submission_replayed_twice_stays_one():
    o = observed_country()
    e = o.country.election
    first, created1 = submission_record(
        observer=o.observer,
        election=e,
        form_key="voting",
        client_id="c-1",
        answers=VOTE,
        station_code="KZ-01-0101",
    )
    again, created2 = submission_record(
        observer=o.observer,
        election=e,
        form_key="voting",
        client_id="c-1",
        answers=VOTE,
        station_code="KZ-01-0101",
    )
    assert (created1, created2, first.pk) == (True, False, again.pk)
    assert Submission.objects.count() == 1
    assert (first.region_code, first.rating, first.answers) == ("KZ-01", 2, {"A": "no", "W": 2})
    with pytest.raises(Conflict, match="already used for a different submission"):
        submission_record(
            observer=o.observer,
            election=e,
            form_key="voting",
            client_id="c-1",
            answers={"W": 4},
            station_code="KZ-01-0101",
        )
    assert Submission.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"station_code": "KZ-09-0101"}, PlaceUnknown, "No polling station “KZ-09-0101”"),
        (
            {"station_code": "KZ-01-0101", "answers": {"W": 7}},
            AnswersInvalid,
            "W: 7 is outside the range 1–4",
        ),
        (
            {"station_code": "KZ-01-0101", "client_id": ""},
            ValidationFailed,
            "A client id of 1–64 characters",
        ),
    ],
)
def test_bad_submissions_change_nothing(kwargs, error, message):
    o = observed_country()
    events = Event.objects.count()
    args = {
        "observer": o.observer,
        "election": o.country.election,
        "form_key": "voting",
        "client_id": "x",
        "answers": VOTE,
    } | kwargs
    with pytest.raises(error, match=message):
        submission_record(**args)
    assert Submission.objects.count() == 0
    assert Event.objects.count() == events


def test_unaccredited_observer_cannot_submit():
    o = observed_country()
    other = observer_register(organisation=o.org, region=o.region2, name="B")
    accreditation_apply(observer=other, election=o.country.election)
    with pytest.raises(NotAccredited, match=f"Observer {other.code} is not accredited"):
        submission_record(
            observer=other,
            election=o.country.election,
            form_key="voting",
            client_id="x",
            answers=VOTE,
            station_code="KZ-01-0101",
        )
    assert Submission.objects.count() == 0


def test_sms_is_recorded_once_and_answered():
    o = observed_country()
    e = o.country.election
    number = 1011  # station KZ-01-0101
    msg = sms_receive(election=e, sender="+7 (701) 555-01-01", text=f"vo {number} a1 b2 w2")
    assert (msg.ok, msg.reply) == (True, f"OK VO station {number}: A=yes B=no W=2")
    again = sms_receive(election=e, sender="87015550101", text=f"VO {number} A1 B2 W2")
    assert again.reply == f"ALREADY RECORDED: VO station {number}: A=yes B=no W=2"
    assert Submission.objects.get().channel == "sms"
    bad = sms_receive(election=e, sender="+77015550101", text="VO 1011 A1")
    assert (bad.ok, bad.reply) == (False, "NOT RECORDED: W: an answer is required")
    stranger = sms_receive(election=e, sender="+77000000000", text="VO 1011 A1 W1")
    assert stranger.reply == "NOT RECORDED: this phone is not registered for an observer"
    assert SmsMessage.objects.count() == 4
    assert not SmsMessage.objects.filter(sender_digest__contains="7015550101").exists()


def test_xlsform_round_trip_through_a_workbook():
    o = observed_country()
    voting = form_resolve(organisation=o.org, key="voting")
    data = form_export_xlsform(form=voting)
    imported = form_import_xlsform(organisation=o.org, data=data)
    assert (imported.organisation_id, imported.version) == (o.org.pk, 1)
    assert form_spec(imported) == form_spec(voting)
    assert form_resolve(organisation=o.org, key="voting").pk == imported.pk
    before = FormDefinition.objects.count()
    with pytest.raises(FormInvalid, match="not an XLSX workbook"):
        form_import_xlsform(organisation=o.org, data=b"not a workbook")
    assert FormDefinition.objects.count() == before


def test_quality_rules_exclude_and_keep_reasons_visible():
    o = observed_country()
    e = o.country.election
    submission_record(
        observer=o.observer,
        election=e,
        form_key="voting",
        client_id="1",
        answers={"U": 100, "V": 150, "W": 1},
        station_code="KZ-01-0101",
    )
    submission_record(
        observer=o.observer,
        election=e,
        form_key="voting",
        client_id="2",
        answers={"A": "yes", "W": 3},
        station_code="KZ-01-0102",
    )
    summary = quality_apply(election=e, organisation=o.org)
    assert summary == {"checked": 2, "flagged": 1, "excluded": 1}
    report = findings_for(election=e, form_key="voting", organisation=o.org)
    assert (report.observations, report.excluded) == (1, 1)
    assert report.excluded_reasons == {"voted_so_far (150) exceeds voters_on_list (100)": 1}
    neg = next(
        r
        for r in report.rows
        if r["name"] == "overall" and r["measure"] == "negative" and r["dimension"] == "all"
    )
    assert (neg["count"], neg["denominator"], neg["ci_low"]) == (1, 1, None)
