"""``psephos finance`` steps of public funding, reports and audits of a candidate's fund.

psephos finance contract  --election E --fund F --purpose P --provider X --reference R --signed-on D
psephos finance invoice   --election E --fund F --contract R --reference R --issued-on D --amount A
psephos finance report    --election E --fund F --kind interim|final [--through D]
psephos finance audit     --election E --fund F --scope sample|full [--sample-size N]
psephos finance finding   --election E --fund F --audit N --text T --evidence T [--receipt N] [--payment N]
psephos finance answer    --election E --fund F --audit N --text T
psephos finance decide    invoice|report|audit N --election E --fund F --user U --number N
                                --date D --reasons R --votes-for V --present P --document FILE
                                [--session N] [--refuse] [--sanction S --proportionality T [--fine-mci N]]
psephos finance confirm   invoice|report|audit N --election E --fund F --user U
                                --commission C --number N
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from psephos.accounts.selectors import user_get
from psephos.commissions.register import session_chosen
from psephos.core.commands import decision_day, decision_document
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_system

from ..selectors import audit_get, contract_get, fund_get, invoice_get, report_get
from ..services.audits import (
    audit_answer,
    audit_decide,
    audit_decision_confirm,
    audit_open,
    finding_record,
)
from ..services.decisions import Adoption
from ..services.public_funding import (
    contract_record,
    invoice_decide,
    invoice_decision_confirm,
    invoice_record,
)
from ..services.reports import report_decide, report_decision_confirm, report_submit

SUBJECTS = ("invoice", "report", "audit")


STEPS = ("contract", "invoice", "report", "audit", "finding", "answer", "decide", "confirm")


class Steps:
    """The sub-commands of ``psephos finance`` beyond the imports (``commands/finance.py``)."""

    def __init__(self, command: BaseCommand) -> None:
        self.stdout = command.stdout

    @staticmethod
    def add_arguments(sub: Any) -> None:
        steps = {
            name: sub.add_parser(name, help=text)
            for name, text in (
                ("contract", "a provider's contract paid from the state allowance"),
                ("invoice", "a provider's invoice under a contract"),
                ("report", "submit an interim or final report of the fund"),
                ("audit", "open an audit of the fund"),
                ("finding", "record a finding of an open audit with its evidence"),
                ("answer", "record the candidate's answer to an audit"),
                ("decide", "propose the commission's decision on an invoice, report or audit"),
                ("confirm", "confirm a pending decision as a second operator"),
            )
        }
        for p in steps.values():
            p.add_argument("--election", required=True)
            p.add_argument("--fund", required=True, help="the candidate's key")
        c = steps["contract"]
        c.add_argument("--purpose", required=True, help="media, events_print or transport")
        c.add_argument("--provider", required=True)
        c.add_argument("--reference", required=True, help="the contract's number")
        c.add_argument("--signed-on", required=True, type=decision_day)
        i = steps["invoice"]
        i.add_argument("--contract", required=True, help="the contract's number")
        i.add_argument("--reference", required=True, help="the invoice's number")
        i.add_argument("--issued-on", required=True, type=decision_day)
        i.add_argument("--amount", required=True)
        r = steps["report"]
        r.add_argument("--kind", required=True, choices=("interim", "final"))
        r.add_argument("--through", type=decision_day, default=None)
        a = steps["audit"]
        a.add_argument("--scope", required=True, choices=("sample", "full"))
        a.add_argument("--sample-size", type=int, default=0)
        f = steps["finding"]
        f.add_argument("--audit", required=True, type=int)
        f.add_argument("--text", required=True)
        f.add_argument("--evidence", required=True)
        f.add_argument("--receipt", type=int, default=None)
        f.add_argument("--payment", type=int, default=None)
        w = steps["answer"]
        w.add_argument("--audit", required=True, type=int)
        w.add_argument("--text", required=True)
        for name in ("decide", "confirm"):
            p = steps[name]
            p.add_argument("subject", choices=SUBJECTS)
            p.add_argument("subject_number", type=int)
            p.add_argument("--user", required=True, help="username of the operator")
            p.add_argument("--number", required=True, help="the decision's number")
        d = steps["decide"]
        d.add_argument("--date", required=True, type=decision_day)
        d.add_argument("--reasons", default="")
        d.add_argument("--votes-for", type=int, required=True)
        d.add_argument("--votes-against", type=int, default=0)
        d.add_argument("--abstentions", type=int, default=0)
        d.add_argument("--present", type=int, required=True)
        d.add_argument("--document", required=True, help="the signed decision document")
        d.add_argument(
            "--session",
            default="",
            help="the number of the commission's open session that adopted it (none: outside one)",
        )
        d.add_argument("--refuse", action="store_true", help="refuse the invoice or report")
        d.add_argument("--sanction", default="", help="an audit's sanction (profile's list)")
        d.add_argument("--proportionality", default="", help="why the sanction is proportionate")
        d.add_argument("--fine-mci", type=int, default=None, help="a fine's amount in MCI")
        steps["confirm"].add_argument("--commission", required=True, help="the commission's code")

    def handle(self, **options: Any) -> None:
        fund = fund_get(election=election_get(key=options["election"]), key=options["fund"])
        actor = actor_system("cli")
        action = options["action"]
        if action == "contract":
            done: Any = contract_record(
                fund=fund,
                purpose=options["purpose"],
                provider=options["provider"],
                reference=options["reference"],
                signed_on=options["signed_on"],
                actor=actor,
            )
        elif action == "invoice":
            done = invoice_record(
                contract=contract_get(fund=fund, reference=options["contract"]),
                reference=options["reference"],
                issued_on=options["issued_on"],
                amount=options["amount"],
                actor=actor,
            )
        elif action == "report":
            done = report_submit(
                fund=fund, kind=options["kind"], through=options["through"], actor=actor
            )
        elif action == "audit":
            done = audit_open(
                fund=fund, scope=options["scope"], sample_size=options["sample_size"], actor=actor
            )
        elif action == "finding":
            done = finding_record(
                audit=audit_get(fund=fund, number=options["audit"]),
                text=options["text"],
                evidence=options["evidence"],
                receipt=options["receipt"],
                payment=options["payment"],
                actor=actor,
            )
        elif action == "answer":
            done = audit_answer(
                audit=audit_get(fund=fund, number=options["audit"]),
                text=options["text"],
                actor=actor,
            )
        elif action == "decide":
            self._decide(fund, options)
            return
        else:
            self._confirm(fund, options)
            return
        self.stdout.write(_("%(step)s No. %(number)s") % {"step": action, "number": done.number})

    def _decide(self, fund: Any, options: dict[str, Any]) -> None:
        user = user_get(username=options["user"])
        adoption = Adoption(
            number=options["number"],
            on=options["date"],
            present=options["present"],
            votes_for=options["votes_for"],
            votes_against=options["votes_against"],
            document=decision_document(options["document"]),
            abstentions=options["abstentions"],
            session=session_chosen(commission=user.commission, number=options["session"]),
        )
        n, subject = options["subject_number"], options["subject"]
        yes, reasons = not options["refuse"], options["reasons"]
        if subject == "invoice":
            invoice = invoice_get(fund=fund, number=n)
            invoice_decide(
                user=user, invoice=invoice, approve=yes, reason=reasons, adoption=adoption
            )
        elif subject == "report":
            report = report_get(fund=fund, number=n)
            report_decide(user=user, report=report, accept=yes, reason=reasons, adoption=adoption)
        else:
            audit_decide(
                user=user,
                audit=audit_get(fund=fund, number=n),
                sanction=options["sanction"],
                reason=reasons,
                proportionality=options["proportionality"],
                adoption=adoption,
                fine_mci=options["fine_mci"],
            )
        self.stdout.write(
            _("Decision No. %(decision)s on %(subject)s No. %(number)s: pending confirmation.")
            % {"decision": adoption.number, "subject": subject, "number": n}
        )

    def _confirm(self, fund: Any, options: dict[str, Any]) -> None:
        user = user_get(username=options["user"])
        n, subject = options["subject_number"], options["subject"]
        common = {"user": user, "commission": options["commission"], "number": options["number"]}
        if subject == "invoice":
            done: Any = invoice_decision_confirm(invoice=invoice_get(fund=fund, number=n), **common)
        elif subject == "report":
            done = report_decision_confirm(report=report_get(fund=fund, number=n), **common)
        else:
            done = audit_decision_confirm(audit=audit_get(fund=fund, number=n), **common)
        self.stdout.write(
            _("%(subject)s No. %(number)s: %(status)s")
            % {"subject": subject, "number": n, "status": done.get_status_display()}
        )
