"""Record a commission's decision and apply it to a protocol in one transaction.

The API and the ``correct`` / ``cancel_results`` commands receive the decision's
particulars (number, date, reasons, members voting) together with the change it
authorises. The decision is stored and the existing services
(``corrections.protocol_correct`` / ``protocol_cancel``) are called inside one
transaction, so a refused change leaves neither the decision nor anything else.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from psephos.commissions.models import Decision
from psephos.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from psephos.results.models import Protocol
from psephos.results.rules.lines import ProtocolLines
from psephos.results.services.corrections import protocol_cancel, protocol_correct

if TYPE_CHECKING:
    from psephos.accounts.models import User
    from psephos.elections.models import Election


class DecisionNumberTaken(Conflict):
    code = "decision_number_taken"


class ProtocolMissing(NotFound):
    code = "protocol_not_found"


def _protocol(election: Election, station_code: str) -> Protocol:
    protocol = Protocol.objects.filter(
        election=election, commission__code=station_code, commission__level="pec"
    ).first()
    if protocol is None:
        raise ProtocolMissing(
            _("Station “%(station)s” has no protocol in election “%(election)s”.")
            % {"station": station_code, "election": election.key},
            data={"station": station_code, "election": election.key},
        )
    return protocol


def _decision_create(
    *,
    user: User,
    number: str,
    date: dt.date,
    reasons: str,
    votes_for: int,
    votes_against: int,
    title: str,
) -> Decision:
    if not user.is_authenticated or user.commission_id is None:
        raise PermissionDenied(_("Log in as a commission operator first."))
    number = number.strip()
    reasons = reasons.strip()
    if not number or not reasons:
        raise ValidationFailed(
            _("A decision needs a number and reasons."),
            data={"errors": [f for f, v in (("number", number), ("reasons", reasons)) if not v]},
        )
    taken = DecisionNumberTaken(
        _("Your commission already has a decision No. %(number)s.") % {"number": number},
        data={"number": number},
    )
    if Decision.objects.filter(commission_id=user.commission_id, number=number).exists():
        raise taken
    try:
        with transaction.atomic():  # a concurrent twin hits the unique constraint
            return Decision.objects.create(
                commission_id=user.commission_id,
                number=number,
                date=date,
                title=title[:300],
                text=reasons,
                reasons=reasons,
                votes_for=votes_for,
                votes_against=votes_against,
            )
    except IntegrityError:
        raise taken from None


def protocol_correct_by_decision(
    *,
    user: User,
    election: Election,
    station_code: str,
    number: str,
    date: dt.date,
    reasons: str,
    votes_for: int,
    votes_against: int,
    lines: ProtocolLines,
    recount: bool = False,
    expected_version: int | None = None,
) -> Protocol:
    """Store the TEC's decision and the corrected version it authorises; return the protocol.

    Raises whatever ``protocol_correct`` raises, ``DecisionNumberTaken``,
    ``ProtocolMissing`` or ``ValidationFailed``; nothing is written then.
    """
    protocol = _protocol(election, station_code)
    with transaction.atomic():
        decision = _decision_create(
            user=user,
            number=number,
            date=date,
            reasons=reasons,
            votes_for=votes_for,
            votes_against=votes_against,
            title=_("Correction of the protocol of station %(station)s")
            % {"station": station_code},
        )
        return protocol_correct(
            user=user,
            protocol=protocol,
            decision=decision,
            lines=lines,
            recount=recount,
            expected_version=expected_version,
        )


def protocol_cancel_by_decision(
    *,
    user: User,
    election: Election,
    station_code: str,
    number: str,
    date: dt.date,
    reasons: str,
    votes_for: int,
    votes_against: int,
    expected_version: int | None = None,
) -> Protocol:
    """Store the CEC's decision and cancel the station's results with it; return the protocol.

    Raises whatever ``protocol_cancel`` raises, ``DecisionNumberTaken``,
    ``ProtocolMissing`` or ``ValidationFailed``; nothing is written then.
    """
    protocol = _protocol(election, station_code)
    with transaction.atomic():
        decision = _decision_create(
            user=user,
            number=number,
            date=date,
            reasons=reasons,
            votes_for=votes_for,
            votes_against=votes_against,
            title=_("Cancellation of the results of station %(station)s")
            % {"station": station_code},
        )
        return protocol_cancel(
            user=user, protocol=protocol, decision=decision, expected_version=expected_version
        )
