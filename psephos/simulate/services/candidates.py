"""The 2022 nominees through the candidates app's own services, on the legal calendar.

Nominating bodies, the twelve nominations, deposits, eligibility decided criterion by
criterion, signature files written to disk and run through
``candidates.services.signatures.signatures_import`` against the register, the CEC's
two-step registration decisions and the ballot: every step is the service a CEC
operator would use, run at its 2022 date (``core.clock.fixed``). The register holds
the signers the verification looks up (``voters.services.register.register_import``),
not 12 million voters; the minimum is a share of the register counted on 1 Jul 2022
(the profile's ``signatures_register_basis``).
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from psephos.accounts.enums import Role
from psephos.accounts.selectors import users_by_username
from psephos.accounts.services.invitations import operator_deactivate, operator_invite
from psephos.candidates.errors import BodyNotFound
from psephos.candidates.rules.eligibility import (
    Assessment,
    CriteriaRules,
    Criterion,
    criteria_applied,
)
from psephos.candidates.rules.signatures import PatternRules
from psephos.candidates.selectors import body_get, signature_summary
from psephos.candidates.services.deposits import deposit_pay
from psephos.candidates.services.eligibility import eligibility_decide
from psephos.candidates.services.nominations import (
    NomineeSpec,
    body_register,
    election_nominations_delete,
    nomination_submit,
)
from psephos.candidates.services.registration import (
    Vote,
    ballot_build,
    registration_confirm,
    registration_propose,
)
from psephos.candidates.services.sheets import sheets_issue
from psephos.candidates.services.signatures import signatures_check_rest, signatures_import
from psephos.commissions.selectors import commission_top_get
from psephos.commissions.services import decisions_delete_proposed_by
from psephos.core import clock
from psephos.core.bulk import collector_paused
from psephos.elections.rules.profiles import PresidentialProfile
from psephos.elections.selectors import election_exists, election_get, election_profile
from psephos.ledger.actors import actor_system
from psephos.voters.services.register import register_delete, register_import

from ..rules.nominees import (
    NOMINEES,
    NomineeData,
    People,
    RegisterRow,
    SignatureFile,
    scaled,
    signature_file,
)

if TYPE_CHECKING:
    from psephos.candidates.models import NominatingBody, Nomination
    from psephos.elections.models import Election

    from ..rules.country import CountryPlan

ACTOR = actor_system("simulate")
OPERATORS = ["simulate-cec-1", "simulate-cec-2"]  # the CEC's two operators (propose, confirm)
ZONE = ZoneInfo("Asia/Almaty")
OFFICES_SINCE = dt.date(2020, 1, 1)  # invented: every body's offices were registered by then
ELIGIBILITY_DAYS = 3  # invented: the CEC decides 3 days after submission (the law: within 5)
IMPORT_AFTER_DAYS = 2  # invented: the TECs' verification protocols 2 days after collection
# The last decisions fall at 15:00 on 21 Oct; the ballot freezes when registration closes at 18:00.
BALLOT_ON = dt.datetime(2022, 10, 21, 17, 0, tzinfo=ZONE)
# The criteria an assessor enters: the age is computed, the language test has its record.
ENTERED = [
    c.value
    for c in criteria_applied(CriteriaRules())
    if c not in (Criterion.AGE, Criterion.KAZAKH_LANGUAGE)
]
EXAMINERS = tuple(f"Linguistic Commission member {i}" for i in range(1, 7))  # [P] fn47: six


@dataclass(frozen=True, slots=True)
class CandidatesResult:
    nominees: int
    registered: list[str]
    lines: int  # signature lines written and read by the verifier
    checked: int


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), ZONE)


def _eligibility_on(n: NomineeData) -> dt.date:
    return min(n.submitted + dt.timedelta(days=ELIGIBILITY_DAYS), n.decided - dt.timedelta(days=1))


def _assessments(n: NomineeData) -> list[Assessment]:
    failed = dict(n.failed)
    out = [
        Assessment(c, "failed", f"documents of {n.submitted.isoformat()}", reason=failed[c])
        if c in failed
        else Assessment(c, "met", f"documents of {n.submitted.isoformat()}")
        for c in ENTERED
    ]
    if not n.incumbent:
        out.append(
            Assessment(
                "kazakh_language",
                "met",
                "essay, reading aloud, 15 minutes' public speaking",
                examiners=EXAMINERS,
                held_on=_eligibility_on(n) - dt.timedelta(days=1),
            )
        )
    return out


def _stations_by_unit(plan: CountryPlan) -> dict[str, list[str]]:
    """Return each first-level unit's polling stations at home (not abroad) by code."""
    out: dict[str, list[str]] = {r.code: [] for r in plan.regions}
    for i in range(plan.n_stations):
        if int(plan.station_kind[i]) == 2:
            continue
        region = plan.regions[plan.districts[int(plan.station_district[i])].region]
        out[region.code].append(plan.station_code(i))
    return out


def _register_write(path: Path, rows: list[RegisterRow], stations: dict[str, list[str]]) -> None:
    seen: set[str] = set()
    with path.open("w", encoding="utf-8") as out:
        out.write("iin,surname,given_name,patronymic,birth_date,sex,station,status\n")
        for k, row in enumerate(rows):
            p = row.person
            if p.iin in seen:
                continue
            seen.add(p.iin)
            codes = stations[row.unit]
            out.write(
                f"{p.iin},{row.surname or p.surname},{p.given_name},,{p.birth_date.isoformat()},"
                f"{p.sex},{codes[k % len(codes)]},{'prisoner' if row.prisoner else ''}\n"
            )


def _body_find(key: str) -> NominatingBody | None:
    """The nominating body if a run before this one registered it (bodies outlive an election)."""
    try:
        return body_get(key=key)
    except BodyNotFound:
        return None


def candidates_simulate(
    *,
    election: Election,
    plan: CountryPlan,
    seed: int,
    lines_scale: float = 1.0,
    log: Callable[[str], None] | None = None,
    show_progress: bool | None = None,
) -> CandidatesResult:
    """Run the 2022 nominations of ``election`` through the candidates services.

    ``lines_scale`` 1 writes the published numbers of lines (399,809 for Tokayev);
    tests pass a fraction. Call inside the simulation's transaction, before any
    protocol: the ballot it builds becomes the election's options. ``show_progress``: the
    signature imports' bars (``core.progress``).
    """
    say = log or (lambda _message: None)
    geography = election.geography
    profile = election_profile(election=election)
    assert isinstance(profile, PresidentialProfile)
    patterns = PatternRules(profile.signature_one_hand_lines, profile.signature_sequential_run)
    days = profile.signature_collection_days
    units = [r.code for r in plan.regions]
    stations = _stations_by_unit(plan)
    people = People(random.Random(seed))
    files: dict[str, SignatureFile] = {}
    windows: dict[str, tuple[dt.date, dt.date]] = {}
    with collector_paused():  # a million lines' objects, all kept until the files are written
        for n in NOMINEES:
            if n.signatures is None:
                continue
            opens = _eligibility_on(n)
            windows[n.key] = (opens, opens + dt.timedelta(days=days - 1))
            files[n.key] = signature_file(
                scaled(n.signatures, lines_scale),
                units=units,
                window=windows[n.key],
                people=people,
                rng=random.Random(f"{seed}:{n.key}"),
                seed=seed,
                patterns=patterns,
            )
    cec = commission_top_get(geography=geography)
    with tempfile.TemporaryDirectory(prefix="psephos-signatures-") as tmp:
        folder = Path(tmp)
        with clock.fixed(_at(dt.date(2022, 9, 22), 9)):
            register = folder / "register-signers.csv"
            _register_write(register, [r for f in files.values() for r in f.register], stations)
            register_import(
                geography=geography,
                path=register,
                report_path=folder / "register-report.csv",
                actor=ACTOR,
                show_progress=False,
            )
            operators = [
                operator_invite(
                    username=username, role=Role.CEC_OPERATOR, commission=cec, actor=ACTOR
                )[0]
                for username in OPERATORS
            ]
            bodies = {
                n.key: _body_find(n.body.key)
                or body_register(
                    key=n.body.key,
                    kind=n.body.kind,
                    names=n.body.names,
                    registration_number=f"{n.body.kind[0].upper()}-{i + 1:02d}",
                    registered_on=OFFICES_SINCE,
                    offices=dict.fromkeys(units, OFFICES_SINCE),
                    actor=ACTOR,
                )
                for i, n in enumerate(NOMINEES)
            }
        steps: list[tuple[dt.datetime, int, Callable[[], object]]] = []
        nominations: dict[str, Nomination] = {}

        def submit(n: NomineeData) -> None:
            nominations[n.key] = nomination_submit(
                election=election,
                body=bodies[n.key],
                nominee=NomineeSpec(
                    key=n.key,
                    names=n.names,
                    sex=n.sex,
                    birth_date=n.birth_date,
                    decided_on=n.submitted - dt.timedelta(days=1),
                    incumbent=n.incumbent,
                ),
                documents=[],
                actor=ACTOR,
            )
            deposit_pay(
                nomination=nominations[n.key],
                amount=profile.deposit_minimum_wages * profile.minimum_wage,
                paid_on=n.submitted,
                actor=ACTOR,
            )

        def assess(n: NomineeData) -> None:
            nominations[n.key] = eligibility_decide(
                nomination=nominations[n.key], assessments=_assessments(n), actor=ACTOR
            )

        def verify(n: NomineeData) -> None:
            path = folder / f"signatures-{n.key}.csv"
            path.write_bytes(files[n.key].data)
            assert n.signatures is not None
            # The CEC issued the numbered sheets the file's lines are on.
            sheets_issue(nomination=nominations[n.key], count=files[n.key].sheets, actor=ACTOR)
            sampled = files[n.key].checked < scaled(n.signatures, lines_scale).collected
            summary = signatures_import(
                nomination=nominations[n.key],
                path=path,
                actor=ACTOR,
                sample=files[n.key].checked if sampled else None,
                seed=seed,
                show_progress=show_progress,
            )
            say(
                _("%(nominee)s: %(lines)s signature lines, %(checked)s checked, %(valid)s valid")
                % {
                    "nominee": n.key,
                    "lines": summary.lines,
                    "checked": summary.checked,
                    "valid": summary.valid,
                }
            )

        def decide(n: NomineeData, number: str) -> None:
            nomination = nominations[n.key]
            nomination.refresh_from_db()
            # The commission reads the verification protocols as any operator would.
            summary = signature_summary(nomination=nomination)
            verdict = summary.verdict
            if not n.failed and not verdict.register and not verdict.refuse:
                # The sample decides nothing either way: the commission checks every line.
                signatures_check_rest(
                    nomination=nomination,
                    file_name=f"signatures-{n.key}.csv",
                    data=files[n.key].data,
                    actor=ACTOR,
                    show_progress=show_progress,
                )
                summary = signature_summary(nomination=nomination)
            if n.failed:
                outcome = "refuse"
                reasons = "Refused as ineligible: " + "; ".join(f"{c}: {r}" for c, r in n.failed)
            elif summary.verdict.register:
                outcome = "register"
                reasons = (
                    f"Registered: every criterion met; {summary.verdict.estimate} valid "
                    f"signatures of {summary.threshold.required} required, in "
                    f"{summary.threshold.units_meeting} units"
                )
            else:
                outcome = "refuse"
                reasons = (
                    f"Refused: at most {summary.verdict.upper_bound} valid signatures of "
                    f"{summary.threshold.required} required, in "
                    f"{summary.threshold.units_meeting} units of {summary.threshold.min_units}"
                )
            registration_propose(
                nomination=nomination,
                user=operators[0],
                outcome=outcome,
                number=number,
                decided_on=n.decided,
                vote=Vote(7, 0, 0),
                reasons=reasons,
                document=f"CEC resolution {number}: {reasons}".encode(),
            )
            registration_confirm(user=operators[1], nomination=nomination, number=number)

        for i, n in enumerate(NOMINEES):
            steps.append((_at(n.submitted), 0, partial(submit, n)))
            steps.append((_at(_eligibility_on(n), 11), 1, partial(assess, n)))
            if n.key in windows:
                day = windows[n.key][1] + dt.timedelta(days=IMPORT_AFTER_DAYS)
                steps.append((_at(day, 12), 2, partial(verify, n)))
            number = f"{n.decided.strftime('%m%d')}/{i + 1:02d}"  # invented numbering
            steps.append((_at(n.decided, 15), 3, partial(decide, n, number)))
        steps.sort(key=lambda s: (s[0], s[1]))
        for when, _order, step in steps:
            with clock.fixed(when):
                step()
        with clock.fixed(BALLOT_ON):
            ballot = ballot_build(election=election, actor=ACTOR)
    return CandidatesResult(
        nominees=len(NOMINEES),
        registered=[k for k in ballot if k in nominations],
        lines=sum(scaled(n.signatures, lines_scale).collected for n in NOMINEES if n.signatures),
        checked=sum(f.checked for f in files.values()),
    )


def simulated_candidates_delete(*, election_key: str) -> int:
    """Clear what ``candidates_simulate`` wrote for ``election_key`` (before ``--replace``).

    The nominations with their records (``election_nominations_delete``), the decisions
    the two simulated CEC operators proposed (``decisions_delete_proposed_by``), those
    operators detached from the commission about to be deleted (``operator_deactivate``
    with ``unbind``; the next run binds them again) and the map's register of signers
    (``register_delete``). Returns the number of nominations deleted.
    """
    count = election_nominations_delete(election_key=election_key, actor=ACTOR)
    operators = list(users_by_username(usernames=OPERATORS).values())
    decisions_delete_proposed_by(users=operators, actor=ACTOR)
    for user in operators:
        if user.commission_id is not None:
            operator_deactivate(user=user, actor=ACTOR, unbind=True)
    if election_exists(key=election_key):
        register_delete(geography=election_get(key=election_key).geography, actor=ACTOR)
    return count
