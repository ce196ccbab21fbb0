"""API and pages: submissions by token, SMS webhook, roster scoping with two-factor login."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.test import Client

from psephos.accounts.models import User
from psephos.accounts.services.tokens import api_token_create
from psephos.observation.enums import MembershipRole
from psephos.observation.models import (
    AccessLogEntry,
    Accreditation,
    Observer,
    Submission,
    TotpDevice,
)
from psephos.observation.rules import totp
from psephos.observation.services.crypto import unseal
from psephos.observation.services.observers import observer_register
from psephos.observation.services.organisations import (
    membership_grant,
    totp_device_create,
)

from .factories import observed_country

pytestmark = pytest.mark.django_db
API = "/api/v1/observation"


def _submit(client, token, **extra):
    body = {
        "election": "kz-test-presidential",
        "form": "voting",
        "client_id": "dev-1",
        "station": "KZ-01-0101",
        "answers": {"A": "yes", "W": "1"},
    } | extra
    return client.post(
        f"{API}/submissions",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_api_submission_is_idempotent(client):
    o = observed_country()
    token = api_token_create(user=o.observer_user, label="phone")[1]
    r1 = _submit(client, token)
    r2 = _submit(client, token)
    assert (r1.status_code, r2.status_code) == (201, 200)
    assert r1.json()["id"] == r2.json()["id"]
    assert Submission.objects.count() == 1
    bad = _submit(client, token, client_id="dev-2", answers={"A": "maybe", "W": "1"})
    assert bad.status_code == 422
    assert bad.json()["error"]["code"] == "observation_answers_invalid"
    assert bad.json()["error"]["data"]["errors"] == [
        {"where": "A", "message": "“maybe” is not yes (1) or no (2)"}
    ]
    assert _submit(client, "wrong-token").status_code == 401
    assert Submission.objects.count() == 1


def test_sms_webhook_checks_the_signature(client, monkeypatch):
    observed_country()
    monkeypatch.setenv("PSEPHOS_SMS_SECRET", "s3cret")
    body = json.dumps({"sender": "+77015550101", "text": "VO 1011 A1 W2"}).encode()
    bad = client.post(
        f"{API}/sms/kz-test-presidential",
        data=body,
        content_type="application/json",
        HTTP_X_SIGNATURE="00",
    )
    assert (bad.status_code, bad.json()["error"]["code"]) == (
        403,
        "observation_sms_signature_invalid",
    )
    assert Submission.objects.count() == 0
    sig = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    ok = client.post(
        f"{API}/sms/kz-test-presidential",
        data=body,
        content_type="application/json",
        HTTP_X_SIGNATURE=sig,
    )
    assert ok.json() == {"reply": "OK VO station 1011: A=yes W=2", "recorded": True}


def _admin(o, *, regions, name="admin1"):
    user = User.objects.create_user(username=name, password="x")
    membership_grant(user=user, organisation=o.org, role=MembershipRole.ADMIN, regions=regions)
    return user


def _verify(client, user):
    totp_device_create(user=user)
    secret = unseal(TotpDevice.objects.get(user=user).secret_enc)
    import time

    return client.post("/observation/2fa/", {"code": totp.totp_at(secret, time.time())})


def test_roster_needs_admin_two_factor_and_region(client):
    o = observed_country()
    observer_register(organisation=o.org, region=o.region2, name="Other Region Person")
    admin = _admin(o, regions=[o.region1])
    url = f"{API}/organisations/wings/observers"
    # The observer never sees the roster; the refusal is logged and nothing else changes.
    client.force_login(o.observer_user)
    r = client.get(url)
    assert (r.status_code, r.json()["error"]["message"]) == (
        403,
        "Only organisation administrators may see observers' personal data.",
    )
    # The admin without the second factor is refused too.
    client.force_login(admin)
    assert client.get(url).status_code == 403
    assert list(AccessLogEntry.objects.order_by("id").values_list("username", "allowed")) == [
        ("obs1", False),
        ("admin1", False),
    ]
    assert _verify(client, admin).status_code == 302
    r = client.get(url)
    assert r.status_code == 200
    assert [(row["region"], row["name"]) for row in r.json()] == [
        ("KZ-01", "Aigerim Test")
    ]  # only the admin's region
    last = AccessLogEntry.objects.order_by("-id").first()
    assert (last.action, last.allowed, last.detail) == (
        "roster.read",
        True,
        "1 observers in 1 region(s)",
    )
    page = client.get("/observation/organisations/wings/observers/")
    assert page.status_code == 200
    assert (
        "Aigerim Test" in page.content.decode()
        and "Other Region Person" not in page.content.decode()
    )


def test_wrong_totp_code_is_refused(client):
    o = observed_country()
    admin = _admin(o, regions=[])
    totp_device_create(user=admin)
    client.force_login(admin)
    r = client.post("/observation/2fa/", {"code": "000000"})
    assert r.status_code == 403
    assert "wrong or already used" in r.content.decode()


def test_public_accreditation_list_and_badge(client):
    o = observed_country()
    page = client.get("/observation/accreditations/kz-test-presidential/")
    assert page.status_code == 200
    html = page.content.decode()
    assert o.observer.code in html and "Aigerim" not in html
    token = Accreditation.objects.get(observer=o.observer).badge_token
    badge = client.get(f"/observation/badge/{token}/")
    assert 'data-valid="1"' in badge.content.decode()
    qr = client.get(f"/observation/badge/{token}/qr.svg")
    assert (qr.status_code, qr["Content-Type"]) == (200, "image/svg+xml")
    assert qr.content.startswith(b"<svg")
    assert client.get("/observation/badge/nope/").status_code == 404
    api = client.get(f"{API}/badge/{token}").json()
    assert api == {
        "badge": o.observer.code,
        "organisation": "Wings",
        "election": "kz-test-presidential",
        "status": "accredited",
        "valid": True,
    }


def test_findings_page_and_downloads(client):
    o = observed_country()
    token = api_token_create(user=o.observer_user)[1]
    _submit(client, token, answers={"A": "yes", "W": "3"})
    page = client.get("/observation/findings/kz-test-presidential/")
    assert page.status_code == 200
    csv_text = client.get("/observation/findings/kz-test-presidential/?format=csv").content.decode()
    assert (
        "voting,W,overall,Overall assessment of voting,negative,all,,1,1,100.0,,,assessed negatively in all 1 observations"
        in csv_text
    )
    client.force_login(o.observer_user)
    form = client.get("/observation/form/?election=kz-test-presidential")
    assert form.status_code == 200 and "forms-data" in form.content.decode()
    sw = client.get("/observation/sw.js")
    assert sw["Service-Worker-Allowed"] == "/observation/"


@pytest.mark.parametrize(
    ("language", "heading"),
    [("ru", "Решения об аккредитации"), ("kk", "Аккредиттеу туралы шешімдер")],
)
def test_pages_are_translated(client, language, heading):
    observed_country()
    page = client.get(
        "/observation/accreditations/kz-test-presidential/", HTTP_ACCEPT_LANGUAGE=language
    )
    assert heading in page.content.decode()


def test_index_links_every_election(client):
    observed_country()
    html = client.get("/observation/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "/observation/accreditations/kz-test-presidential/" in html
    assert "/observation/findings/kz-test-presidential/" in html
    assert "Решения об аккредитации" in html and 'href="/observation/form/"' in html


def test_admin_registers_reads_and_exports_only_in_own_regions(client):
    o = observed_country()
    admin = _admin(o, regions=[o.region1])
    client.force_login(admin)
    _verify(client, admin)
    url = f"{API}/organisations/wings/observers"
    body = {
        "name": "Dana New",
        "phone": "+7 702 000 0000",
        "document": "N7654321",
        "region": "KZ-01",
    }
    r = client.post(url, data=json.dumps(body), content_type="application/json")
    assert r.status_code == 201 and set(r.json()) == {"badge", "region"}
    before = Observer.objects.count()
    r = client.post(
        url, data=json.dumps(body | {"region": "KZ-02"}), content_type="application/json"
    )
    assert (r.status_code, r.json()["error"]["message"]) == (403, "This region is outside yours.")
    assert Observer.objects.count() == before
    other = observer_register(organisation=o.org, region=o.region2, name="Far Away")
    denied = client.get(f"{url}/{other.code}")
    assert (denied.status_code, denied.json()["error"]["message"]) == (
        403,
        "This observer is outside your regions.",
    )
    mine = client.get(f"{url}/{o.observer.code}").json()
    assert (mine["name"], mine["document"]) == ("Aigerim Test", "N1234567")
    csv_text = client.get(f"{API}/organisations/wings/observers.csv").content.decode()
    assert csv_text.startswith(
        "# exported by admin1; every export is logged\ncode,region,name,phone,document\n"
    )
    assert "Far Away" not in csv_text and "Dana New" in csv_text
    log = list(AccessLogEntry.objects.order_by("id").values_list("action", "target", "allowed"))
    assert log[-3:] == [
        ("observer.read", f"observer {other.code}", False),
        ("observer.read", f"observer {o.observer.code}", True),
        ("roster.export", "roster", True),
    ]


def test_authenticator_setup_then_locked(client):
    o = observed_country()
    admin = _admin(o, regions=[])
    client.force_login(admin)
    page = client.post("/observation/2fa/setup/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    secret = unseal(TotpDevice.objects.get(user=admin).secret_enc)
    import time

    code = totp.totp_at(secret, time.time())
    assert client.post("/observation/2fa/setup/confirm/", {"code": code}).status_code == 302
    # The same code cannot be used twice, and a confirmed device cannot be re-enrolled here.
    assert client.post("/observation/2fa/", {"code": code}).status_code == 403
    assert client.get("/observation/2fa/setup/").status_code == 302
    assert unseal(TotpDevice.objects.get(user=admin).secret_enc) == secret


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "No accreditation matches this badge."),
        ("ru", "Нет аккредитации с этим удостоверением."),
        ("kk", "Бұл куәлікке сәйкес аккредитация жоқ."),
    ],
)
def test_an_unknown_badge_is_answered_in_the_requests_language(
    client: Client, language: str, message: str
) -> None:
    answer = client.get(f"{API}/badge/nope", HTTP_ACCEPT_LANGUAGE=language)
    assert (answer.status_code, answer.json()["error"]["message"]) == (404, message)


def test_badge_qr_is_a_standalone_svg_document(client):
    import xml.etree.ElementTree as ET

    o = observed_country()
    token = Accreditation.objects.get(observer=o.observer).badge_token
    qr = client.get(f"/observation/badge/{token}/qr.svg")
    root = ET.fromstring(qr.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.find("{http://www.w3.org/2000/svg}path") is not None


def test_a_badge_is_checked_by_its_number_on_the_page_and_the_api(client):
    o = observed_country()
    typed = " " + o.observer.code.lower() + " "
    page = client.get("/observation/badges/", {"number": typed})
    html = page.content.decode()
    assert page.status_code == 200
    assert '<tr data-election="kz-test-presidential" data-valid="1">' in html
    assert "Aigerim" not in html
    api = client.get(f"{API}/badges/{o.observer.code.lower()}")
    assert api.json() == [
        {
            "badge": o.observer.code,
            "organisation": "Wings",
            "election": "kz-test-presidential",
            "status": "accredited",
            "valid": True,
        }
    ]
    unknown = client.get("/observation/badges/", {"number": "zz99"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert unknown.status_code == 404
    assert "Нет аккредитации с номером удостоверения «ZZ99»." in unknown.content.decode()
    assert 'aria-describedby="badge-number-error"' in unknown.content.decode()
    assert 'id="badge-number-error"' in unknown.content.decode()
    missing = client.get(f"{API}/badges/ZZ99")
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "No accreditation has the badge number “ZZ99”."
    assert client.get("/observation/badges/").status_code == 200


@pytest.mark.parametrize(
    ("language", "words", "question", "title"),
    [
        (
            "en",
            "Problem reported in 1 of 1 observation.",
            "Did the layout fail to ensure secrecy of the vote?",
            "Voting — 1 observations (purposive observation)",
        ),
        (
            "ru",
            "Проблема отмечена в 1 из 1 наблюдения.",
            "Не обеспечивала ли планировка тайну голосования?",
            "Голосование — 1 наблюдений (целевое наблюдение)",
        ),
        (
            "kk",
            "Проблема 1 бақылаудың 1 бақылауында белгіленді.",
            "Үй-жайдың орналасуы дауыс беру құпиясын қамтамасыз етпеді ме?",
            "Дауыс беру — 1 бақылау (мақсатты бақылау)",
        ),
    ],
)
def test_findings_are_said_in_words(client, language, words, question, title):
    o = observed_country()
    token = api_token_create(user=o.observer_user)[1]
    _submit(client, token, answers={"A": "yes", "W": "3"})
    html = client.get(
        "/observation/findings/kz-test-presidential/", HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert words in html
    assert "(problem)" not in html and "(negative)" not in html
    # The question, the form's title and the share in the reader's language and format.
    row = html.split('<tr data-name="secrecy_not_ensured"', 1)[1].split("</tr>", 1)[0]
    assert f"<td>{question}</td>" in row
    assert ("<td>100.0\u00a0%</td>" if language == "en" else "<td>100,0\u00a0%</td>") in row
    assert f'<h2 data-phase="voting">{title}</h2>' in html


def test_observation_is_in_the_portal_navigation(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    nav = html.split('<nav aria-label="', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/observation/">Наблюдение</a>' in nav
