"""Evidence measured on the simulated 2022 referendum, figure by figure, and [P] Rec 24 /
[R] Rec 13: whether the certification waited for every window to challenge the results.

The referendum is simulated and certified by ``simulate --certify`` (the results app's
certification under the simulated clock); each figure is checked against a count made here
with a direct query, not through the selectors the indicators use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from psephos.accounts.models import User
from psephos.complaints.models import Complaint
from psephos.complaints.services.decisions import complaint_court_ruling_record
from psephos.complaints.services.filing import complaint_file
from psephos.core import clock
from psephos.elections.enums import ElectionStatus
from psephos.elections.models import Election
from psephos.elections.rules.calendar_profiles import DISPUTE_PROFILES, REFERENDUM_DISPUTES
from psephos.ledger.models import Event
from psephos.recommendations.evidence import (
    REASONS,
    evidence_for_election,
    indicators_for_recommendation,
)
from psephos.recommendations.views import _figure
from psephos.results.models import Protocol
from psephos.simulate.services.certification import certification_simulate

from .conftest import simulate
from .test_evidence import figure, rows_by_key

pytestmark = pytest.mark.django_db
KEY = "kz-2022-referendum"
ALMATY = ZoneInfo("Asia/Almaty")
# [R] §XI: final results announced 7 Jun 2022; the profile's ten days to challenge them.
LAST_DAY = dt.date(2022, 6, 7) + dt.timedelta(days=10)


def _challenge(election: Election, filed: dt.datetime) -> Complaint:
    """A results challenge by a complainant with standing, left undecided; its ledger event
    on the simulated clock, as the simulation's (the ledger's times never go back)."""
    with clock.fixed(filed):
        complaint = complaint_file(
            election=election,
            complainant_kind="president",
            complainant_name="Office of the President",
            respondent_kind="commission",
            respondent_commission_code="CEC",
            subject_kind="results",
            subject_date=dt.date(2022, 6, 7),
            summary="The results of one region are disputed.",
            remedy="Recount.",
            filed_at=filed,
        )
    assert (complaint.no_standing, complaint.out_of_time) == (False, False)
    return complaint


def test_every_referendum_figure_and_the_certification_after_every_window(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed = simulate(KEY, "--certify")
    election = Election.objects.get(key=KEY)
    # Certified the day after the window closed (24:00 on 17 June), at 11:00 on the
    # election's clock, through the certification service: its ledger event has that time.
    certified = dt.datetime.combine(LAST_DAY + dt.timedelta(days=1), dt.time(11), tzinfo=ALMATY)
    assert (election.status, election.certified_at) == (ElectionStatus.CERTIFIED, certified)
    assert Event.objects.get(action="election.certify", object_key=KEY).at == certified
    assert certified.isoformat() in printed

    rows = rows_by_key(election)

    # Results ([R] Rec 7): a protocol's first protocol.accept at most 2 h after its acceptance.
    first: dict[str, dt.datetime] = {}
    for key, at in (
        Event.objects.filter(action="protocol.accept", object_key__startswith=f"{KEY}/")
        .order_by("seq")
        .values_list("object_key", "at")
    ):
        first.setdefault(key, at)
    accepted = Protocol.objects.filter(election=election, status="accepted")
    total = accepted.count()
    in_time = sum(
        first[f"{KEY}/{code}"] - decided <= dt.timedelta(hours=2)
        for code, decided in accepted.values_list("commission__code", "decided_at")
    )
    assert total > 10
    assert in_time == total
    assert figure(rows["results-public-2h"]) == (True, total, total, "1.0000", None)
    # Sessions and complaint decisions: the referendum's simulation holds none — not
    # measurable, never 0.
    assert figure(rows["sessions-announced-24h"]) == (False, None, None, None, "nothing_to_count")
    assert figure(rows["complaint-decisions-public-reasoned"])[4] == "nothing_to_count"
    # Signatures and candidates' funds do not exist in a referendum: not counted at all.
    for key in ("signature-rejections-reasoned", "receipts-disclosed-24h"):
        assert figure(rows[key]) == (False, None, None, None, "not_for_this_kind")
    assert rows["receipts-disclosed-24h"]["median_reason"] == "not_for_this_kind"
    # Certification ([R] Rec 13, [P] Rec 24): after the window, with none open.
    assert figure(rows["certification-after-appeals"]) == (True, 1, 1, "1.0000", None)
    assert rows["certification-after-appeals"]["windows_open"] == []
    assert {
        r["windows_open"] is None for k, r in rows.items() if k != "certification-after-appeals"
    } == {True}
    assert [i.key for i in indicators_for_recommendation(f"odihr-{KEY}-r13")] == [
        "certification-after-appeals"
    ]
    # Every figure links to its feature's page for the election (none where the indicator
    # does not apply), and is measured or says why not.
    for key, row in rows.items():
        assert row["measurable"] or row["reason"] in REASONS, key
        assert row["median_reason"] in (None, *REASONS), key
        if key in ("signature-rejections-reasoned", "receipts-disclosed-24h"):
            assert row["link"] == "", key
            continue
        link = str(row["link"])
        assert KEY in link or link == "/complaints/" or election.geography.key in link, key
        assert client.get(link).status_code == 200, key

    # Certified on 10 June, inside the window ([R] fn 79: the 2022 results were published
    # on 8 June, before it closed): "no", naming the window and its last day.
    Election.objects.filter(pk=election.pk).update(
        certified_at=dt.datetime(2022, 6, 10, 6, tzinfo=dt.UTC)
    )
    election.refresh_from_db()
    early = rows_by_key(election)["certification-after-appeals"]
    assert figure(early) == (True, 0, 1, "0.0000", None)
    assert early["windows_open"] == [f"results_challenge:{LAST_DAY}"]
    # A results challenge filed in time and still undecided: open at any certification.
    pending = _challenge(election, dt.datetime(2022, 6, 9, 5, tzinfo=dt.UTC))
    both = rows_by_key(election)["certification-after-appeals"]
    assert both["windows_open"] == [f"results_challenge:{LAST_DAY}", f"complaint:{pending.key}"]
    Election.objects.filter(pk=election.pk).update(certified_at=certified)
    election.refresh_from_db()
    late = rows_by_key(election)["certification-after-appeals"]
    assert (figure(late), late["windows_open"]) == (
        (True, 0, 1, "0.0000", None),
        [f"complaint:{pending.key}"],
    )
    # The pages name the windows in the reader's language.
    Election.objects.filter(pk=election.pk).update(
        certified_at=dt.datetime(2022, 6, 10, 6, tzinfo=dt.UTC)
    )
    election.refresh_from_db()
    for language, words in (
        ("en", f"open until 24:00 on {LAST_DAY}"),
        ("ru", f"до 24:00 {LAST_DAY}"),
        ("kk", f"{LAST_DAY} күні сағат 24:00-ге дейін"),
    ):
        with translation.override(language):
            html = render_to_string(
                "recommendations/_evidence.html",
                {"figures": [_figure(e) for e in evidence_for_election(election=election)]},
            )
        block = html.split('data-indicator="certification-after-appeals"')[1].split("</div>")[0]
        assert f'data-window="results_challenge:{LAST_DAY}"' in block
        assert f'data-window="complaint:{pending.key}"' in block
        assert f'href="/complaints/finality/{KEY}/" data-feature-link' in block
        assert words in block

    # Not certified yet, with the challenge undecided: the simulation's certification is
    # refused by the finality guard, naming the challenge; nothing is written, and the
    # figure is not measurable until the results are certified.
    Election.objects.filter(pk=election.pk).update(
        status=ElectionStatus.COUNTING, certified_at=None
    )
    election.refresh_from_db()
    events = Event.objects.count()
    refused = certification_simulate(election=election)
    assert refused.certified_at is None
    assert any(pending.key in reason for reason in refused.reasons)
    election.refresh_from_db()
    assert (election.status, election.certified_at, Event.objects.count()) == (
        ElectionStatus.COUNTING,
        None,
        events,
    )
    assert figure(rows_by_key(election)["certification-after-appeals"]) == (
        False,
        None,
        None,
        None,
        "not_certified",
    )

    # The simulation waits for every appeal window too. Under a profile whose results
    # challenges go to a court that can be appealed (3 days), a second challenge filed on
    # 9 June; the courts rule on both on 16 June: the Supreme Court's ruling is final, the
    # other can be appealed until 24:00 on 19 June — so certified on 20 June at 11:00,
    # two days after the window to challenge the results, and "yes" with none open.
    appealable = replace(REFERENDUM_DISPUTES, results_challenge_body="Administrative court")
    monkeypatch.setitem(DISPUTE_PROFILES, REFERENDUM_DISPUTES.key, appealable)
    second = _challenge(election, dt.datetime(2022, 6, 9, 6, tzinfo=dt.UTC))
    assert second.body_court == "Administrative court"
    staff = User.objects.get(username="simulate-cec-1")
    ruled = dt.datetime(2022, 6, 16, 6, tzinfo=dt.UTC)
    for challenge in (pending, second):
        with clock.fixed(ruled):
            complaint_court_ruling_record(
                complaint=challenge,
                user=staff,
                facts="The disputed protocols match the tabulation.",
                law="Constitutional Law on Referendums, Art. 38.",
                outcome="rejected",
                decided_at=ruled,
            )
    waited = certification_simulate(election=election)
    after_appeal = dt.datetime(2022, 6, 20, 11, tzinfo=ALMATY)
    assert (waited.certified_at, waited.reasons) == (after_appeal, ())
    election.refresh_from_db()
    final = rows_by_key(election)["certification-after-appeals"]
    assert (figure(final), final["windows_open"]) == ((True, 1, 1, "1.0000", None), [])

    # As of the certification, not as of today: certified on 10 June, the two challenges
    # of 9 June were undecided then (ruled on 16 June), and one filed on 15 June did not
    # exist yet.
    third = _challenge(election, dt.datetime(2022, 6, 15, 6, tzinfo=dt.UTC))
    Election.objects.filter(pk=election.pk).update(
        certified_at=dt.datetime(2022, 6, 10, 6, tzinfo=dt.UTC)
    )
    election.refresh_from_db()
    then = rows_by_key(election)["certification-after-appeals"]
    assert then["windows_open"] == [
        f"results_challenge:{LAST_DAY}",
        f"complaint:{pending.key}",
        f"complaint:{second.key}",
    ]
    assert f"complaint:{third.key}" not in then["windows_open"]


def test_certify_is_refused_with_a_station_left_open() -> None:
    with pytest.raises(CommandError) as exc:
        call_command("simulate", KEY, "--scale", "0.002", "--certify", "--leave-open", "KZ-75-01")
    assert "--certify" in str(exc.value) and "KZ-75-01" in str(exc.value)
    assert not Election.objects.filter(key=KEY).exists()
