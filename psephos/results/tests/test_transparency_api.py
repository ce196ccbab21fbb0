"""Corrections and cancellations through the API and commands; the feed and station history."""

from __future__ import annotations

import base64
import dataclasses
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from psephos.accounts.services.tokens import api_token_create
from psephos.commissions.models import Decision
from psephos.ledger.models import Event
from psephos.results.models import Protocol, ProtocolVersion, Tally, TallyVote

from .factories import DECISION_DOCUMENT, decision_country, good_lines, small_country

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("key_dir")]

KEY = "kz-test-presidential"
STATION = "KZ-01-0101"
BASE = f"/api/v1/elections/{KEY}"


@pytest.fixture
def country():
    return decision_country(districts=1)


def bearer(c, code):
    _t, raw = api_token_create(user=c.users[code], label="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def new_lines(c, **changes):
    lines = good_lines(c.option_keys())
    votes = dict(lines.votes)
    votes["tokayev"] += 10
    lines = dataclasses.replace(
        lines,
        ballots_valid=lines.ballots_valid + 10,
        ballots_found=lines.ballots_found + 10,
        ballots_issued=lines.ballots_issued + 10,
        ballots_received=lines.ballots_received + 10,
        votes=votes,
    )
    data = lines.as_dict() | {"votes": dict(lines.votes)}
    return data | changes


def decision_body(number="5", **changes):
    return {
        "number": number,
        "date": "2022-11-21",
        "reasons": "Line 9 was mis-added; recounted in the presence of observers.",
        "votes_for": 7,
        "votes_against": 0,
        "present": 7,
        "document": base64.b64encode(DECISION_DOCUMENT).decode(),
    } | changes


def post(url, data, headers):
    return Client().post(url, json.dumps(data), content_type="application/json", **headers)


def decided(c, url, data, who, headers=None):
    """Propose as ``who``; once proposed (202), confirm as the commission's second operator."""
    proposed = post(url, data, headers or bearer(c, who))
    if proposed.status_code != 202:
        return proposed
    return post(proposed.json()["confirm"], {}, bearer(c, f"{who}#2"))


def state():
    return (
        list(ProtocolVersion.objects.order_by("pk").values_list("pk", "number")),
        list(Protocol.objects.order_by("pk").values_list("status", "current_id")),
        list(Tally.objects.order_by("pk").values_list("ballots_valid", "accepted", "cancelled")),
        list(TallyVote.objects.order_by("pk").values_list("votes", flat=True)),
        Decision.objects.count(),
        Event.objects.count(),
    )


def test_correction_creates_version_2_with_its_decision(country):
    resp = decided(
        country,
        f"{BASE}/protocols/{STATION}/corrections",
        {"decision": decision_body(), "lines": new_lines(country), "expected_version": 1},
        "KZ-01-01",
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert body["current_version"] == 2
    assert [v["number"] for v in body["versions"]] == [1, 2]
    v2 = body["versions"][1]
    assert v2["source"] == "correction"
    assert v2["decision"]["number"] == "5"
    assert v2["decision"]["commission"] == "KZ-01-01"
    assert v2["decision"]["votes_for"] == 7
    assert v2["votes"]["tokayev"] == 210
    assert len(v2["digest"]) == 64
    assert body["events"][-1]["action"] == "protocol.correct"
    tally = Tally.objects.get(election=country.election, commission=country.cec)
    assert tally.ballots_valid == 4 * 600 + 10


@pytest.mark.parametrize(
    ("who", "changes", "status", "code"),
    [
        ("KZ-02-01", {}, 403, "permission_denied"),
        ("KZ-01-0101", {}, 403, "permission_denied"),
        ("KZ-01-01", {"expected_version": 3}, 409, "protocol_not_accepted"),
        (
            "KZ-01-01",
            {"decision": decision_body(votes_for=1, votes_against=4)},
            422,
            "decision_invalid",
        ),
        ("KZ-01-01", {"lines": {"votes": {}}}, 422, "invalid_input"),
    ],
)
def test_correction_refused_writes_nothing(country, who, changes, status, code):
    headers = bearer(country, who)
    before = state()
    body = {"decision": decision_body(), "lines": new_lines(country)} | changes
    resp = decided(country, f"{BASE}/protocols/{STATION}/corrections", body, who, headers)
    assert resp.status_code == status, resp.content
    assert resp.json()["error"]["code"] == code
    assert state() == before


def test_correction_breaking_relations_is_refused_with_breaches(country):
    headers = bearer(country, "KZ-01-01")
    before = state()
    bad = new_lines(country, ballots_valid=1)
    resp = decided(
        country,
        f"{BASE}/protocols/{STATION}/corrections",
        {"decision": decision_body(), "lines": bad},
        "KZ-01-01",
        headers,
    )
    assert resp.status_code == 422
    assert resp.json()["error"]["code"] == "protocol_breaks_relations"
    assert resp.json()["error"]["data"]["breaches"]
    assert state() == before


def _moved(c, lines, n):
    """Return ``lines`` with ``n`` votes moved from the first option to the second."""
    first, second = c.option_keys()[:2]
    votes = dict(lines["votes"], **{first: lines["votes"][first] - n})
    return lines | {"votes": dict(votes, **{second: votes[second] + n})}


@pytest.mark.parametrize(
    ("number", "moved", "status", "code"),
    [
        ("5", 5, 409, "decision_number_taken"),  # the number of the decision in force
        ("13", 0, 422, "correction_changes_nothing"),  # refused when proposed, not confirmed
    ],
)
def test_a_second_correction_refused_when_proposed(country, number, moved, status, code):
    url = f"{BASE}/protocols/{STATION}/corrections"
    first = decided(
        country, url, {"decision": decision_body(), "lines": new_lines(country)}, "KZ-01-01"
    )
    assert first.status_code == 201
    headers = bearer(country, "KZ-01-01")
    before = state()
    lines = _moved(country, new_lines(country), moved)
    again = post(url, {"decision": decision_body(number), "lines": lines}, headers)
    assert again.status_code == status
    assert again.json()["error"]["code"] == code
    assert state() == before


def test_cancel_by_cec(country):
    resp = decided(
        country, f"{BASE}/stations/{STATION}/cancel", {"decision": decision_body("77")}, "CEC"
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["status"] == "cancelled"
    assert body["cancel_decision"]["commission"] == "CEC"
    assert body["cancel_decision"]["number"] == "77"
    tally = Tally.objects.get(election=country.election, commission=country.cec)
    assert (tally.ballots_valid, tally.accepted, tally.cancelled) == (3 * 600, 3, 1)


def test_cancel_by_tec_refused(country):
    headers = bearer(country, "KZ-01-01")
    before = state()
    resp = decided(
        country,
        f"{BASE}/stations/{STATION}/cancel",
        {"decision": decision_body()},
        "KZ-01-01",
        headers,
    )
    assert resp.status_code == 403
    assert state() == before


def test_cancel_at_a_session_the_cec_does_not_have_404(country):
    headers = bearer(country, "CEC")
    before = state()
    resp = decided(
        country,
        f"{BASE}/stations/{STATION}/cancel",
        {"decision": decision_body("78", session="99")},
        "CEC",
        headers,
    )
    assert resp.status_code == 404
    assert resp.json()["error"]["message"] == "Commission CEC has no session No. 99."
    assert state() == before


def test_cancel_unknown_station_404(country):
    resp = decided(
        country, f"{BASE}/stations/KZ-09-0101/cancel", {"decision": decision_body()}, "CEC"
    )
    assert resp.status_code == 404
    assert resp.json()["error"]["code"] == "protocol_not_found"


def test_feed_in_acceptance_order_and_since(country):
    resp = Client().get(f"{BASE}/feed")
    assert resp.status_code == 200
    items = resp.json()["items"]
    assert [i["station"] for i in items] == [p.code for p in country.pecs]
    assert all(i["versions"][0]["source"] == "pec" for i in items)
    seqs = [i["seq"] for i in items]
    assert seqs == sorted(seqs)
    later = Client().get(f"{BASE}/feed", {"since": str(seqs[1])}).json()
    assert [i["station"] for i in later["items"]] == [p.code for p in country.pecs[2:]]
    assert later["next_since"] == seqs[-1]
    at = items[1]["accepted_at"]
    by_time = Client().get(f"{BASE}/feed", {"since": at}).json()
    assert [i["station"] for i in by_time["items"]] == [
        i["station"] for i in items if i["accepted_at"] > at
    ]


def test_feed_bad_since_is_422(country):
    resp = Client().get(f"{BASE}/feed", {"since": "yesterday"})
    assert resp.status_code == 422
    assert "since" in resp.json()["error"]["message"]


def test_history_of_unsubmitted_station_and_unknown():
    small_country(districts=1)
    resp = Client().get(f"{BASE}/stations/KZ-02-0102/history")
    assert resp.status_code == 200
    assert resp.json()["status"] == "draft"
    assert resp.json()["versions"] == []
    assert Client().get(f"{BASE}/stations/NOPE-1/history").status_code == 404


def document_file():
    """Return the path of a signed decision document (kept under the test's key dir)."""
    import tempfile

    f = tempfile.NamedTemporaryFile(suffix=".pdf", delete=False)
    f.write(DECISION_DOCUMENT)
    f.close()
    return f.name


def confirm(decision, who):
    """Confirm the decision with ``psephos confirm_decision`` as ``who``; return the output."""
    out = StringIO()
    commission, number = decision
    call_command("confirm_decision", KEY, commission, number, "--user", who, stdout=out)
    return out.getvalue()


def decision_command(name, user, number, date, reasons, votes_for, *extra, **kwargs):
    """Run ``correct`` or ``cancel_results`` on STATION: a decision of seven present members."""
    call_command(
        name,
        KEY,
        STATION,
        "--user",
        user,
        "--number",
        number,
        "--date",
        date,
        "--reasons",
        reasons,
        "--votes-for",
        votes_for,
        "--present",
        "7",
        "--document",
        document_file(),
        *extra,
        **kwargs,
    )


def lines_file(tmp_path, data):
    path = tmp_path / "lines.json"
    path.write_text(json.dumps(data))
    return str(path)


def correct_command(tmp_path, votes_for, lines, *extra, **kwargs):
    """Run ``correct`` for the TEC's decision No. 9 with ``lines`` as the new figures."""
    decision_command(
        "correct",
        "tec-KZ-01-01",
        "9",
        "2022-11-21",
        "Recount.",
        votes_for,
        "--lines",
        lines_file(tmp_path, lines),
        *extra,
        **kwargs,
    )


def test_correct_command(country, tmp_path):
    out = StringIO()
    correct_command(tmp_path, "6", new_lines(country), "--recount", stdout=out)
    assert out.getvalue().startswith("Decision No. 9 of KZ-01-01 is proposed")
    out = confirm(("KZ-01-01", "9"), "second-KZ-01-01")
    assert out == f"{KEY} {STATION}: version 2 by decision No. 9.\n"
    v = Protocol.objects.get(commission__code=STATION).current
    assert (v.number, v.source, v.decision.number) == (2, "recount", "9")


def test_correct_command_refusal_writes_nothing(country, tmp_path):
    before = state()
    with pytest.raises(CommandError, match="decision_invalid"):
        correct_command(tmp_path, "0", new_lines(country))
    with pytest.raises(CommandError, match="lacks"):
        correct_command(tmp_path, "5", {"votes": {}})
    assert state() == before


def test_cancel_results_command(country):
    out = StringIO()
    decision_command(
        "cancel_results",
        "cec",
        "3",
        "2022-11-22",
        "Ballot stuffing established.",
        "7",
        stdout=out,
    )
    out = confirm(("CEC", "3"), "second-CEC")
    assert out == f"{KEY} {STATION}: cancelled by decision No. 3.\n"
    assert Protocol.objects.get(commission__code=STATION).status == "cancelled"
    with pytest.raises(CommandError, match="protocol_not_accepted"):
        decision_command(
            "cancel_results",
            "cec",
            "4",
            "2022-11-22",
            "Again.",
            "7",
        )
    assert Decision.objects.filter(number="4").count() == 0


def test_feed_reports_later_corrections_and_cancellations(country):
    first = Client().get(f"{BASE}/feed").json()
    assert first["changes"] == []
    mark = first["next_since"]
    ok = decided(
        country,
        f"{BASE}/protocols/{STATION}/corrections",
        {"decision": decision_body(), "lines": new_lines(country)},
        "KZ-01-01",
    )
    assert ok.status_code == 201
    cancel = decided(
        country, f"{BASE}/stations/KZ-02-0102/cancel", {"decision": decision_body("8")}, "CEC"
    )
    assert cancel.status_code == 200
    later = Client().get(f"{BASE}/feed", {"since": str(mark)}).json()
    assert later["items"] == []
    assert [(c["action"], c["station"], c["status"]) for c in later["changes"]] == [
        ("protocol.correct", STATION, "accepted"),
        ("protocol.cancel", "KZ-02-0102", "cancelled"),
    ]
    corrected = later["changes"][0]
    assert [v["number"] for v in corrected["versions"]] == [1, 2]
    assert corrected["accepted_at"] == first["items"][0]["accepted_at"]
    assert later["changes"][1]["cancel_decision"]["number"] == "8"
    assert later["next_since"] > mark
    assert Client().get(f"{BASE}/feed", {"since": str(later["next_since"])}).json()["changes"] == []


def test_feed_query_count_does_not_grow_with_items(country):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from psephos.results.selectors import transparency

    seqs = [i["seq"] for i in Client().get(f"{BASE}/feed").json()["items"]]
    counts = []
    for since in (None, seqs[-2]):
        with CaptureQueriesContext(connection) as ctx:
            out = transparency.feed(election=country.election, since=transparency.Since(seq=since))
        counts.append((len(out["items"]), len(ctx.captured_queries)))
    assert [n for n, _q in counts] == [4, 1]
    assert counts[0][1] == counts[1][1]
