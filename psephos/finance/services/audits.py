"""Audits of a fund: a sample or all records, findings with evidence, the answer, the decision.

The CEC opens an audit (``audit_open``; a sample is drawn with a published seed),
records its findings with their evidence (``finding_record``; the texts stay in
finance's tables, their SHA-256 go into the ledger), the candidate answers
(``audit_answer``), and the CEC decides by a formal two-step decision
(``audit_decide``, ``audit_decision_confirm``) — without sanction, or with one of
the profile's sanctions and the reason it is proportionate (Rec P15, P16).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.ledger.actors import text_digest

from ..enums import AuditScope, AuditStatus, ReferenceKind
from ..errors import AuditInvalid, FinanceStateConflict
from ..models import Audit, Finding, Fund, Payment, Receipt
from ..profile import finance_profile
from ..rules.audit import audit_sample, decision_problems
from ..rules.money import multiple
from ..selectors import reference_value_at
from .decisions import CEC_ONLY, Adoption, finance_decision_apply, finance_decision_propose
from .events import fund_event

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.commissions.models import Decision

AUDIT_ACTION = "finance.audit"
FINE_FIELDS = ("fine_mci", "fine_kzt")
TEXT_MAX = 20_000


def _invalid(errors: list[dict[str, str]]) -> AuditInvalid:
    return AuditInvalid(
        _("Refused: %(fields)s.")
        % {"fields": ", ".join(f"{e['field']} ({e['code']})" for e in errors)},
        data={"errors": errors},
    )


def _text_problems(**texts: str) -> list[dict[str, str]]:
    return [
        {"field": k, "code": "required" if not v.strip() else "too_long"}
        for k, v in texts.items()
        if not v.strip() or len(v) > TEXT_MAX
    ]


def _locked(audit: Audit, *statuses: str) -> Audit:
    locked = Audit.objects.select_for_update().select_related("fund__election").get(pk=audit.pk)
    if locked.status not in statuses:
        raise FinanceStateConflict(
            _("Audit No. %(number)s of fund “%(fund)s” is %(status)s.")
            % {
                "number": locked.number,
                "fund": locked.fund.key,
                "status": AuditStatus(locked.status).label,
            },
            data={"audit": locked.number, "status": locked.status},
        )
    return locked


def audit_open(
    *, fund: Fund, scope: str, sample_size: int = 0, actor: str, role: str = "cec"
) -> Audit:
    """Open an audit of all the fund's records or of a sample of ``sample_size`` of each.

    The sample is drawn from the receipts' and payments' numbers with a seed (the
    SHA-256 of the election, the fund, the audit's number and the counts of receipts
    and payments), kept and published, so anyone can repeat the draw. Refused
    (``FinanceStateConflict``) while another audit of the fund is undecided,
    (``AuditInvalid``) for an unknown scope or a sample of no record. Writes one
    ``audit.open`` event.
    """
    if scope not in AuditScope.values or (scope == AuditScope.SAMPLE and sample_size < 1):
        raise _invalid([{"field": "scope", "code": "invalid"}])
    with transaction.atomic():
        locked = Fund.objects.select_for_update().select_related("election").get(pk=fund.pk)
        audits = Audit.objects.filter(fund=locked)
        undecided = audits.filter(status__in=[AuditStatus.OPEN, AuditStatus.ANSWERED]).first()
        if undecided is not None:
            _locked(undecided)  # raises: names the undecided audit
        number = (audits.aggregate(n=Max("number"))["n"] or 0) + 1
        receipts = list(Receipt.objects.filter(fund=locked).values_list("number", flat=True))
        payments = list(Payment.objects.filter(fund=locked).values_list("number", flat=True))
        seed = ""
        sample: dict[str, list[int]] = {}
        if scope == AuditScope.SAMPLE:
            basis = f"{locked.election.key}/{locked.key}/{number}/{len(receipts)}/{len(payments)}"
            seed = hashlib.sha256(basis.encode()).hexdigest()
            sample = {
                "receipts": audit_sample(receipts, sample_size, seed + "/r"),
                "payments": audit_sample(payments, sample_size, seed + "/p"),
            }
        audit = Audit.objects.create(
            fund=locked,
            number=number,
            scope=scope,
            seed=seed,
            sample=sample,
            opened_on=timezone.localdate(clock.now()),
            created_at=clock.now(),
        )
        fund_event(
            fund=locked,
            actor=actor,
            role=role,
            action="audit.open",
            suffix=f"a{number}",
            payload={
                "number": number,
                "scope": scope,
                "seed": seed,
                "receipts": len(sample["receipts"]) if sample else len(receipts),
                "payments": len(sample["payments"]) if sample else len(payments),
            },
        )
    return audit


def finding_record(
    *,
    audit: Audit,
    text: str,
    evidence: str,
    receipt: int | None = None,
    payment: int | None = None,
    actor: str,
    role: str = "cec",
) -> Finding:
    """Record a finding of an open audit with its evidence (both required).

    ``receipt``/``payment`` name the record it concerns by number (it must exist).
    Writes one ``audit.finding`` event with the texts' SHA-256 only.
    """
    errors = _text_problems(text=text, evidence=evidence)
    fund = audit.fund
    if receipt is not None and not Receipt.objects.filter(fund=fund, number=receipt).exists():
        errors.append({"field": "receipt", "code": "not_found"})
    if payment is not None and not Payment.objects.filter(fund=fund, number=payment).exists():
        errors.append({"field": "payment", "code": "not_found"})
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        locked = _locked(audit, AuditStatus.OPEN)
        last = Finding.objects.filter(audit=locked).aggregate(n=Max("number"))["n"]
        finding = Finding.objects.create(
            audit=locked,
            number=(last or 0) + 1,
            text=text.strip(),
            evidence=evidence.strip(),
            receipt=receipt,
            payment=payment,
            created_at=clock.now(),
        )
        fund_event(
            fund=locked.fund,
            actor=actor,
            role=role,
            action="audit.finding",
            suffix=f"a{locked.number}/f{finding.number}",
            payload={
                "audit": locked.number,
                "number": finding.number,
                "text_sha256": text_digest(finding.text),
                "evidence_sha256": text_digest(finding.evidence),
                "receipt": receipt,
                "payment": payment,
            },
        )
    return finding


def audit_answer(*, audit: Audit, text: str, actor: str, role: str = "finance") -> Audit:
    """Record the candidate's answer to the audit's findings (needs at least one finding).

    Writes one ``audit.answer`` event with the answer's SHA-256 only.
    """
    errors = _text_problems(answer=text)
    if errors:
        raise _invalid(errors)
    with transaction.atomic():
        locked = _locked(audit, AuditStatus.OPEN)
        if not Finding.objects.filter(audit=locked).exists():
            raise _invalid([{"field": "findings", "code": "none_to_answer"}])
        locked.answer = text.strip()
        locked.answered_on = timezone.localdate(clock.now())
        locked.status = AuditStatus.ANSWERED
        locked.save(update_fields=["answer", "answered_on", "status"])
        fund_event(
            fund=locked.fund,
            actor=actor,
            role=role,
            action="audit.answer",
            suffix=f"a{locked.number}",
            payload={"audit": locked.number, "answer_sha256": text_digest(locked.answer)},
        )
    audit.refresh_from_db()
    return audit


def _decidable(audit: Audit) -> Audit:
    """Lock the audit ready for a decision: answered, or open without any finding."""
    locked = _locked(audit, AuditStatus.OPEN, AuditStatus.ANSWERED)
    if locked.status == AuditStatus.OPEN and Finding.objects.filter(audit=locked).exists():
        raise _invalid([{"field": "answer", "code": "candidate_not_heard"}])
    return locked


def audit_decide(
    *,
    user: User,
    audit: Audit,
    sanction: str,
    reason: str,
    proportionality: str,
    adoption: Adoption,
    fine_mci: int | None = None,
) -> Decision:
    """Propose the CEC's decision closing the audit, with or without a sanction; pending.

    Only after the candidate answered the findings (an audit without findings may be
    closed at once). ``sanction`` (empty: none) must be in the profile's
    ``finance_sanctions``, rest on a finding and carry its proportionality reason; a
    fine names ``fine_mci``, converted to KZT at the MCI in force on the decision's
    day (``AuditInvalid`` lists every problem). Nothing changes until another operator
    confirms it (``audit_decision_confirm``).
    """
    sanction, proportionality = sanction.strip(), proportionality.strip()
    with transaction.atomic():
        locked = _decidable(audit)
        findings = Finding.objects.filter(audit=locked).count()
    fund = locked.fund
    profile = finance_profile(fund.election)
    problems = decision_problems(
        sanction=sanction,
        allowed=profile.finance_sanctions,
        proportionality=proportionality,
        findings=findings,
        fine_mci=fine_mci,
        fine_mci_max=profile.finance_fine_mci_max,
    )
    if problems:
        raise _invalid(problems)
    fine: dict[str, int | str | None] = {"fine_mci": None, "fine_kzt": None}
    if fine_mci is not None:
        mci = reference_value_at(kind=ReferenceKind.MCI, on=adoption.on, profile=profile)
        fine = {"fine_mci": fine_mci, "fine_kzt": str(multiple(mci, fine_mci))}
    outcome = AuditStatus.SANCTIONED if sanction else AuditStatus.CLEARED
    return finance_decision_propose(
        user=user,
        fund=fund,
        kind=AUDIT_ACTION,
        subject=f"audit:{locked.number}",
        outcome=outcome.value,
        reasons=reason,
        adoption=adoption,
        title=lambda name: (
            _("Audit No. %(number)s of the fund of %(name)s")
            % {"number": locked.number, "name": name}
        ),
        levels=CEC_ONLY,
        extra={"sanction": sanction, "proportionality": proportionality, **fine},
    )


def audit_decision_confirm(*, user: User, audit: Audit, commission: str, number: str) -> Audit:
    """Confirm the CEC's pending decision No. ``number`` on the audit and apply it.

    The audit is closed with its outcome, reasons, sanction (a fine with its MCI and
    KZT) and proportionality reason; one ``audit.decide`` event names the sanction and
    the fine and carries the reasons' and the proportionality reason's SHA-256.
    """
    with transaction.atomic():
        locked = _decidable(audit)
        decision = finance_decision_apply(
            user=user,
            fund=locked.fund,
            record=locked,
            kind=AUDIT_ACTION,
            prefix="audit",
            commission=commission,
            number=number,
            payload=lambda d: {
                "scope": locked.scope,
                "sanction": str(d.action.get("sanction", "")),
                **{k: d.action[k] for k in FINE_FIELDS if d.action.get(k) is not None},
                "proportionality_sha256": text_digest(str(d.action.get("proportionality", ""))),
            },
            fields=("sanction", "proportionality"),
        )
        if decision.action.get("fine_mci") is not None:
            locked.fine_mci = int(decision.action["fine_mci"])
            locked.fine_kzt = Decimal(str(decision.action["fine_kzt"]))
            locked.save(update_fields=["fine_mci", "fine_kzt"])
    audit.refresh_from_db()
    return audit
