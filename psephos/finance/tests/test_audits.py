"""Audits: a sample or all records, findings with evidence, the answer, a proportionate sanction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from psephos.commissions.models import Decision
from psephos.finance.enums import AuditStatus
from psephos.finance.errors import AuditInvalid, FinanceStateConflict
from psephos.finance.models import Audit, Fund, ReferenceValue
from psephos.finance.rules.audit import audit_sample, decision_problems
from psephos.finance.services.audits import (
    audit_answer,
    audit_decide,
    audit_decision_confirm,
    audit_open,
    finding_record,
)
from psephos.finance.services.receipts import receipt_record
from psephos.ledger.models import Event

from .conftest import ACTOR
from .test_public_funding import adoption, operators
from .test_receipts import row

FINDING = "Receipt 2 came from a company that is a state-funded organisation."
EVIDENCE = "Registry extract of 2022-10-30 lists the company as state-funded."
ANSWER = "We did not know; the money has been returned on 2022-11-02."


@pytest.fixture
def records(fund: Fund) -> Fund:
    for i, day in enumerate(("2022-10-20", "2022-10-21", "2022-10-22"), start=1):
        receipt_record(
            fund=fund,
            row=row(amount=f"{i}0000", reference=f"B{i}", received_on=day),
            in_account=False,
            actor=ACTOR,
        )
    return fund


def decide(
    audit: Audit, number: str, *, sanction: str, proportionality: str, fine_mci: int | None = None
) -> Audit:
    first, second = operators()[:2]
    decision = audit_decide(
        user=first,
        audit=audit,
        sanction=sanction,
        reason="Findings confirmed by the registry.",
        proportionality=proportionality,
        adoption=adoption(number),
        fine_mci=fine_mci,
    )
    return audit_decision_confirm(
        user=second, audit=audit, commission=decision.commission.code, number=number
    )


def test_the_sample_is_repeatable_and_the_decision_rules_hold() -> None:
    numbers = list(range(1, 101))
    sample = audit_sample(numbers, 10, "seed")
    assert sample == audit_sample(numbers, 10, "seed") and len(sample) == 10
    assert sample == sorted(sample) and sample != audit_sample(numbers, 10, "other")
    assert audit_sample([3, 1], 5, "seed") == [1, 3]
    allowed = {"fine"}
    assert decision_problems(sanction="", allowed=allowed, proportionality="", findings=0) == []
    assert decision_problems(sanction="jail", allowed=allowed, proportionality="x", findings=1) == [
        {"field": "sanction", "code": "not_in_profile"}
    ]
    assert decision_problems(sanction="fine", allowed=allowed, proportionality=" ", findings=0) == [
        {"field": "proportionality", "code": "required"},
        {"field": "sanction", "code": "no_finding"},
        {"field": "fine_mci", "code": "required"},
    ]

    def fine(mci: int | None, sanction: str = "fine", top: int | None = None) -> list[object]:
        return decision_problems(
            sanction=sanction,
            allowed={"fine", "deregistration"},
            proportionality="p",
            findings=1,
            fine_mci=mci,
            fine_mci_max=top,
        )

    assert fine(1) == [] and fine(500, top=500) == [] and fine(10**6) == []
    assert fine(0) == [{"field": "fine_mci", "code": "not_positive"}]
    assert fine(501, top=500) == [{"field": "fine_mci", "code": "over_profile_maximum"}]
    assert fine(5, "deregistration") == [{"field": "fine_mci", "code": "only_with_fine"}]
    assert fine(None, "deregistration") == []


def test_a_sampled_audit_ends_in_a_proportionate_fine(client: Client, records: Fund) -> None:
    audit = audit_open(fund=records, scope="sample", sample_size=2, actor=ACTOR)
    assert len(audit.sample["receipts"]) == 2 and len(audit.seed) == 64
    with pytest.raises(FinanceStateConflict):  # one undecided audit at a time
        audit_open(fund=records, scope="full", actor=ACTOR)
    with pytest.raises(AuditInvalid) as bad:
        finding_record(audit=audit, text=FINDING, evidence=" ", receipt=99, actor=ACTOR)
    assert bad.value.data["errors"] == [
        {"field": "evidence", "code": "required"},
        {"field": "receipt", "code": "not_found"},
    ]
    finding_record(audit=audit, text=FINDING, evidence=EVIDENCE, receipt=2, actor=ACTOR)
    first = operators()[0]
    with pytest.raises(AuditInvalid):  # the candidate is heard first
        audit_decide(
            user=first,
            audit=audit,
            sanction="fine",
            reason="r",
            proportionality="p",
            adoption=adoption("A-1"),
        )
    audit_answer(audit=audit, text=ANSWER, actor=ACTOR)
    with pytest.raises(AuditInvalid) as unproportioned:
        audit_decide(
            user=first,
            audit=audit,
            sanction="deregistration",
            reason="r",
            proportionality="",
            adoption=adoption("A-2"),
        )
    assert unproportioned.value.data["errors"] == [{"field": "proportionality", "code": "required"}]
    with pytest.raises(AuditInvalid) as no_amount:  # a fine names its amount in MCI
        audit_decide(
            user=first,
            audit=audit,
            sanction="fine",
            reason="r",
            proportionality="p",
            adoption=adoption("A-2"),
        )
    assert no_amount.value.data["errors"] == [{"field": "fine_mci", "code": "required"}]
    with pytest.raises(AuditInvalid) as amount_without_fine:
        audit_decide(
            user=first,
            audit=audit,
            sanction="deregistration",
            reason="r",
            proportionality="p",
            adoption=adoption("A-2"),
            fine_mci=5,
        )
    assert amount_without_fine.value.data["errors"] == [
        {"field": "fine_mci", "code": "only_with_fine"}
    ]
    # The MCI in force on the decision's day (20 Oct 2022): a version recorded from 1 Oct
    # overrides the profile's 3,063.
    ReferenceValue.objects.create(kind="mci", valid_from=dt.date(2022, 10, 1), amount=3180)
    done = decide(
        audit,
        "A-3",
        sanction="fine",
        proportionality="One receipt of KZT 20,000, returned within the deadline: a fine, "
        "not deregistration.",
        fine_mci=50,
    )
    assert done.status == AuditStatus.SANCTIONED and done.sanction == "fine"
    assert (done.fine_mci, done.fine_kzt) == (50, Decimal("159000.00"))
    decision = Decision.objects.get(number="A-3")
    nominee = records.nomination
    assert (decision.title_en, decision.title_ru, decision.title_kk) == (
        f"Audit No. 1 of the fund of {nominee.name_en}",
        f"Проверка № 1 избирательного фонда (кандидат {nominee.name_ru})",
        f"Кандидат {nominee.name_kk} сайлау қорының № 1 тексерісі",
    )
    assert records.key not in decision.title_en
    body = client.get(f"/api/v1/elections/{records.election.key}/finance/tokayev").json()
    assert (body["audits"][0]["fine_mci"], body["audits"][0]["fine_kzt"]) == (50, "159000.00")
    page = client.get(f"/finance/{records.election.key}/tokayev/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "50 МРП (159 000,00 тенге)" in page.content.decode().replace("\xa0", " ")
    assert done.proportionality.startswith("One receipt")
    ledger = [e.payload for e in Event.objects.filter(action__startswith="audit.")]
    text = str(ledger)
    assert FINDING not in text and EVIDENCE not in text and ANSWER not in text
    assert "One receipt" not in text
    decided = Event.objects.get(action="audit.decide").payload
    assert decided["sanction"] == "fine" and len(decided["proportionality_sha256"]) == 64
    assert (decided["fine_mci"], decided["fine_kzt"]) == (50, "159000.00")


def test_an_audit_without_findings_closes_without_sanction(
    client: Client, records: Fund, frozen: list[dt.datetime]
) -> None:
    audit = audit_open(fund=records, scope="full", actor=ACTOR)
    with pytest.raises(AuditInvalid):  # a sanction rests on a finding
        audit_decide(
            user=operators()[0],
            audit=audit,
            sanction="fine",
            reason="r",
            proportionality="p",
            adoption=adoption("A-4"),
        )
    done = decide(audit, "A-5", sanction="", proportionality="")
    assert done.status == AuditStatus.CLEARED and done.sanction == ""
    body = client.get(f"/api/v1/elections/{records.election.key}/finance/tokayev").json()
    assert body["audits"] == [
        {
            "number": 1,
            "scope": "full",
            "seed": "",
            "opened_on": done.opened_on.isoformat(),
            "findings": 0,
            "answered": False,
            "status": "cleared",
            "sanction": "",
            "fine_mci": None,
            "fine_kzt": None,
            "decision": "A-5",
        }
    ]
    page = client.get(f"/finance/{records.election.key}/tokayev/").content.decode()
    assert 'id="audits"' in page and "A-5" in page
