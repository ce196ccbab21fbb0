"""Evidence indicators measured on a simulated 2022 presidential election (the smallest
scale that runs the candidates and their funds), each checked against a count made here
with a direct query, not through the selectors the indicators use."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError
from django.db.models import F, Sum
from django.template.loader import render_to_string
from django.utils import translation

from psephos.candidates.models import SignatureImport, SignatureLine
from psephos.commissions.models import Commission, Session
from psephos.complaints.models import Complaint
from psephos.elections.models import Election
from psephos.finance.models import Receipt
from psephos.ledger.models import Event
from psephos.recommendations.evidence import (
    EVIDENCE_COLUMNS,
    evidence_for_election,
    evidence_row,
    indicators_for_recommendation,
)
from psephos.recommendations.views import _figure
from psephos.results.models import Protocol
from psephos.web.templatetags.portal import num

from .conftest import run, simulate

pytestmark = pytest.mark.django_db
KEY = "kz-2022-presidential"


def share(numerator: int, denominator: int) -> str:
    return str((Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001")))


def figure(row: dict[str, object]) -> tuple[object, ...]:
    return (row["measurable"], row["numerator"], row["denominator"], row["share"], row["reason"])


def rows_by_key(election: Election) -> dict[str, dict[str, object]]:
    return {
        r["indicator"]: r  # type: ignore[misc]
        for r in (evidence_row(e) for e in evidence_for_election(election=election))
    }


def _simulate() -> Election:
    simulate(KEY, "--candidates", "0.05", "--sessions-and-complaints", "--no-mission")
    return Election.objects.get(key=KEY)


def _vary(election: Election) -> None:
    """Make each figure a mix: one decided complaint shown as suspended; every other protocol accepted 3 h before it was public (late),
    and of the rest every other one 2 h before (the limit, in time); some receipts entered
    25 h after their statement; three sessions with 48 h and 2 h notice."""
    public = dict(
        Event.objects.filter(action="protocol.accept", object_key__startswith=f"{KEY}/")
        .order_by("seq")
        .values_list("object_key", "at")
    )
    protocols = list(
        Protocol.objects.filter(election=election).select_related("commission").order_by("pk")
    )
    for p in protocols[::2]:
        p.decided_at = public[f"{KEY}/{p.commission.code}"] - dt.timedelta(hours=3)
        p.save(update_fields=["decided_at"])
    for p in protocols[1::4]:
        p.decided_at = public[f"{KEY}/{p.commission.code}"] - dt.timedelta(hours=2)
        p.save(update_fields=["decided_at"])
    late = Receipt.objects.filter(fund__election=election, number__in=range(0, 10_000, 7))
    for r in late.select_related("statement"):
        assert r.statement is not None
        r.created_at = r.statement.imported_at + dt.timedelta(hours=25)
        r.save(update_fields=["created_at"])
    first = Complaint.objects.filter(election=election).order_by("pk").first()
    assert first is not None
    Complaint.objects.filter(pk=first.pk).update(status="suspended")
    tec = Commission.objects.filter(geography=election.geography, level="tec_district").first()
    assert tec is not None
    day = dt.datetime(2022, 11, 1, 10, tzinfo=dt.UTC)
    for number, notice in (("1", 48), ("2", 48), ("3", 2)):
        Session.objects.create(
            commission=tec,
            number=number,
            starts_at=day,
            agenda="Agenda",
            announced_at=day - dt.timedelta(hours=notice),
        )


def test_every_indicator_on_the_simulated_election_against_a_direct_count(
    key_dir: Path,
) -> None:
    election = _simulate()
    before = rows_by_key(election)
    # The simulated campaign: the CEC's six sessions announced two days ahead, six TECs'
    # sessions of which two a day ahead (simulate.services.commissions); five complaints
    # decided with their reasons.
    assert figure(before["sessions-announced-24h"]) == (True, 8, 12, "0.6667", None)
    assert figure(before["complaint-decisions-public-reasoned"]) == (True, 5, 5, "1.0000", None)
    # As simulated, every protocol is public when it is accepted (the ledger stamps the
    # protocol.accept with the simulated night's time, the acceptance carries the stamp).
    accepted = Protocol.objects.filter(election=election, status="accepted").count()
    assert accepted > 10
    assert figure(before["results-public-2h"]) == (True, accepted, accepted, "1.0000", None)
    _vary(election)

    rows = rows_by_key(election)

    # Results: the first protocol.accept event at most 2 h after the acceptance.
    first = {}
    for key, at in Event.objects.filter(
        action="protocol.accept", object_key__startswith=f"{KEY}/"
    ).values_list("object_key", "at"):
        first.setdefault(key, at)
    accepted_qs = Protocol.objects.filter(election=election, status="accepted")
    in_time = sum(
        first[f"{KEY}/{code}"] - decided <= dt.timedelta(hours=2)
        for code, decided in accepted_qs.values_list("commission__code", "decided_at")
    )
    total = accepted_qs.count()
    assert in_time == total - len(range(0, total, 2))  # the 3-hour ones late, 2 hours in time
    assert figure(rows["results-public-2h"]) == (True, in_time, total, share(in_time, total), None)
    # Sessions: the simulated 8 of 12 and 2 of the 3 added announced 24 h ahead.
    sessions = Session.objects.filter(commission__geography=election.geography)
    announced = sum(s.starts_at - s.announced_at >= dt.timedelta(hours=24) for s in sessions)
    assert figure(rows["sessions-announced-24h"]) == (
        True,
        announced,
        15,
        share(announced, 15),
        None,
    )
    assert (announced, sessions.count()) == (10, 15)
    # Signatures: lines with a reason code, of the checked lines found invalid.
    imports = SignatureImport.objects.filter(nomination__election=election).aggregate(
        checked=Sum("checked"), valid=Sum("valid")
    )
    rejected = imports["checked"] - imports["valid"]
    reasoned = (
        SignatureLine.objects.filter(nomination__election=election).exclude(reasons="").count()
    )
    assert rejected > 0
    assert figure(rows["signature-rejections-reasoned"]) == (
        True,
        reasoned,
        rejected,
        share(reasoned, rejected),
        None,
    )
    # Receipts: entered at most 24 h after their statement was imported.
    matched = Receipt.objects.filter(fund__election=election, statement__isnull=False)
    disclosed = matched.filter(
        created_at__lte=F("statement__imported_at") + dt.timedelta(hours=24)
    ).count()
    assert 0 < disclosed < matched.count()
    total = matched.count()
    assert figure(rows["receipts-disclosed-24h"]) == (
        True,
        disclosed,
        total,
        share(disclosed, total),
        None,
    )
    assert rows["receipts-disclosed-24h"]["median_count"] == total
    # The median hours from statement to disclosure, on known delays: the k-th receipt
    # (k = 0 … n-1) entered k + ½ hours after its statement, the first 5 hours before it
    # (public when the statement came: 0 hours). The median is then n/2 hours, and the
    # first 24 (k + ½ ≤ 24) are in time.
    ordered = list(matched.select_related("statement").order_by("pk"))
    n = len(ordered)
    assert n >= 4
    for k, receipt in enumerate(ordered):
        assert receipt.statement is not None
        delay = dt.timedelta(hours=-5) if k == 0 else dt.timedelta(hours=k, minutes=30)
        receipt.created_at = receipt.statement.imported_at + delay
        receipt.save(update_fields=["created_at"])
    timed = rows_by_key(election)["receipts-disclosed-24h"]
    assert figure(timed) == (True, min(n, 24), n, share(min(n, 24), n), None)
    assert (timed["median_hours"], timed["median_count"], timed["median_reason"]) == (
        str((Decimal(n) / 2).quantize(Decimal("0.01"))),
        n,
        None,
    )
    # The pages show it with how many it is the median of, in each language.
    for language, words in (("en", "median of {}"), ("ru", "медиана из {}"), ("kk", "{} бойынша")):
        with translation.override(language):
            html = render_to_string(
                "recommendations/_evidence.html",
                {"figures": [_figure(e) for e in evidence_for_election(election=election)]},
            )
            of_n = words.format(num(n))
        block = html.split('data-indicator="receipts-disclosed-24h"')[1].split("</div>")[0]
        assert f'data-median-hours="{timed["median_hours"]}"' in block
        assert of_n in block
    # The other indicators have no median.
    assert {k for k, r in rows.items() if r["median_reason"] or r["median_count"]} == {
        "receipts-disclosed-24h"
    }
    # Complaints: five decided with reasons, one shown in the register as suspended (_vary).
    decided = Complaint.objects.filter(election=election, decision__isnull=False)
    public = decided.filter(status="decided").exclude(decision__facts="").count()
    assert (public, decided.count()) == (4, 5)
    assert figure(rows["complaint-decisions-public-reasoned"]) == (True, 4, 5, "0.8000", None)

    # Certification: not certified yet, nothing to count; the window to challenge the
    # results announced on 22 Nov 2022 closed on 2 Dec ([P] §XIV, docs/complaints.md).
    assert figure(rows["certification-after-appeals"])[4] == "not_certified"
    for certified, waited, windows in (
        (dt.datetime(2022, 11, 22, 12, tzinfo=dt.UTC), 0, ["results_challenge:2022-12-02"]),
        (dt.datetime(2022, 12, 5, 12, tzinfo=dt.UTC), 1, []),
    ):
        Election.objects.filter(pk=election.pk).update(certified_at=certified)
        election.refresh_from_db()
        row = rows_by_key(election)["certification-after-appeals"]
        assert (figure(row), row["windows_open"]) == (
            (True, waited, 1, share(waited, 1), None),
            windows,
        )
    rows = rows_by_key(election)

    # The command prints the same figures as JSON and as CSV.
    printed = json.loads(run("evidence", KEY))
    assert printed == [json.loads(json.dumps(r)) for r in rows.values()]
    table = list(csv.DictReader(io.StringIO(run("evidence", KEY, "--format", "csv"))))
    assert list(table[0]) == EVIDENCE_COLUMNS
    assert [(t["indicator"], t["share"], t["median_hours"], t["measurable"]) for t in table] == [
        (k, r["share"] or "", r["median_hours"] or "", str(int(bool(r["measurable"]))))
        for k, r in rows.items()
    ]

    # No receipt on a statement: the median is not measurable, never 0.
    Receipt.objects.filter(fund__election=election).update(statement=None)
    none = rows_by_key(election)["receipts-disclosed-24h"]
    assert (none["median_hours"], none["median_count"], none["median_reason"]) == (
        None,
        None,
        "nothing_to_count",
    )
    assert none["reason"] == "nothing_to_count"


def test_each_indicator_names_the_recommendations_it_measures() -> None:
    assert [i.key for i in indicators_for_recommendation("odihr-kz-2022-referendum-r7")] == [
        "results-public-2h"
    ]
    assert [i.key for i in indicators_for_recommendation("odihr-kz-2022-presidential-r14")] == [
        "signature-rejections-reasoned"
    ]
    assert indicators_for_recommendation("odihr-kz-2022-presidential-r1") == []


def test_evidence_for_an_unknown_election_is_refused(db: None) -> None:
    with pytest.raises(CommandError) as exc:
        run("evidence", "nope")

    assert "No election “nope”." in str(exc.value)
