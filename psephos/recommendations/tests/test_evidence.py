"""Evidence indicators measured on a simulated 2022 presidential election (the smallest
scale that runs the candidates and their funds), each checked against a count made here
with a direct query, not through the selectors the indicators use."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, Sum

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
from psephos.results.models import Protocol

from .conftest import run

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
    call_command(
        "simulate",
        KEY,
        "--scale",
        "0.002",
        "--seed",
        "1",
        "--candidates",
        "0.05",
        "--no-progress",
        "--no-mission",
        "--no-media",
        stdout=StringIO(),
    )
    return Election.objects.get(key=KEY)


def _vary(election: Election) -> None:
    """Make each figure a mix: some protocols accepted 1 h before they were public, some
    receipts entered 25 h after their statement, three sessions with 48 h and 2 h notice."""
    public = dict(
        Event.objects.filter(action="protocol.accept", object_key__startswith=f"{KEY}/")
        .order_by("seq")
        .values_list("object_key", "at")
    )
    protocols = list(
        Protocol.objects.filter(election=election).select_related("commission").order_by("pk")
    )
    for p in protocols[::2]:
        p.decided_at = public[f"{KEY}/{p.commission.code}"] - dt.timedelta(hours=1)
        p.save(update_fields=["decided_at"])
    late = Receipt.objects.filter(fund__election=election, number__in=range(0, 10_000, 7))
    for r in late.select_related("statement"):
        assert r.statement is not None
        r.created_at = r.statement.imported_at + dt.timedelta(hours=25)
        r.save(update_fields=["created_at"])
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
    assert before["sessions-announced-24h"]["reason"] == "nothing_to_count"
    _vary(election)

    rows = rows_by_key(election)

    # Results: the first protocol.accept event at most 2 h after the acceptance.
    first = {}
    for key, at in Event.objects.filter(
        action="protocol.accept", object_key__startswith=f"{KEY}/"
    ).values_list("object_key", "at"):
        first.setdefault(key, at)
    accepted = Protocol.objects.filter(election=election, status="accepted")
    in_time = sum(
        first[f"{KEY}/{code}"] - decided <= dt.timedelta(hours=2)
        for code, decided in accepted.values_list("commission__code", "decided_at")
    )
    assert 0 < in_time < accepted.count()
    total = accepted.count()
    assert figure(rows["results-public-2h"]) == (True, in_time, total, share(in_time, total), None)
    # Sessions: 2 of 3 announced 24 h ahead.
    sessions = Session.objects.filter(commission__geography=election.geography)
    announced = sum(s.starts_at - s.announced_at >= dt.timedelta(hours=24) for s in sessions)
    assert figure(rows["sessions-announced-24h"]) == (True, announced, 3, share(announced, 3), None)
    assert (announced, sessions.count()) == (2, 3)
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
    # Complaints: none filed, so not measurable, never zero.
    assert not Complaint.objects.filter(election=election).exists()
    assert figure(rows["complaint-decisions-public-reasoned"]) == (
        False,
        None,
        None,
        None,
        "nothing_to_count",
    )

    # Certification: not certified yet, nothing to count; the window to challenge the
    # results announced on 22 Nov 2022 closed on 2 Dec ([P] §XIV, docs/complaints.md).
    assert figure(rows["certification-after-appeals"])[4] == "nothing_to_count"
    for certified, waited in (
        (dt.datetime(2022, 11, 22, 12, tzinfo=dt.UTC), 0),
        (dt.datetime(2022, 12, 5, 12, tzinfo=dt.UTC), 1),
    ):
        Election.objects.filter(pk=election.pk).update(certified_at=certified)
        election.refresh_from_db()
        assert figure(rows_by_key(election)["certification-after-appeals"]) == (
            True,
            waited,
            1,
            share(waited, 1),
            None,
        )
    rows = rows_by_key(election)

    # The command prints the same figures as JSON and as CSV.
    printed = json.loads(run("evidence", KEY))
    assert printed == [json.loads(json.dumps(r)) for r in rows.values()]
    table = list(csv.DictReader(io.StringIO(run("evidence", KEY, "--format", "csv"))))
    assert list(table[0]) == EVIDENCE_COLUMNS
    assert [(t["indicator"], t["share"], t["reason"], t["measurable"]) for t in table] == [
        (k, r["share"] or "", r["reason"] or "", str(int(bool(r["measurable"]))))
        for k, r in rows.items()
    ]


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
