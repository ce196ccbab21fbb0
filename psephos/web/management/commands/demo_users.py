"""``psephos demo_users``: one CEC, one TEC and one PEC operator, one observer and one
media monitor for the demo.

The TEC and PEC are the first TEC (by code) whose stations have no protocol yet
(``psephos simulate … --leave-open TEC``), so that protocol entry and acceptance
can be tried; the observer is the first accredited observer of the simulated mission;
the media monitor (``demo-monitor``) coordinates the election's first monitoring plan.

Idempotent: a second run finds the same users and gives each a new random
password (passwords are stored hashed, so they cannot be shown again). Prints the
logins; writes one ledger event per user with no personal data.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from psephos.accounts.enums import Role
from psephos.accounts.models import User
from psephos.commissions.enums import CommissionLevel
from psephos.commissions.selectors import commission_list_children, commission_list_for_level
from psephos.core.errors import DomainError
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_system
from psephos.ledger.services.events import event_record
from psephos.results.selectors.protocols import tec_has_protocols

if TYPE_CHECKING:
    from psephos.commissions.models import Commission
    from psephos.elections.models import Election


def demo_user_ensure(*, username: str, role: Role, commission: Commission, password: str) -> User:
    """Create or update a demo operator bound to the commission, with this password."""
    with transaction.atomic():
        user, created = User.objects.get_or_create(
            username=username, defaults={"role": role, "commission": commission}
        )
        user.role = role
        user.commission = commission
        user.is_active = True
        user.set_password(password)
        user.save()
        event_record(
            actor=actor_system("demo_users"),
            role="system",
            action="user.demo_create" if created else "user.demo_reset",
            object_key=f"user:{user.pk}",
            payload={"role": role.value, "commission": commission.code},
        )
    return user


def demo_observer_ensure(*, election: Election, password: str) -> tuple[User, str] | None:
    """Give the first accredited observer of the election's mission a login; None if none."""
    from psephos.observation.services.simulation import simulated_observer_link

    try:
        return _demo_observer_write(election, password, simulated_observer_link)
    except _NoObserverError:
        return None


def demo_monitor_ensure(*, election: Election, password: str) -> tuple[User, str] | None:
    """Give ``demo-monitor`` this password and the coordinator's role on the election's
    first monitoring plan, so that the offline coding form's upload can be tried; None if
    the election has no plan (``simulate --no-media``)."""
    from psephos.media.enums import TeamRole
    from psephos.media.selectors import plan_list_for_election
    from psephos.media.services.team import member_grant

    plans = plan_list_for_election(election=election)
    if not plans:
        return None
    plan = plans[0]
    with transaction.atomic():
        user, created = _demo_reader(username="demo-monitor", password=password)
        event_record(
            actor=actor_system("demo_users"),
            role="system",
            action="user.demo_create" if created else "user.demo_reset",
            object_key=f"user:{user.pk}",
            payload={"role": "monitor"},
        )
        member_grant(
            plan=plan,
            username=user.username,
            role=TeamRole.COORDINATOR,
            coder="",
            actor=actor_system("demo_users"),
            actor_role="system",
        )
    return user, plan.key


def _demo_reader(*, username: str, password: str) -> tuple[User, bool]:
    """Create or reset a demo reader account (no commission) with ``password``; say if new."""
    user, created = User.objects.get_or_create(username=username, defaults={"role": Role.READER})
    user.role = Role.READER
    user.commission = None
    user.is_active = True
    user.set_password(password)
    user.save()
    return user, created


class _NoObserverError(Exception):
    """The election has no accredited observer: nothing is written."""


def _demo_observer_write(election: Election, password: str, link: Any) -> tuple[User, str]:
    with transaction.atomic():
        user, created = _demo_reader(username="demo-observer", password=password)
        linked = link(election=election, user=user)
        if linked is None:
            raise _NoObserverError
        badge, organisation = linked
        event_record(
            actor=actor_system("demo_users"),
            role="system",
            action="user.demo_create" if created else "user.demo_reset",
            object_key=f"user:{user.pk}",
            payload={"role": "observer", "organisation": organisation},
        )
    return user, badge


class Command(BaseCommand):
    help = (
        "Create (or reset) a CEC, a TEC and a PEC operator for an election and print their logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--election", default="kz-2022-presidential")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            election = election_get(key=options["election"])
        except DomainError as exc:
            raise CommandError(
                f"{exc.message} Run `psephos simulate {options['election']}` first."
            ) from exc
        geography = election.geography
        cec = commission_list_for_level(geography=geography, level=CommissionLevel.CEC).first()
        tec = pec = None
        tecs = list(
            commission_list_for_level(
                geography=geography, level=CommissionLevel.TEC_DISTRICT
            ).order_by("code")
        )
        # A TEC left open by the simulation first, so that its staff have work to do.
        opened = {t.pk for t in tecs if not tec_has_protocols(election=election, tec=t)}
        for candidate in sorted(tecs, key=lambda t: t.pk not in opened):
            pec = (
                commission_list_children(commission=candidate)
                .filter(level=CommissionLevel.PEC)
                .order_by("code")
                .first()
            )
            if pec is not None:
                tec = candidate
                break
        if cec is None or tec is None or pec is None:
            raise CommandError(
                f"Election “{election.key}” has no complete commission tree "
                "(CEC, a TEC and a PEC under it)."
            )
        rows = []
        for role, commission in (
            (Role.CEC_OPERATOR, cec),
            (Role.TEC_OPERATOR, tec),
            (Role.PEC_OPERATOR, pec),
        ):
            username = f"demo-{role.value}"
            password = secrets.token_urlsafe(12)
            demo_user_ensure(username=username, role=role, commission=commission, password=password)
            rows.append((role.value.upper(), commission.code, username, password))
        self.stdout.write(f"Staff logins for {election.key} (log in at /login/):")
        for level, code, username, password in rows:
            self.stdout.write(f"  {level:<4} {code:<12} login: {username:<10} password: {password}")
        observer_password = secrets.token_urlsafe(12)
        observer = demo_observer_ensure(election=election, password=observer_password)
        if observer is not None:
            self.stdout.write(
                f"  OBS  badge {observer[1]:<6} login: {observer[0].username} "
                f"password: {observer_password}"
            )
        monitor_password = secrets.token_urlsafe(12)
        monitor = demo_monitor_ensure(election=election, password=monitor_password)
        if monitor is not None:
            self.stdout.write(
                f"  MON  plan {monitor[1]:<7} login: {monitor[0].username} "
                f"password: {monitor_password}"
            )
        if pec.station is not None:
            self._demo_register(election, pec.station)
        if tec.pk in opened:
            station = pec.station.code if pec.station is not None else pec.code
            self.stdout.write(
                f"What to try: the stations of TEC {tec.code} have no protocol yet."
                f" As demo-pec, mark voters and enter the protocol of station {station}"
                f" (/staff/e/{election.key}/protocol/);"
                f" as demo-tec, accept it (/staff/e/{election.key}/queue/);"
                " as demo-cec, watch the tallies; as demo-observer, submit a checklist"
                " (/observation/form/)."
            )
        if monitor is not None:
            self.stdout.write(
                f"As demo-monitor, code items offline at /media/{election.key}/{monitor[1]}/code/"
                " and upload them (the plan's coordinator)."
            )

    def _demo_register(self, election: Any, station: Any) -> None:
        """Give the demo PEC a small synthetic register to mark, once."""
        from django.conf import settings

        from psephos.voters.models import Voter
        from psephos.voters.services.generate import register_sample_write
        from psephos.voters.services.lists import list_extract
        from psephos.voters.services.register import register_import

        if Voter.objects.filter(geography_id=election.geography_id).exists():
            return
        path = Path(settings.VAR_DIR) / "demo-voters.csv"
        register_sample_write(
            election=election, station_code=station.code, count=40, seed=2022, path=path
        )
        register_import(
            geography=election.geography,
            path=path,
            report_path=path.with_name("demo-voters.errors.csv"),
            actor=actor_system("demo_users"),
        )
        list_extract(election=election, actor=actor_system("demo_users"))
        self.stdout.write(
            f"Demo register: 40 synthetic voters at station {station.code} ({path});"
            f" the PEC marks them at /voters/{election.key}/stations/{station.code}/mark/"
        )
