"""Nobody can block certification with complaints (issue 16, item 8).

A results challenge out of time or without standing is dismissed by rule when it is
filed and never blocks finality; the finality page says which complaints block and
why; public filing is rate-limited per address and election.
"""

from __future__ import annotations

import pytest

from psephos.complaints.models import Complaint
from psephos.complaints.selectors.finality import election_finality_check
from psephos.core import clock
from psephos.ledger.models import Event

from .conftest import at
from .test_api import FORM
from .test_lifecycle import challenge


def _challenge(world, when: str, kind: str = "voter") -> Complaint:
    return challenge(world, at(when), kind=kind)


def test_challenges_without_standing_or_out_of_time_are_dismissed_and_block_nothing(world):
    # 20 challenges from voters (no standing), then 1 from the President out of time.
    flood = [_challenge(world, "2022-11-24 06:00") for _ in range(20)]
    late = _challenge(world, "2022-12-05 06:00", kind="president")
    for c in [*flood, late]:
        c.refresh_from_db()
        assert (c.status, c.decision.outcome) == ("decided", "dismissed")
        assert c.decision.decided_at == c.filed_at
        assert c.decision.law.startswith("Dismissed summarily by rule: ")
    assert flood[0].decision.facts == "Filed by a complainant without standing."
    assert late.decision.facts == "Filed out of time."
    assert Event.objects.get(object_key=late.key).payload["dismissed_by_rule"] is True
    check = election_finality_check(world.presidential, at=at("2022-12-10 06:00"))
    assert (check.allowed, check.reasons, check.blocking_complaints) == (True, (), ())
    assert [key for key, _why in check.not_blocking] == [c.key for c in [*flood, late]]
    assert check.not_blocking[0][1] == (
        "Dismissed summarily by rule (filed without standing): it does not block the results."
    )
    assert check.not_blocking[-1][1] == (
        "Dismissed summarily by rule (filed out of time): it does not block the results."
    )


def test_a_challenge_with_standing_in_time_still_blocks(world):
    president = _challenge(world, "2022-11-24 06:00", kind="president")
    _challenge(world, "2022-11-24 07:00")
    check = election_finality_check(world.presidential, at=at("2022-12-10 06:00"))
    assert (check.allowed, check.blocking_complaints) == (False, (president.key,))
    assert check.reasons == (f"Results challenge {president.key} is under consideration.",)


def test_the_finality_page_names_what_blocks_and_what_does_not(world, client, monkeypatch):
    president = _challenge(world, "2022-11-24 06:00", kind="president")
    voter = _challenge(world, "2022-11-24 07:00")
    monkeypatch.setattr(clock, "now", lambda: at("2022-12-10 06:00"))
    html = client.get("/complaints/finality/kz-2022-presidential/").content.decode()
    assert "Not yet, because:" in html
    assert (
        f'Complaints that block the results: <a href="/complaints/{president.key}/">'
        f"{president.key}</a>"
    ) in html
    assert (
        f'<li><a href="/complaints/{voter.key}/">{voter.key}</a>: Dismissed summarily by rule '
        "(filed without standing): it does not block the results.</li>"
    ) in html


def test_public_filing_is_rate_limited_per_address_and_election(
    world, client, monkeypatch, settings
):
    settings.COMPLAINTS_PUBLIC_PER_ELECTION_HOUR = 3
    settings.COMPLAINTS_PUBLIC_PER_HOUR = 4
    monkeypatch.setattr(clock, "now", lambda: at("2022-11-03 05:00"))
    codes = [client.post("/api/v1/complaints", FORM).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    r = client.post("/api/v1/complaints", FORM)
    assert (r.status_code, r.json()["error"]["code"]) == (429, "rate_limited")
    assert r.json()["error"]["message"] == (
        "Too many complaints from this address: at most 3 an hour. Try again later; a "
        "complaint can also be filed on paper at the commission."
    )
    assert Complaint.objects.count() == 3
    # The other election from the same address: its own budget, within the address's.
    other = {**FORM, "election": "kz-2022-referendum"}
    assert client.post("/api/v1/complaints", other).status_code == 201
    assert client.post("/api/v1/complaints", other).status_code == 429  # 5 from the address
    # Another address has its own budget; the web form counts the same way.
    assert client.post("/api/v1/complaints", other, REMOTE_ADDR="192.0.2.7").status_code == 201
    assert Complaint.objects.count() == 5
    monkeypatch.setattr(clock, "now", lambda: at("2022-11-03 06:01"))  # a new hour
    assert client.post("/api/v1/complaints", other).status_code == 201


@pytest.mark.usefixtures("no_summary_dismissal")
def test_the_switch_off_lets_late_challenges_wait_and_block(world):
    c = _challenge(world, "2022-11-24 06:00")
    assert c.status == "open"
    check = election_finality_check(world.presidential, at=at("2022-12-10 06:00"))
    assert (check.allowed, check.blocking_complaints, check.not_blocking) == (False, (c.key,), ())
