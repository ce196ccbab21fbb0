"""A TEC operator proposes a protocol correction on the back office, a CEC operator the
cancellation of a station's results; a second operator of the same commission confirms it
on the decision's page, which applies it through the results service (issue 17)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from psephos.commissions.models import Decision
from psephos.commissions.selectors import commission_members_list
from psephos.commissions.sessions import session_announce, session_open
from psephos.core import clock
from psephos.ledger.actors import text_digest
from psephos.ledger.models import Event
from psephos.results.models import Protocol, ProtocolVersion, ProtocolVote, Tally
from psephos.results.tests.factories import (
    DECISION_DAY,
    DECISION_DOCUMENT,
    decision_country,
    good_lines,
)
from tests.support.sessions import session_opened

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("key_dir")]

STATION = "KZ-01-0101"
URL = f"/staff/office/results/kz-test-presidential/{STATION}/correct/"


@pytest.fixture
def country():  # type: ignore[no-untyped-def]
    return decision_country(regions=1, districts=1)


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _figures(c: Any, move: int = 10, **changes: int) -> dict[str, Any]:
    """The accepted figures with ``move`` votes moved from the first option to the second."""
    lines = good_lines(c.option_keys())
    first, second = c.option_keys()[:2]
    votes = dict(lines.votes, **{first: lines.votes[first] - move})
    votes[second] += move
    return (
        lines.as_dict()
        | {f"vote_{k}": v for k, v in votes.items()}
        | {"ballots_both_marked": ""}
        | changes
    )


def _post(  # type: ignore[no-untyped-def]
    c: Any,
    user: Any = None,
    *,
    figures: dict[str, Any] | None = None,
    url: str = URL,
    **decision: Any,
):
    data = {
        "number": "12",
        "on": DECISION_DAY.isoformat(),
        "session": "",
        "reasons": "Line 9 was mis-added.",
        "present": 7,
        "votes_for": 6,
        "votes_against": 1,
        "abstentions": 0,
        "version": 1,
        "document": SimpleUploadedFile("decision.pdf", DECISION_DOCUMENT),
        **(figures if figures is not None else _figures(c)),
    } | decision
    return _client(user or c.users["KZ-01-01"]).post(url, data)


def _state() -> tuple[Any, ...]:
    return (
        Decision.objects.count(),
        ProtocolVersion.objects.count(),
        Event.objects.count(),
        list(Tally.objects.order_by("pk").values_list("ballots_valid", "ballots_invalid")),
    )


def _problems(page: Any, field: str) -> str:
    """Return the problems shown beside one figure's field (empty when none)."""
    start = page.text.index(f'data-field="{field}"')
    block = page.text[start : page.text.index("</div>", start)]
    return block if "problems" in block else ""


def test_the_page_shows_the_current_figures_beside_the_fields(country) -> None:  # type: ignore[no-untyped-def]
    c = country
    page = _client(c.users["KZ-01-01"]).get(URL)
    assert page.status_code == 200
    lines = good_lines(c.option_keys())
    assert f'data-now="{lines.ballots_valid}"' in page.text
    assert f'data-now="{lines.votes[c.option_keys()[0]]}"' in page.text
    listing = _client(c.users["KZ-01-01"]).get("/staff/office/results/kz-test-presidential/")
    assert f'href="{URL}"' in listing.text


def test_proposed_on_the_page_and_confirmed_by_the_second_operator(country) -> None:  # type: ignore[no-untyped-def]
    c = country
    before = ProtocolVersion.objects.count()
    response = _post(c)
    assert response.status_code == 302, response.content[:2000]
    decision = Decision.objects.get(number="12")
    assert response["Location"] == f"/staff/office/decisions/{decision.pk}/"
    assert (decision.status, decision.session_id) == ("pending", None)
    assert decision.action["kind"] == "protocol.correct"
    assert ProtocolVersion.objects.count() == before  # nothing changes before the confirmation
    page = _client(c.users["KZ-01-01#2"]).get(response["Location"])
    assert page.text.count('data-changed="1"') == 2  # the two options' votes, now and proposed
    confirmed = _client(c.users["KZ-01-01#2"]).post(
        f"{response['Location']}confirm/", {"confirm": "on"}
    )
    assert confirmed.status_code == 302
    protocol = Protocol.objects.select_related("current").get(commission__code=STATION)
    assert (protocol.current.number, protocol.current.source) == (2, "correction")
    first, other = c.option_keys()[:2]
    votes = dict(
        ProtocolVote.objects.filter(version=protocol.current).values_list("option__key", "votes")
    )
    accepted = good_lines(c.option_keys()).votes
    assert (votes[first], votes[other]) == (accepted[first] - 10, accepted[other] + 10)


def test_a_recount(country) -> None:  # type: ignore[no-untyped-def]
    c = country
    assert _post(c, recount="on").status_code == 302
    assert Decision.objects.get(number="12").action["kind"] == "protocol.recount"


def test_a_broken_control_relation_is_shown_beside_its_lines_and_nothing_is_written(
    country,
) -> None:  # type: ignore[no-untyped-def]
    c = country
    before = _state()
    lines = good_lines(c.option_keys())
    response = _post(c, figures=_figures(c, ballots_valid=lines.ballots_valid + 3))
    assert response.status_code == 422
    assert _problems(response, "ballots_valid")
    assert 'id="form-errors"' in response.text  # said at the top too
    assert not _problems(response, "voters_on_list")
    assert "The form was not accepted" not in response.text  # the decision's fields were fine
    assert _state() == before


def test_figures_equal_to_the_current_ones_are_refused(country) -> None:  # type: ignore[no-untyped-def]
    c = country
    before = _state()
    response = _post(c, figures=_figures(c, move=0))
    assert response.status_code == 422
    assert "equal its current version 1" in response.text
    assert _state() == before


def test_a_vote_without_a_majority_is_shown_beside_the_votes(country) -> None:  # type: ignore[no-untyped-def]
    c = country
    before = _state()
    response = _post(c, votes_for=3, votes_against=4)
    assert response.status_code == 422
    start = response.text.index('id="field-correction_votes_for"')
    assert "is not valid" in response.text[start : response.text.index("</div>", start)]
    assert _state() == before


def test_a_missing_document_and_a_bad_figure_are_shown_beside_their_fields(country) -> None:  # type: ignore[no-untyped-def]
    c = country
    before = _state()
    response = _post(c, document="", figures=_figures(c, ballots_invalid=-1))
    assert response.status_code == 422
    assert 'id="field-correction_document"' in response.text
    start = response.text.index('id="field-correction_document"')
    assert "errorlist" in response.text[start : response.text.index("</div>", start)]
    assert "cannot be negative" in _problems(response, "ballots_invalid")
    assert _state() == before


def test_a_protocol_changed_meanwhile_is_a_conflict(country) -> None:  # type: ignore[no-untyped-def]
    c = country
    before = _state()
    response = _post(c, version=2)
    assert response.status_code == 409
    assert "now at version 1, not 2" in response.text
    assert _state() == before


def test_a_decision_number_taken_is_shown_beside_the_number(country) -> None:  # type: ignore[no-untyped-def]
    c = country
    assert _post(c).status_code == 302
    before = _state()
    response = _post(c, figures=_figures(c, move=20))
    assert response.status_code == 409
    start = response.text.index('id="field-correction_number"')
    assert (
        "already has a decision No. 12"
        in response.text[start : response.text.index("</div>", start)]
    )
    assert _state() == before


@pytest.mark.parametrize("who", ["KZ-01", "CEC", "KZ-01-0101"])
def test_other_operators_are_refused(country, who) -> None:  # type: ignore[no-untyped-def]
    c = country
    before = _state()
    assert _client(c.users[who]).get(URL).status_code == 403
    assert _post(c, c.users[who]).status_code == 403
    assert _state() == before


def test_the_page_in_kazakh_and_russian(country) -> None:  # type: ignore[no-untyped-def]
    c = country
    client = _client(c.users["KZ-01-01"])
    for lang, words in (("kk", "Түзетілген сандар"), ("ru", "Исправленные данные")):
        page = client.get(URL, HTTP_ACCEPT_LANGUAGE=lang)
        assert words in page.text, lang


def test_adopted_at_an_open_session_of_the_commission(country, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    c = country
    tec = c.tecs[0]
    at = {"now": dt.datetime(2022, 11, 19, 9, 0, tzinfo=dt.UTC)}
    monkeypatch.setattr(clock, "now", lambda: at["now"])
    session = session_announce(
        user=c.users["KZ-01-01"], commission=tec, number="3", agenda="1. KZ-01-0101.",
        starts_at=dt.datetime(2022, 11, 21, 4, 0, tzinfo=dt.UTC), notice_hours=24,
    )  # fmt: skip
    at["now"] = dt.datetime(2022, 11, 21, 5, 0, tzinfo=dt.UTC)
    members = commission_members_list(commission=tec, on=DECISION_DAY)
    session_open(user=c.users["KZ-01-01"], session=session, present=[m.pk for m in members])
    assert '<option value="3">' in _client(c.users["KZ-01-01"]).get(URL).text
    assert _post(c, session="3").status_code == 302
    assert Decision.objects.get(number="12").session_id == session.pk


RESULTS = "/staff/office/results/kz-test-presidential/"
CANCEL = f"{RESULTS}{STATION}/cancel/"
REASONS = "Ballots found stuffed in the box; court ruling No. 4 of 2022-11-22."


def _cancel(c: Any, user: Any = None, **decision: Any):  # type: ignore[no-untyped-def]
    """Post the CEC's cancellation of STATION's results (decision 51/700)."""
    fields = {"number": "51/700", "reasons": REASONS} | decision
    return _post(c, user or c.users["CEC"], figures={}, url=CANCEL, **fields)


def _cancel_state() -> tuple[Any, ...]:
    return (
        *_state(),
        list(Protocol.objects.order_by("pk").values_list("status", flat=True)),
        list(Tally.objects.order_by("pk").values_list("cancelled", flat=True)),
    )


def test_a_cancellation_proposed_by_one_cec_operator_and_confirmed_by_another(country) -> None:  # type: ignore[no-untyped-def]
    c = country
    cec = _client(c.users["CEC"])
    assert f'href="{RESULTS}cancel/"' in cec.get("/staff/office/").text
    chosen = cec.get(f"{RESULTS}cancel/", {"station": STATION})
    assert chosen.status_code == 302
    assert chosen["Location"] == CANCEL
    page = cec.get(CANCEL)
    assert page.status_code == 200
    lines = good_lines(c.option_keys())
    assert '<tr data-field="ballots_valid"><th scope="row">' in page.text
    assert f"<td>{lines.ballots_valid}</td>" in page.text
    before = _cancel_state()
    response = _cancel(c)
    assert response.status_code == 302, response.content[:2000]
    decision = Decision.objects.get(number="51/700")
    assert response["Location"] == f"/staff/office/decisions/{decision.pk}/"
    assert (decision.status, decision.session_id, decision.reasons) == ("pending", None, REASONS)
    assert decision.action["kind"] == "protocol.cancel"
    # The reasons stay beside the ledger, which holds their SHA-256 only.
    proposed = Event.objects.get(action="decision.propose")
    assert REASONS not in str(proposed.payload)
    assert text_digest(REASONS) in proposed.payload.values()
    assert _cancel_state()[1:2] == before[1:2]
    assert Protocol.objects.get(commission__code=STATION).status == "accepted"
    own = cec.post(f"{response['Location']}confirm/", {"confirm": "on"})
    assert own.status_code == 403  # the proposer is not the second pair of eyes
    confirmed = _client(c.users["CEC#2"]).post(f"{response['Location']}confirm/", {"confirm": "on"})
    assert confirmed.status_code == 302
    assert Decision.objects.get(pk=decision.pk).status == "confirmed"
    assert Protocol.objects.get(commission__code=STATION).status == "cancelled"
    assert Event.objects.filter(action="protocol.cancel").count() == 1


def test_cancellation_refusals_stay_on_the_page_and_write_nothing(country) -> None:  # type: ignore[no-untyped-def]
    c = country
    cec = _client(c.users["CEC"])
    before = _cancel_state()
    unknown = cec.get(f"{RESULTS}cancel/", {"station": "KZ-99-9999"})
    assert unknown.status_code == 404
    field = unknown.text.split('id="field-choose_station"')[1].split("</div>")[0]
    assert "KZ-99-9999" in field
    no_quorum = _cancel(c, present=3, votes_for=3, votes_against=0)
    assert no_quorum.status_code == 422
    assert 'aria-invalid="true"' in no_quorum.text.split('id="field-cancellation_present"')[1][:600]
    no_reasons = _cancel(c, reasons="")
    assert no_reasons.status_code == 422
    stale = _cancel(c, version=2)
    assert stale.status_code == 409
    assert _cancel_state() == before
    tec = _client(c.users["KZ-01-01"])
    assert tec.get(CANCEL).status_code == 403
    assert _cancel(c, user=c.users["KZ-01-01"]).status_code == 403
    assert _cancel_state() == before
    # Taken: the same number again once one is proposed.
    assert _cancel(c).status_code == 302
    taken = _cancel(c)
    assert taken.status_code == 409
    assert "51/700" in taken.text.split('id="field-cancellation_number"')[1].split("</div>")[0]


def test_a_cancellation_adopted_at_an_open_session_of_the_cec(country, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    c = country
    session = session_opened(
        user=c.users["CEC"], commission=c.cec, number="40",
        starts_at=dt.datetime(2022, 11, 21, 4, 0, tzinfo=dt.UTC),
        set_now=lambda t: monkeypatch.setattr(clock, "now", lambda: t),
    )  # fmt: skip
    assert '<option value="40">' in _client(c.users["CEC"]).get(CANCEL).text
    assert _cancel(c, session="40").status_code == 302
    assert Decision.objects.get(number="51/700").session_id == session.pk


def test_the_cancellation_pages_in_kazakh_and_russian(country) -> None:  # type: ignore[no-untyped-def]
    client = _client(country.users["CEC"])
    for lang, words in (
        ("kk", ("KZ-01-0101 учаскесінің қорытындыларын жою", "Күшіндегі деректер", "Жоюды ұсыну")),
        ("ru", ("Отмена итогов участка KZ-01-0101", "Действующие данные", "Предложить отмену")),
    ):
        page = client.get(CANCEL, HTTP_ACCEPT_LANGUAGE=lang).text
        assert all(w in page for w in words), lang
        chooser = client.get(f"{RESULTS}cancel/", HTTP_ACCEPT_LANGUAGE=lang).text
        assert ("Учаскені ашу" if lang == "kk" else "Открыть участок") in chooser
