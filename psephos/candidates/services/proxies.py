"""A nominee's proxies: the people who see the rejected lines of the nominee's sheets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from psephos.core import clock
from psephos.core.errors import Conflict, ValidationFailed
from psephos.ledger.actors import actor_user
from psephos.ledger.services.events import event_record

from ..models import Nomination, NominationProxy

if TYPE_CHECKING:
    from psephos.accounts.models import User


def proxy_appoint(
    *,
    nomination: Nomination,
    proxy: User,
    actor: str,
    role: str = "cec",
    finance_officer: bool = False,
) -> NominationProxy:
    """Record ``proxy`` as acting for the nominee (registered with the CEC).

    The proxy is an active account bound to no commission (an operator never acts for a
    nominee). With ``finance_officer`` the proxy is also the candidate's finance officer
    (a proxy appointed before becomes one). Raises ``ValidationFailed`` or ``Conflict``
    (appointed before as that). Writes one ``nomination.proxy`` event naming the account
    by its id, never by name.
    """
    if not proxy.is_active or proxy.commission_id is not None:
        raise ValidationFailed(
            _("A proxy is an active account of no commission; “%(user)s” is not.")
            % {"user": proxy.username},
            data={"field": "username"},
        )
    taken = Conflict(
        (
            _("“%(user)s” is the finance officer of “%(key)s” already.")
            if finance_officer
            else _("“%(user)s” is a proxy of “%(key)s” already.")
        )
        % {"user": proxy.username, "key": nomination.key},
        data={"field": "username"},
    )
    try:
        with transaction.atomic():
            appointed = (
                NominationProxy.objects.select_for_update()
                .filter(nomination=nomination, user=proxy)
                .first()
            )
            if appointed is None:
                appointed = NominationProxy.objects.create(
                    nomination=nomination,
                    user=proxy,
                    appointed_at=clock.now(),
                    finance_officer=finance_officer,
                )
            elif finance_officer and not appointed.finance_officer:
                appointed.finance_officer = True
                appointed.save(update_fields=["finance_officer"])
            else:
                raise taken
            event_record(
                actor=actor,
                role=role,
                action="nomination.proxy",
                object_key=f"{nomination.election.key}/{nomination.key}",
                payload={
                    "election": nomination.election.key,
                    "nominee": nomination.key,
                    "proxy": actor_user(proxy),
                    **({"finance_officer": True} if appointed.finance_officer else {}),
                },
            )
    except IntegrityError:
        raise taken from None
    return appointed
