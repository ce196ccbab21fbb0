"""Opening a registered candidate's fund."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from psephos.candidates.enums import NominationStatus
from psephos.core import clock
from psephos.elections.calendar_selectors import election_calendar_for
from psephos.ledger.actors import text_digest
from psephos.ledger.services.events import event_record

from ..enums import ReferenceKind
from ..errors import FundExists, FundRefused
from ..models import Fund
from ..profile import finance_profile
from ..rules.iban import iban_valid
from ..selectors import reference_value_at

if TYPE_CHECKING:
    from psephos.candidates.models import Nomination


def fund_open(
    *,
    nomination: Nomination,
    bank: str,
    account: str,
    opens_on: dt.date,
    actor: str,
    role: str = "cec",
) -> Fund:
    """Open the fund of a registered nominee, with its account at the CEC's bank.

    The fund takes the election's calendar: receipts from ``opens_on`` (not before the
    nomination period) until voting day, the final report due on the calendar's
    ``finance_reports`` day. The minimum wage and MCI in force on ``opens_on`` (a recorded
    version, else the rule profile's) fix the caps. Raises ``NoCampaignFinance``,
    ``FundRefused`` (not registered, a bad IBAN, a day outside the campaign) and
    ``FundExists``. Writes one
    ``fund.open`` event.
    """
    election = nomination.election
    profile = finance_profile(election)
    if nomination.status != NominationStatus.REGISTERED:
        raise FundRefused(
            _("Nominee “%(key)s” is %(status)s; only a registered candidate has a fund.")
            % {"key": nomination.key, "status": NominationStatus(nomination.status).label},
            data={"nominee": nomination.key, "status": nomination.status},
        )
    if not iban_valid(account):
        raise FundRefused(
            _("Account “%(account)s” is not a valid IBAN.") % {"account": account[:40]},
            data={"field": "account"},
        )
    calendar = election_calendar_for(election, called=election.called_on)
    nomination_opens = calendar.get("nomination").start
    if not nomination_opens <= opens_on <= election.date:
        raise FundRefused(
            _("A fund opens between %(first)s and voting day %(last)s, not on %(day)s.")
            % {"first": nomination_opens, "last": election.date, "day": opens_on},
            data={"field": "opens_on", "first": nomination_opens.isoformat()},
        )
    due = next((e.start for e in calendar.events if e.key == "finance_reports"), None)
    minimum_wage = reference_value_at(kind=ReferenceKind.MINIMUM_WAGE, on=opens_on, profile=profile)
    mci = reference_value_at(kind=ReferenceKind.MCI, on=opens_on, profile=profile)
    try:
        with transaction.atomic():
            fund = Fund.objects.create(
                election=election,
                nomination=nomination,
                key=nomination.key,
                bank=bank,
                account=account,
                opens_on=opens_on,
                receipts_close_on=election.date,
                report_due_on=due,
                minimum_wage=minimum_wage,
                mci=mci,
                created_at=clock.now(),
            )
            event_record(
                actor=actor,
                role=role,
                action="fund.open",
                object_key=f"{election.key}/{fund.key}",
                payload={
                    "election": election.key,
                    "fund": fund.key,
                    "account": text_digest(account),
                    "opens_on": opens_on.isoformat(),
                    "minimum_wage": str(minimum_wage),
                    "mci": str(mci),
                },
            )
    except IntegrityError:
        raise FundExists(
            _("Nominee “%(key)s” has a fund already, or account %(account)s is taken.")
            % {"key": nomination.key, "account": account},
            data={"nominee": nomination.key},
        ) from None
    return fund


def election_funds_delete(*, election_key: str, actor: str, role: str = "cec") -> int:
    """Delete every fund of an election with its records (a simulation being replaced).

    Returns the number of funds deleted; writes one ``funds.delete`` event when any.
    """
    from ..models import (
        Audit,
        Contract,
        Difference,
        Finding,
        Invoice,
        Payment,
        Receipt,
        Report,
        Statement,
        StatementLine,
    )

    with transaction.atomic():
        funds = Fund.objects.filter(election__key=election_key)
        count = funds.count()
        if not count:
            return 0
        Finding.objects.filter(audit__fund__in=funds).delete()
        Audit.objects.filter(fund__in=funds).delete()
        Report.objects.filter(fund__in=funds).delete()
        Invoice.objects.filter(contract__fund__in=funds).delete()
        Contract.objects.filter(fund__in=funds).delete()
        StatementLine.objects.filter(statement__fund__in=funds).delete()
        Difference.objects.filter(statement__fund__in=funds).delete()
        Receipt.objects.filter(fund__in=funds).delete()
        Payment.objects.filter(fund__in=funds).delete()
        Statement.objects.filter(fund__in=funds).delete()
        funds.delete()
        event_record(
            actor=actor,
            role=role,
            action="funds.delete",
            object_key=election_key,
            payload={"election": election_key, "funds": count},
        )
    return count
