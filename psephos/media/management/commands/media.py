"""``psephos media``: coded items, the blind second coding and coder agreement.

psephos media outlet KEY --medium tv|radio|print|online --names EN KK RU [--ownership T]
    [--state-owned] [--reach N]
psephos media plan ELECTION --key K --name T --outlets A,B --period 2022-10-21:2022-11-20
    --window 18:00-24:00 --coders c1,c2 [--incumbent OPTION] [--check-share BP]
psephos media import-items FILE --election KEY --plan KEY
psephos media member ELECTION --plan KEY --username U --role coder --coder c1 | --role coordinator
    [--revoke] [--base-url URL]      (a monitoring team's account on one plan; new: invitation link)
psephos media checks --election KEY --plan KEY --seed SEED   (draw items to code again)
psephos media checks --election KEY --plan KEY --coder CODE  (that coder's blind list)
psephos media agreement --election KEY --plan KEY
psephos media report ELECTION [--plan KEY] [--format json|csv]
psephos media slots FILE --election KEY                  (slots outlets offer, before the draw)
psephos media draw ELECTION --commit SHA256 | --seed SEED | --verify
psephos media draw ELECTION --seed SEED --user U --number N --date D --votes-for V --present P
    --document FILE [--reasons R] [--votes-against V] [--abstentions A] [--session N]
    (propose the CEC's decision to run the draw, at its open session N or outside one)
psephos media draw ELECTION --confirm N --user U   (a second CEC operator: the draw runs)
psephos media broadcasts FILE --election KEY --source outlet|monitor   (free airtime as aired)
psephos media rates FILE --election KEY                  (outlets' published rates)
psephos media ads FILE --election KEY                    (paid ads bought by candidates)
psephos media paid ELECTION                              (every ad against the rate, CSV)
psephos media debate ELECTION --key K --at 2022-11-11T20:00 --outlet KEY
    --participants abden=attended,tokayev=represented,...   (the CEC-organised debate)
psephos media airtime ELECTION                            (entitled, allocated, aired, coded)
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.management.base import CommandError, CommandParser
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from psephos.accounts.selectors import user_get
from psephos.commissions.register import session_chosen
from psephos.commissions.rules.decisions import DecisionVote
from psephos.commissions.selectors import commission_top_get
from psephos.core.commands import DomainCommand, decision_day, decision_document
from psephos.core.zones import iso_in_zone
from psephos.elections.selectors import election_get
from psephos.ledger.actors import actor_system

from ...errors import DebateInvalid, DrawNotCommitted, PlanInvalid
from ...exports import paid_csv, report_csv, report_dict
from ...models import MonitoringPlan
from ...selectors import (
    airtime_report,
    check_list_for_coder,
    draw_verify,
    paid_report,
    plan_agreement,
    plan_get,
    plan_list_for_election,
    plan_report,
)
from ...services.airtime import (
    broadcasts_record,
    draw_commit,
    draw_confirm,
    draw_propose,
    draw_run,
    slots_import,
)
from ...services.checks import checks_assign
from ...services.debates import DebateSpec, debate_record
from ...services.items import items_import
from ...services.outlets import OutletSpec, PlanSpec, outlet_register, plan_create
from ...services.paid import ads_record, rates_publish
from ...services.team import member_grant, member_revoke

if TYPE_CHECKING:
    from psephos.elections.models import Election

AIRTIME_ACTIONS = (
    "slots",
    "draw",
    "airtime",
    "broadcasts",
    "rates",
    "ads",
    "paid",
    "debate",
)


class Command(DomainCommand):
    help = "Media: coded items, the blind second coding, coder agreement."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        o = sub.add_parser("outlet", help="register an outlet")
        o.add_argument("key")
        o.add_argument("--medium", required=True)
        o.add_argument("--names", nargs=3, required=True, metavar=("EN", "KK", "RU"))
        o.add_argument("--ownership", default="")
        o.add_argument("--state-owned", action="store_true")
        o.add_argument("--reach", type=int, default=None)
        pl = sub.add_parser("plan", help="create a monitoring plan")
        pl.add_argument("election")
        pl.add_argument("--key", required=True)
        pl.add_argument("--name", required=True)
        pl.add_argument("--outlets", required=True, help="outlet keys, comma-separated")
        pl.add_argument("--period", required=True, help="FIRST:LAST (ISO dates)")
        pl.add_argument(
            "--window",
            required=True,
            help="HH:MM-HH:MM (24:00 ends the day); several daily windows separated by commas",
        )
        pl.add_argument("--coders", required=True, help="pseudonymous codes, comma-separated")
        pl.add_argument("--incumbent", default="")
        pl.add_argument("--check-share", type=int, default=1000, help="basis points")
        m = sub.add_parser("member", help="grant or revoke a monitoring team account on a plan")
        m.add_argument("election")
        m.add_argument("--plan", required=True)
        m.add_argument("--username", required=True)
        m.add_argument("--role", choices=("coder", "coordinator"), default="coder")
        m.add_argument("--coder", default="", help="the coder's code on the plan (coders)")
        m.add_argument("--revoke", action="store_true")
        m.add_argument("--base-url", default="http://localhost:8000", help="for the link")
        i = sub.add_parser("import-items", help="import a CSV of coded items, all or nothing")
        i.add_argument("file", type=Path)
        c = sub.add_parser("checks", help="draw items for a blind second coding, or list them")
        who = c.add_mutually_exclusive_group(required=True)
        who.add_argument("--seed", help="the published seed of the draw")
        who.add_argument("--coder", help="list the items drawn for this coder")
        a = sub.add_parser("agreement", help="Krippendorff's alpha for volume and tone")
        for p in (i, c, a):
            p.add_argument("--election", required=True)
            p.add_argument("--plan", required=True)
        r = sub.add_parser("report", help="coverage shares, tone, speakers, equal coverage")
        r.add_argument("election")
        r.add_argument("--plan", help="one plan (default: every plan of the election)")
        r.add_argument("--format", choices=("json", "csv"), default="json")
        sl = sub.add_parser("slots", help="record the free airtime slots outlets offer")
        sl.add_argument("file", type=Path)
        sl.add_argument("--election", required=True)
        sl.add_argument("--timezone", default="", help="default: the election's time zone")
        d = sub.add_parser("draw", help="the free airtime draw: commit, run, verify")
        d.add_argument("election")
        step = d.add_mutually_exclusive_group(required=True)
        step.add_argument("--commit", metavar="SHA256", help="publish the seed's SHA-256")
        step.add_argument("--seed", help="reveal the seed and run the draw")
        step.add_argument("--verify", action="store_true", help="recompute the draw")
        step.add_argument(
            "--confirm", metavar="NUMBER", help="confirm the CEC's draw decision; the draw runs"
        )
        d.add_argument("--user", default="", help="the CEC operator proposing or confirming")
        d.add_argument("--number", default="", help="the decision's number (with --seed --user)")
        d.add_argument("--date", type=decision_day, default=None, help="the decision's date")
        d.add_argument("--reasons", default="")
        d.add_argument("--votes-for", type=int, default=0)
        d.add_argument("--votes-against", type=int, default=0)
        d.add_argument("--abstentions", type=int, default=0)
        d.add_argument("--present", type=int, default=0, help="members present at the vote")
        d.add_argument("--document", default="", help="the signed decision document")
        d.add_argument(
            "--session",
            default="",
            help="the number of the CEC's open session that adopts it (none: outside one)",
        )
        u = sub.add_parser("airtime", help="free airtime entitled, allocated, aired and coded")
        u.add_argument("election")
        b = sub.add_parser("broadcasts", help="record free airtime as aired in drawn slots")
        b.add_argument("file", type=Path)
        b.add_argument("--election", required=True)
        b.add_argument("--source", required=True, help="outlet or monitor")
        for name, text in (
            ("rates", "record outlets' published rates for paid advertising"),
            ("ads", "record the paid ads candidates bought"),
        ):
            f = sub.add_parser(name, help=text)
            f.add_argument("file", type=Path)
            f.add_argument("--election", required=True)
        pa = sub.add_parser("paid", help="every paid ad against the published rate (CSV)")
        pa.add_argument("election")
        db = sub.add_parser("debate", help="record a debate the CEC organised")
        db.add_argument("election")
        db.add_argument("--key", required=True)
        db.add_argument("--at", required=True, help="local date and time, YYYY-MM-DDTHH:MM")
        db.add_argument("--outlet", required=True)
        db.add_argument(
            "--participants",
            required=True,
            help="CANDIDATE=attended|represented|declined|absent, comma-separated",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "outlet":
            outlet = outlet_register(
                spec=OutletSpec(
                    options["key"],
                    options["medium"],
                    tuple(options["names"]),
                    options["ownership"],
                    options["state_owned"],
                    options["reach"],
                ),
                actor=actor_system("cli"),
            )
            self.stdout.write(_("Outlet %(key)s registered.") % {"key": outlet.key})
            return
        if options["action"] == "plan":
            self._plan(options)
            return
        if options["action"] == "member":
            self._member(options)
            return
        if options["action"] in AIRTIME_ACTIONS:
            getattr(self, f"_{options['action']}")(election_get(key=options["election"]), options)
            return
        if options["action"] == "report":
            self._report(options)
            return
        election = election_get(key=options["election"])
        plan = plan_get(election=election, key=options["plan"])
        if options["action"] == "checks":
            self._checks(plan, options)
            return
        if options["action"] == "agreement":
            self._agreement(plan)
            return
        path: Path = options["file"]
        summary = items_import(
            plan=plan, data=path.read_bytes(), file_name=path.name, actor=actor_system("cli")
        )
        self.stdout.write(
            _("%(items)d coded items imported (%(checks)d second codings); SHA-256 %(sha)s.")
            % {"items": summary.items, "checks": summary.checks, "sha": summary.sha256}
        )

    def _checks(self, plan: MonitoringPlan, options: dict[str, Any]) -> None:
        if options["coder"]:
            for task in check_list_for_coder(plan=plan, coder=options["coder"]):
                local = iso_in_zone(task.aired_at, plan.timezone)
                self.stdout.write(f"{task.item},{task.outlet},{local},{task.programme}")
            return
        assigned = checks_assign(plan=plan, seed=options["seed"], actor=actor_system("cli"))
        self.stdout.write(
            _("%(count)d items drawn for a second coding.") % {"count": len(assigned)}
        )
        for coder, n in sorted(Counter(assigned.values()).items()):
            self.stdout.write(f"  {coder}: {n}")

    def _member(self, options: dict[str, Any]) -> None:
        plan = plan_get(election=election_get(key=options["election"]), key=options["plan"])
        actor = actor_system("cli")
        if options["revoke"]:
            member_revoke(plan=plan, username=options["username"], actor=actor, actor_role="system")
            self.stdout.write(_("Access to the plan revoked."))
            return
        grant = member_grant(
            plan=plan,
            username=options["username"],
            role=options["role"],
            coder=options["coder"],
            actor=actor,
            actor_role="system",
        )
        self.stdout.write(
            _("%(username)s is %(role)s of plan %(plan)s.")
            % {"username": options["username"], "role": grant.member.role, "plan": plan.key}
        )
        if grant.invitation:
            self.stdout.write(
                _(
                    "Invitation link (SECRET: it sets the account's password once; send it "
                    "only to its holder, over a private channel):"
                )
            )
            base = options["base_url"].rstrip("/")
            self.stdout.write(f"  {base}/accounts/invitation/{grant.invitation}/")

    def _plan(self, options: dict[str, Any]) -> None:
        election = election_get(key=options["election"])
        try:
            first, last = (dt.date.fromisoformat(d) for d in options["period"].split(":"))
        except ValueError:
            raise PlanInvalid(
                _("The period is FIRST:LAST as ISO dates (2022-10-21:2022-11-20)."),
                data={"field": "period"},
            ) from None
        windows = _windows(options["window"])
        plan = plan_create(
            election=election,
            spec=PlanSpec(
                key=options["key"],
                name=options["name"],
                outlets=tuple(k.strip() for k in options["outlets"].split(",") if k.strip()),
                starts_on=first,
                ends_on=last,
                window_start=windows[0][0],
                window_end=windows[-1][1],
                windows=windows if len(windows) > 1 else (),
                coders=tuple(c.strip() for c in options["coders"].split(",") if c.strip()),
                incumbent=options["incumbent"],
                check_share=options["check_share"],
            ),
            actor=actor_system("cli"),
        )
        self.stdout.write(_("Monitoring plan %(key)s created.") % {"key": plan.key})

    def _slots(self, election: Election, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        count = slots_import(
            election=election,
            data=path.read_bytes(),
            file_name=path.name,
            actor=actor_system("cli"),
            timezone=options["timezone"],
        )
        self.stdout.write(_("%(count)d slots offered.") % {"count": count})

    def _draw_decision(self, election: Election, options: dict[str, Any]) -> None:
        """Propose the CEC's draw decision (``--seed --user``) or confirm it (``--confirm``)."""
        if not options["user"]:
            raise CommandError(_("--confirm needs --user (the confirming CEC operator)."))
        user = user_get(username=options["user"])
        if options["confirm"]:
            allocation = draw_confirm(election=election, user=user, number=options["confirm"])
            for slot, candidate in sorted(allocation.items()):
                self.stdout.write(f"{slot},{candidate}")
            return
        missing = [
            f"--{name.replace('_', '-')}"
            for name in ("number", "date", "votes_for", "present", "document")
            if not options[name]
        ]
        if missing:
            raise CommandError(
                _("The draw's decision needs %(options)s.") % {"options": ", ".join(missing)}
            )
        decision = draw_propose(
            election=election,
            user=user,
            seed=options["seed"],
            number=options["number"],
            decided_on=options["date"],
            vote=DecisionVote(
                0,
                options["present"],
                options["votes_for"],
                options["votes_against"],
                options["abstentions"],
            ),
            reasons=options["reasons"],
            document=decision_document(options["document"]),
            session=session_chosen(
                commission=commission_top_get(geography=election.geography),
                number=options["session"],
            ),
        )
        self.stdout.write(
            _(
                "Decision No. %(number)s of %(commission)s is proposed; the draw runs when "
                "another CEC operator confirms it: psephos media draw %(election)s "
                "--confirm %(number)s --user OTHER"
            )
            % {
                "number": decision.number,
                "commission": decision.commission.code,
                "election": election.key,
            }
        )

    def _draw(self, election: Election, options: dict[str, Any]) -> None:
        if options["commit"]:
            draw = draw_commit(
                election=election, commitment_sha256=options["commit"], actor=actor_system("cli")
            )
            self.stdout.write(
                _("Commitment %(commitment)s published; inputs SHA-256 %(inputs)s.")
                % {"commitment": draw.commitment, "inputs": draw.inputs_sha256}
            )
            return
        if options["confirm"] or (options["seed"] and options["user"]):
            self._draw_decision(election, options)
            return
        if options["seed"]:
            allocation = draw_run(
                election=election, seed=options["seed"], actor=actor_system("cli")
            )
            for slot, candidate in sorted(allocation.items()):
                self.stdout.write(f"{slot},{candidate}")
            return
        check = draw_verify(election=election)
        if not check.drawn:
            raise DrawNotCommitted(
                _("The draw of %(election)s has not been run.") % {"election": election.key},
                data={"election": election.key},
            )
        if check.commitment_ok and check.inputs_ok and check.allocation_ok:
            self.stdout.write(_("The draw is verified: seed, inputs and allocation agree."))
            return
        raise CommandError(
            _(
                "The draw does not verify: seed %(seed)s, inputs %(inputs)s, slots differing: %(slots)s."
            )
            % {
                "seed": _("agrees") if check.commitment_ok else _("differs"),
                "inputs": _("agree") if check.inputs_ok else _("differ"),
                "slots": ", ".join(check.mismatches) or "—",
            }
        )

    def _airtime(self, election: Election, options: dict[str, Any]) -> None:
        report = airtime_report(election=election)
        drawn = report.state == "drawn"
        if not drawn:
            self.stderr.write(_("Nothing drawn yet: allocated and aired are empty."))
        self.stdout.write(
            "candidate,"
            + ",".join(
                f"{medium}_{what}"
                for medium in ("tv", "radio", "articles")
                for what in ("entitled", "allocated", "aired", "coded")
            )
        )
        for u in report.candidates:
            cells = [u.candidate]
            for i in range(3):
                cells += [
                    str(u.entitled[i]),
                    str(u.allocated[i]) if drawn else "",
                    str(u.aired[i]) if drawn else "",
                    str(u.coded[i]),
                ]
            self.stdout.write(",".join(cells))

    def _broadcasts(self, election: Election, options: dict[str, Any]) -> None:
        count = self._file(broadcasts_record, election, options, source=options["source"])
        self.stdout.write(_("%(count)d broadcasts recorded.") % {"count": count})

    def _rates(self, election: Election, options: dict[str, Any]) -> None:
        count = self._file(rates_publish, election, options)
        self.stdout.write(_("%(count)d rates recorded.") % {"count": count})

    def _ads(self, election: Election, options: dict[str, Any]) -> None:
        count = self._file(ads_record, election, options)
        self.stdout.write(_("%(count)d paid ads recorded.") % {"count": count})

    @staticmethod
    def _file(
        service: Callable[..., int], election: Election, options: dict[str, Any], **extra: str
    ) -> int:
        """Send the command's file to a service that records it all or nothing."""
        path: Path = options["file"]
        return service(
            election=election,
            data=path.read_bytes(),
            file_name=path.name,
            actor=actor_system("cli"),
            **extra,
        )

    def _debate(self, election: Election, options: dict[str, Any]) -> None:
        try:
            at = dt.datetime.fromisoformat(options["at"])
        except ValueError:
            raise DebateInvalid(
                _("The time is a local date and time as YYYY-MM-DDTHH:MM."),
                data={"field": "at"},
            ) from None
        if at.tzinfo is None:
            at = at.replace(tzinfo=ZoneInfo(election.geography.timezone))
        answers = dict(
            pair.strip().partition("=")[::2]
            for pair in options["participants"].split(",")
            if pair.strip()
        )
        debate = debate_record(
            election=election,
            spec=DebateSpec(options["key"], at, options["outlet"], answers),
            actor=actor_system("cli"),
        )
        self.stdout.write(_("Debate %(key)s recorded.") % {"key": debate.key})

    def _paid(self, election: Election, options: dict[str, Any]) -> None:
        self.stdout.write(paid_csv(paid_report(election=election)), ending="")

    def _report(self, options: dict[str, Any]) -> None:
        election = election_get(key=options["election"])
        plans = (
            [plan_get(election=election, key=options["plan"])]
            if options["plan"]
            else plan_list_for_election(election=election)
        )
        reports = [plan_report(plan=p) for p in plans]
        if options["format"] == "csv":
            self.stdout.write(report_csv(reports), ending="")
            return
        data = {"election": election.key, "plans": [report_dict(r) for r in reports]}
        self.stdout.write(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1))

    def _agreement(self, plan: MonitoringPlan) -> None:
        result = plan_agreement(plan=plan)
        self.stdout.write(
            _(
                "%(items)d items coded twice; volume alpha %(volume)s over %(vunits)d "
                "subject codings, tone alpha %(tone)s over %(tunits)d."
            )
            % {
                "items": result.items,
                "volume": _alpha_text(result.volume_alpha),
                "vunits": result.volume_units,
                "tone": _alpha_text(result.tone_alpha),
                "tunits": result.tone_units,
            }
        )


def _windows(text: str) -> tuple[tuple[int, int], ...]:
    """Return the minutes of ``HH:MM-HH:MM[,HH:MM-HH:MM…]`` or raise ``PlanInvalid``
    (field ``window``); ``plan_create`` checks their order and overlap."""
    try:
        out = []
        for window in text.split(","):
            start, end = window.strip().split("-")
            out.append(tuple(int(h) * 60 + int(m) for h, m in (t.split(":") for t in (start, end))))
        return tuple(out)  # type: ignore[arg-type]
    except ValueError:
        raise PlanInvalid(
            _("The window is HH:MM-HH:MM, several separated by commas (07:00-09:00,18:00-24:00)."),
            data={"field": "window"},
        ) from None


def _alpha_text(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"
