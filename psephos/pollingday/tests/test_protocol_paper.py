"""The paper protocol: its QR code's text, the PDF, and the TEC entering it from the code."""

from __future__ import annotations

import html
import io
import json
from pathlib import Path
from typing import Any

import pytest
import segno
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.test import Client
from PIL import Image

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.elections.models import Election
from psephos.ledger.models import Event
from psephos.ledger.rules.signing import public_key_base64, sign
from psephos.pollingday.rules.protocol_qr import (
    ProtocolFigures,
    QrRefused,
    figures_digest,
    qr_read,
    qr_text,
    signature_message,
)
from psephos.pollingday.selectors_protocol import protocol_qr_text
from psephos.results.models import KeyedEntry, Protocol
from psephos.results.rules.lines import LINE_NAMES
from tests.support.country import Country

from .paper import KEY, LINES, PAPER, PRINTED, STATION, VOTES, count_complete, pdf_gray_image

DAY = f"/api/v1/elections/{KEY}/stations/{STATION}"


# --- the code's text (no database) ---------------------------------------------------

SIGNER = Ed25519PrivateKey.generate()
PUBLIC = public_key_base64(SIGNER)
FORGER = Ed25519PrivateKey.generate()


def _signed(f: ProtocolFigures, key: Ed25519PrivateKey = SIGNER) -> str:
    return qr_text(f, sign(key, signature_message(figures_digest(f))))


def _read(text: str) -> ProtocolFigures:
    return qr_read(text, election=KEY, station=STATION, line_names=LINE_NAMES, public_key=PUBLIC)


def test_the_text_round_trips_its_digest_is_of_the_figures_and_it_is_signed() -> None:
    text = _signed(PAPER)

    assert _read(text) == PAPER
    data = json.loads(text)
    assert data["sha256"] == figures_digest(PAPER)
    body = {k: v for k, v in data.items() if k not in ("sha256", "sig")}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    import hashlib

    assert data["sha256"] == hashlib.sha256(canonical.encode()).hexdigest()
    public = SIGNER.public_key()
    message = f'{{"context":"psephos-protocol-qr/v1","sha256":"{data["sha256"]}"}}'.encode()
    public.verify(__import__("base64").b64decode(data["sig"]), message)  # raises if not
    # Small enough for a code a phone reads off A4 at 60 mm (version ≤ 20, level M).
    assert segno.make(text, error="m", micro=False).version <= 20


def test_a_line_psephos_does_not_know_is_null_in_the_code_and_read_as_pending() -> None:
    text = _signed(PRINTED)

    data = json.loads(text)
    assert data["l"]["voted_with_certificate"] is None
    assert [k for k, n in data["l"].items() if n is None] == ["voted_with_certificate"]
    read = _read(text)
    assert read == PRINTED and read.pending == ("voted_with_certificate",)
    assert read.lines["voted_with_certificate"] == 0
    # The null is in the digest: the code is not the same as one that says 0.
    assert figures_digest(PRINTED) != figures_digest(PAPER)
    with pytest.raises(QrRefused) as caught:
        _read(json.dumps({**data, "l": LINES}))  # the null replaced by 0, digest kept
    assert caught.value.reason == "digest"
    # A code printed before null lines existed (0 where the paper said "to be entered")
    # reads as it always did: every line a count, none pending.
    old = _read(_signed(PAPER))
    assert old == PAPER and old.pending == ()
    with pytest.raises(QrRefused) as caught:
        _read(_signed(PRINTED).replace('"ballots_valid":670', '"ballots_valid":null'))
    assert caught.value.reason == "digest"  # a null only where the signed figures have it


def _changed(**change: Any) -> str:
    data = json.loads(_signed(PAPER))
    data.update(change)
    return json.dumps({k: v for k, v in data.items() if v is not None})


# The figures changed and their digest recomputed: only the signature tells.
_FORGED = ProtocolFigures(KEY, STATION, {**LINES, "ballots_valid": 671}, VOTES)


@pytest.mark.parametrize(
    ("text", "reason", "numbers"),
    [
        ("hello", "not_protocol", {}),
        ('{"f": "other/1"}', "not_protocol", {}),
        ("x" * 5000, "not_protocol", {}),
        (_changed(s=5), "malformed", {"field": "s"}),
        (_changed(l={**LINES, "ballots_valid": -1}), "malformed", {"field": "l.ballots_valid"}),
        (_changed(v={"tokayev": "600"}), "malformed", {"field": "v.tokayev"}),
        (
            _changed(l={"voters_on_list": 1000}),
            "lines",
            {"found": ["voters_on_list"], "expected": list(LINE_NAMES)},
        ),
        (
            _changed(l={**LINES, "ballots_valid": 671}),
            "digest",
            {
                "found": figures_digest(PAPER),
                "computed": figures_digest(
                    ProtocolFigures(KEY, STATION, {**LINES, "ballots_valid": 671}, VOTES)
                ),
            },
        ),
        (_changed(sig=None), "unsigned", {}),
        (_changed(sig=""), "unsigned", {}),
        (_signed(_FORGED, FORGER), "signature", {"sha256": figures_digest(_FORGED)}),
        (
            _changed(sha256=figures_digest(_FORGED), l=_FORGED.lines),
            "signature",
            {"sha256": figures_digest(_FORGED)},
        ),
        (_changed(sig="not base64!"), "signature", {"sha256": figures_digest(PAPER)}),
        (
            _signed(ProtocolFigures("kz-2022-presidential", STATION, LINES, VOTES)),
            "election",
            {"found": "kz-2022-presidential", "expected": KEY},
        ),
        (
            _signed(ProtocolFigures(KEY, "KZ-01-0102", LINES, VOTES)),
            "station",
            {"found": "KZ-01-0102", "expected": STATION},
        ),
    ],
)
def test_every_refusal_names_its_reason(text: str, reason: str, numbers: dict[str, Any]) -> None:
    with pytest.raises(QrRefused) as caught:
        _read(text)

    assert (caught.value.reason, caught.value.numbers) == (reason, numbers)


# --- the PDF and the entry (database) ------------------------------------------------


def _matrix(img: Image.Image, *, scale: int = 4, border: int = 4) -> list[list[bool]]:
    size = img.width // scale - 2 * border
    return [
        [img.getpixel(((border + x) * scale, (border + y) * scale)) == 0 for x in range(size)]
        for y in range(size)
    ]


@pytest.fixture
def counted(client: Client, country: Country, monkeypatch: pytest.MonkeyPatch) -> Client:
    """The PEC of KZ-01-0101 has opened (1,200 ballots) and completed its count."""
    return count_complete(country, monkeypatch)


def tec_operators(country: Country) -> tuple[Client, Client]:
    tec = country.tecs[0]
    second = User.objects.create(username="tec-second", role=Role.TEC_OPERATOR, commission=tec)
    first, other = Client(), Client()
    first.force_login(country.users[tec.code])
    other.force_login(second)
    return first, other


@pytest.mark.django_db
def test_the_pdf_holds_the_qr_code_of_the_figures_in_the_commissions_language(
    counted: Client, country: Country, tmp_path: Path
) -> None:
    response = counted.get(f"/pollingday/{KEY}/stations/{STATION}/protocol.pdf?paper=ru")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    expected = segno.make(protocol_qr_text(PRINTED), error="m", micro=False).matrix
    assert _matrix(pdf_gray_image(pdf)) == [[bool(m) for m in row] for row in expected]
    assert figures_digest(PRINTED).encode() not in pdf  # text is in subset-font glyph ids
    title = "Протокол участковой избирательной комиссии об итогах голосования"
    assert b"/Title <feff" + title.encode("utf-16-be").hex().encode() + b">" in pdf

    out = tmp_path / "protocol.pdf"
    stdout = io.StringIO()
    call_command(
        "pollingday",
        "protocol",
        election=KEY,
        station=STATION,
        language="ru",
        out=out,
        stdout=stdout,
    )
    assert out.read_bytes() == pdf  # the same figures in the same language: the same bytes
    assert stdout.getvalue() == (
        f"{out}: the protocol of station {STATION}, {len(pdf)} bytes; "
        f"figures SHA-256 {figures_digest(PRINTED)}.\n"
    )


@pytest.mark.django_db
def test_no_protocol_before_the_count_is_complete(country: Country, tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        call_command(
            "pollingday", "protocol", election=KEY, station=STATION, out=tmp_path / "p.pdf"
        )

    assert str(caught.value) == (
        "protocol_not_ready: Station KZ-01-0101 has no protocol to print yet: its count is at "
        "the step “announce the voters on the list”."
    )
    assert not (tmp_path / "p.pdf").exists()


@pytest.mark.django_db
def test_only_the_pec_and_the_tec_above_print_it(counted: Client, country: Country) -> None:
    url = f"/pollingday/{KEY}/stations/{STATION}/protocol.pdf"
    other_pec = Client()
    other_pec.force_login(country.users["KZ-01-0102"])
    tec, _second = tec_operators(country)

    assert Client().get(url).status_code == 302  # to the login page
    assert other_pec.get(url).status_code == 403
    assert tec.get(url).status_code == 200


@pytest.mark.django_db
def test_two_tec_operators_enter_the_protocol_from_its_code(
    counted: Client, country: Country
) -> None:
    first, second = tec_operators(country)
    url = f"{DAY}/protocol/qr"
    text = protocol_qr_text(PAPER)

    one = first.post(url, {"text": text}, content_type="application/json")
    two = second.post(url, {"text": text}, content_type="application/json")

    assert one.status_code == 201
    assert one.json() == {
        "state": "awaiting_second",
        "station": STATION,
        "entries": 1,
        "differences": [],
        "version": None,
    }
    assert two.json() == {
        "state": "submitted",
        "station": STATION,
        "entries": 2,
        "differences": [],
        "version": 1,
    }
    protocol = Protocol.objects.get(election__key=KEY, commission__code=STATION)
    assert protocol.current is not None
    assert protocol.current.lines_dict() == LINES
    station_page = Client().get(f"/results/{KEY}/stations/{STATION}/")
    assert station_page.status_code == 200


def _broken_digest() -> str:
    data = json.loads(protocol_qr_text(PAPER))
    return json.dumps({**data, "l": _FORGED.lines})


def _forged() -> str:
    return _signed(_FORGED, FORGER)  # a well-formed code with its digest, not psephos's key


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "reason", "message"),
    [
        (
            _broken_digest,
            "digest",
            "The figures in the code do not give its SHA-256: the code is damaged or was changed.",
        ),
        (
            _forged,
            "signature",
            "The code's signature is not psephos's for these figures: psephos did not print "
            "this code.",
        ),
        (
            lambda: protocol_qr_text(ProtocolFigures(KEY, "KZ-01-0102", LINES, VOTES)),
            "station",
            "The code is the protocol of station KZ-01-0102, not KZ-01-0101.",
        ),
        (lambda: "not a code", "not_protocol", "The code is not a psephos protocol's QR code."),
    ],
)
def test_a_code_of_another_station_unsigned_or_with_a_broken_digest_is_refused(
    country: Country, make: Any, reason: str, message: str
) -> None:
    text = make()
    first, _second = tec_operators(country)
    before = (KeyedEntry.objects.count(), Event.objects.count())

    response = first.post(f"{DAY}/protocol/qr", {"text": text}, content_type="application/json")

    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["message"], error["data"]["reason"]) == (
        "protocol_qr_refused",
        message,
        reason,
    )
    assert (KeyedEntry.objects.count(), Event.objects.count()) == before
    page = first.post(f"/pollingday/{KEY}/stations/{STATION}/protocol/scan/", {"qr": text})
    assert page.status_code == 422
    assert html.escape(message) in page.content.decode()
    assert (KeyedEntry.objects.count(), Event.objects.count()) == before


@pytest.mark.django_db
def test_the_pec_cannot_enter_its_own_code(counted: Client) -> None:
    before = KeyedEntry.objects.count()

    response = counted.post(
        f"{DAY}/protocol/qr", {"text": protocol_qr_text(PAPER)}, content_type="application/json"
    )

    assert response.status_code == 403
    assert KeyedEntry.objects.count() == before


@pytest.mark.django_db
def test_the_protocol_is_printed_in_the_commissions_language_unless_asked(
    counted: Client, country: Country, tmp_path: Path
) -> None:
    from psephos.commissions.models import Commission

    url = f"/pollingday/{KEY}/stations/{STATION}/protocol.pdf"
    kazakh = counted.get(url, HTTP_ACCEPT_LANGUAGE="en").content
    Commission.objects.filter(code=STATION).update(language="ru")
    russian = counted.get(url, HTTP_ACCEPT_LANGUAGE="en")
    out = tmp_path / "default.pdf"
    call_command(
        "pollingday", "protocol", election=KEY, station=STATION, out=out, stdout=io.StringIO()
    )

    assert russian["Content-Disposition"].endswith('-protocol-ru.pdf"')
    assert russian.content == counted.get(f"{url}?paper=ru").content != kazakh
    assert out.read_bytes() == russian.content
    call_command(
        "pollingday",
        "protocol",
        election=KEY,
        station=STATION,
        language="kk",
        out=out,
        stdout=io.StringIO(),
    )
    assert out.read_bytes() == kazakh  # the flag overrides the commission's language


@pytest.mark.django_db
def test_lines_psephos_does_not_know_are_printed_as_to_be_entered(
    counted: Client, country: Country
) -> None:
    from psephos.pollingday.selectors_protocol import protocol_figures
    from psephos.territory.models import PollingStation

    station = PollingStation.objects.get(code=STATION)
    figures = protocol_figures(election=Election.objects.get(key=KEY), station=station)

    # No list kept in psephos: who voted with a certificate is the commission's to write.
    assert figures.pending == ("voted_with_certificate",)
    assert figures == PRINTED and figures_digest(figures) == figures_digest(PRINTED)
    printed = counted.get(f"/pollingday/{KEY}/stations/{STATION}/protocol.pdf").content
    code = protocol_qr_text(PRINTED)  # the line is null in the code, not 0
    assert json.loads(code)["l"]["voted_with_certificate"] is None
    assert _matrix(pdf_gray_image(printed)) == [
        [bool(m) for m in row] for row in segno.make(code, error="m", micro=False).matrix
    ]


@pytest.mark.django_db
def test_the_tec_keys_the_null_lines_of_a_code_from_the_paper(
    counted: Client, country: Country
) -> None:
    first, second = tec_operators(country)
    url = f"{DAY}/protocol/qr"
    text = protocol_qr_text(PRINTED)
    before = (KeyedEntry.objects.count(), Event.objects.count())

    # Scanned alone, the code does not enter 0 for the line the commission wrote by hand.
    for pending in ({}, {"ballots_invalid": 20}):
        refused = first.post(
            url, {"text": text, "pending": pending}, content_type="application/json"
        )
        assert refused.status_code == 422
        error = refused.json()["error"]
        assert (error["code"], error["data"]["pending"], error["data"]["lines"]) == (
            "protocol_qr_pending",
            ["voted_with_certificate"],
            "5",
        )
        assert error["message"] == (
            "The code leaves line(s) 5 to the commission: key them as written on the paper "
            "protocol."
        )
    negative = first.post(
        url,
        {"text": text, "pending": {"voted_with_certificate": -1}},
        content_type="application/json",
    )
    assert negative.status_code == 422
    assert (KeyedEntry.objects.count(), Event.objects.count()) == before

    # The page asks for the line, keeps the code, and enters it once the line is keyed.
    scan = f"/pollingday/{KEY}/stations/{STATION}/protocol/scan/"
    page = first.post(scan, {"qr": text})
    assert page.status_code == 422
    content = page.content.decode()
    assert 'name="pending-voted_with_certificate"' in content
    assert html.escape(text) in content
    assert (KeyedEntry.objects.count(), Event.objects.count()) == before
    again = first.post(scan, {"qr": text, "pending-voted_with_certificate": "x"})
    assert again.status_code == 422 and KeyedEntry.objects.count() == before[0]
    entered = first.post(scan, {"qr": text, "pending-voted_with_certificate": "3"})
    assert entered.status_code == 302
    two = second.post(
        url,
        {"text": text, "pending": {"voted_with_certificate": 3, "ballots_invalid": 99}},
        content_type="application/json",
    )
    assert two.status_code == 201 and two.json()["state"] == "submitted"
    protocol = Protocol.objects.get(election__key=KEY, commission__code=STATION)
    assert protocol.current is not None
    assert protocol.current.lines_dict() == {**LINES, "voted_with_certificate": 3}
