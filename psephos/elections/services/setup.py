"""Set up (or update) a real election from a directory of files: ``psephos setup DIR``.

Orchestration over territory, commissions, elections and accounts: the files are read
and checked by ``rules.setup_files`` (every problem collected, with file, line and
column), compared with what is stored, and written through the same services the
simulation uses (``geography_create``, ``commission_tree_create``,
``election_create``) for a first load, or as versioned changes for a re-run
(``territory_revise``, ``commissions_revise``, ``election_revise``). Everything
happens in one transaction: a refused directory changes nothing.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from psephos.accounts.enums import Role
from psephos.accounts.selectors import operators_of_geography, users_by_username
from psephos.accounts.services.invitations import (
    operator_deactivate,
    operator_invite,
    operator_update,
)
from psephos.commissions.members import nominating_bodies_name
from psephos.commissions.rules.nominators import NOMINATORS
from psephos.commissions.selectors import (
    commission_codes_closed,
    commission_rows_current,
    commissions_open_by_code,
    decision_get,
    member_rows_current,
    nominating_body_names_stored,
)
from psephos.commissions.services import (
    CommissionSpec,
    MemberSpec,
    commission_tree_create,
    commissions_revise,
)
from psephos.core import clock
from psephos.core.errors import ValidationFailed
from psephos.ledger.actors import actor_system
from psephos.ledger.services.events import event_record
from psephos.territory.selectors import (
    closed_codes,
    geography_find,
    station_specs_current,
    unit_and_station_ids,
    unit_specs_current,
)
from psephos.territory.services import (
    StationSpec,
    TerritoryChanges,
    UnitSpec,
    geography_close,
    geography_create,
    territory_revise,
)

from ..models import Contest, Election
from ..rules.setup_files import (
    ELECTION_FILE,
    CommissionRow,
    ElectionDef,
    FileDiff,
    Problem,
    SetupFiles,
    diff_records,
    flat_values,
    nominating_body_names,
    row_values,
    setup_read,
)
from .election import OptionSpec, Schedule, election_create, election_revise

if TYPE_CHECKING:
    from psephos.territory.models import Geography

ACTOR = actor_system("setup")
#: A member row's fields that are not the membership's values (key, the body's names).
MEMBER_ROW_OWN = ("commission", "name", "nominated_by_kk", "nominated_by_ru")

# Every problem code of ``rules.setup_files`` and of the checks against the database,
# with its message (parameters by name). docs/setup.md lists them.
PROBLEM_MESSAGES: dict[str, Promise] = {
    "not_a_directory": gettext_lazy("is not a directory"),
    "missing_file": gettext_lazy("the file is missing"),
    "two_files": gettext_lazy("give either this file or %(other)s, not both"),
    "empty_file": gettext_lazy("the file is empty (a header line is needed)"),
    "xlsx_unsupported": gettext_lazy("XLSX files need openpyxl"),
    "unreadable": gettext_lazy("cannot be read: %(reason)s"),
    "not_utf8": gettext_lazy("is not UTF-8 (byte %(position)s)"),
    "bad_csv": gettext_lazy("is not valid CSV: %(reason)s"),
    "bad_toml": gettext_lazy("is not valid TOML: %(reason)s"),
    "unknown_column": gettext_lazy("unknown column; the columns are %(known)s"),
    "duplicate_column": gettext_lazy("the column appears twice"),
    "missing_column": gettext_lazy("the required column is missing"),
    "extra_cells": gettext_lazy("the row has more cells than the %(columns)s columns"),
    "required": gettext_lazy("a value is required"),
    "too_long": gettext_lazy("longer than %(maximum)s characters"),
    "bad_code": gettext_lazy(
        "“%(value)s” is not a code (letters, digits, “.”, “_” and “-”, at most 32)"
    ),
    "bad_choice": gettext_lazy("“%(value)s” is not one of %(choices)s"),
    "bad_boolean": gettext_lazy("“%(value)s” is not yes or no"),
    "bad_degrees": gettext_lazy("“%(value)s” is not a number of degrees within ±%(limit)s"),
    "half_position": gettext_lazy("give both latitude and longitude, or neither"),
    "bad_date": gettext_lazy("“%(value)s” is not a date (YYYY-MM-DD)"),
    "bad_time": gettext_lazy("“%(value)s” is not a time (HH:MM)"),
    "bad_timezone": gettext_lazy("“%(value)s” is not a time zone (such as Asia/Almaty)"),
    "bad_number": gettext_lazy("“%(value)s” is not a station number (a positive integer)"),
    "duplicate": gettext_lazy("“%(value)s” appears twice (first on line %(first)s)"),
    "unknown_unit": gettext_lazy("no unit “%(value)s” in units.csv"),
    "unit_too_deep": gettext_lazy(
        "“%(value)s” is itself a district; units have two levels (first-level unit, district)"
    ),
    "not_a_district": gettext_lazy("“%(value)s” is a first-level unit, not a district"),
    "not_a_region": gettext_lazy("“%(value)s” is a district, not a first-level unit"),
    "unknown_station": gettext_lazy("no polling station “%(value)s” in stations.csv"),
    "station_served_twice": gettext_lazy(
        "station “%(value)s” already has a commission (line %(first)s)"
    ),
    "station_not_pec": gettext_lazy("only a precinct commission (pec) serves a station"),
    "station_without_pec": gettext_lazy("polling station “%(value)s” has no precinct commission"),
    "cec_has_parent": gettext_lazy("the central commission has no parent"),
    "one_cec": gettext_lazy("exactly one commission must have the level cec"),
    "unknown_commission": gettext_lazy("no commission “%(value)s” in commissions.csv"),
    "bad_parent_level": gettext_lazy(
        "“%(value)s” cannot be the parent; the parent's level must be %(allowed)s"
    ),
    "term_ends_before_start": gettext_lazy("the term ends before it starts"),
    "nominating_body_names_differ": gettext_lazy(
        "the nominating body is named differently on line %(first)s; "
        "a body has one name per language"
    ),
    "duplicate_member": gettext_lazy(
        "the same person is listed twice in this commission (first on line %(first)s)"
    ),
    "bad_username": gettext_lazy(
        "“%(value)s” is not a login (letters, digits and . @ + - _, at most 150)"
    ),
    "role_level_mismatch": gettext_lazy(
        "an operator with role %(role)s cannot belong to commission “%(value)s” of this level"
    ),
    "unknown_key": gettext_lazy("unknown key; the keys are %(known)s"),
    "bad_key": gettext_lazy(
        "“%(value)s” is not a key (lower-case letters, digits, “-” and “_”, at most 64)"
    ),
    "unknown_profile": gettext_lazy("no rule profile “%(value)s”; known: %(known)s"),
    "profile_kind_mismatch": gettext_lazy(
        "rule profile “%(value)s” is not for a %(kind)s election"
    ),
    "not_table": gettext_lazy("must be a table"),
    "missing_table": gettext_lazy("the table is missing"),
    "unknown_switch": gettext_lazy("rule profile “%(profile)s” has no such switch"),
    "wrong_type": gettext_lazy(
        "“%(value)s” is not a value of the right type for this switch of “%(profile)s”"
    ),
    "not_text": gettext_lazy("must be text in quotes"),
    "voting_before_calling": gettext_lazy("the voting day must come after the calling date"),
    "close_before_open": gettext_lazy("the polls must close after they open"),
    "bad_country": gettext_lazy("“%(value)s” is not a two-letter country code"),
    "replaces_itself": gettext_lazy("a map cannot replace itself"),
    "ends_before_start": gettext_lazy("a map cannot end before it starts"),
    "missing_options": gettext_lazy(
        "list the options as [[options]] tables, or take the candidates from registration "
        "(candidates_from_registration = true)"
    ),
    "not_boolean": gettext_lazy("“%(value)s” is not true or false"),
    "registration_referendum": gettext_lazy(
        "a referendum lists its yes and no options: only candidates come from registration"
    ),
    "registration_and_options": gettext_lazy(
        "the candidates come either from registration or from [[options]] tables, not both: "
        "remove the options, or the switch"
    ),
    "referendum_options": gettext_lazy("a referendum has exactly one yes and one no option"),
    "presidential_options": gettext_lazy(
        "an election lists at least one candidate and at most one against_all option"
    ),
    # Checks against what is stored (a re-run).
    "fixed_on_rerun": gettext_lazy(
        "cannot change on a re-run (was “%(old)s”): close this record and add a new one, "
        "or set up a new map"
    ),
    "user_elsewhere": gettext_lazy(
        "login “%(value)s” belongs to a user of another map or without a commission"
    ),
    "election_on_other_map": gettext_lazy(
        "election “%(value)s” exists on map “%(other)s”, not on this one"
    ),
    "election_published": gettext_lazy(
        "election “%(value)s” has results (status %(status)s): its definition cannot change"
    ),
    "unknown_map": gettext_lazy("no map “%(value)s” to replace"),
    "closed_code": gettext_lazy(
        "“%(value)s” was closed on an earlier run; a closed record does not come back: "
        "give the new one a new code"
    ),
}


def problem_message(problem: Problem) -> str:
    """Return ``file:line:column: message`` for a problem, in the active language."""
    template = PROBLEM_MESSAGES.get(problem.code)
    params = dict(problem.params)
    text = str(template) % params if template is not None else problem.code
    return f"{problem.where()}: {text}"


class SetupRefused(ValidationFailed):
    """The setup files have problems; ``data['errors']`` names each one, nothing changed."""

    code = "setup_refused"


@dataclass
class SetupReport:
    """What a setup run found (and, unless a dry run, did)."""

    geography: str
    election: str
    dry_run: bool
    first_load: bool
    diffs: list[FileDiff]
    invitations: list[tuple[str, str]] = field(default_factory=list)  # (login, raw token)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def unchanged(self) -> bool:
        return all(d.empty for d in self.diffs)


Advance = Callable[[int], None]


def setup_apply(
    *,
    directory: Path,
    dry_run: bool = False,
    on: date | None = None,
    actor: str = ACTOR,
    advance: Advance | None = None,
    decision: tuple[str, str] | None = None,
) -> SetupReport:
    """Load or update the election described by the files in ``directory``.

    A first load (the map's key is new) creates the map, the commission tree with
    its members, the election and an invitation for each operator; a re-run applies
    the difference as versioned changes taking effect ``on`` (default today), each
    with its ledger event. ``dry_run`` computes the difference and writes nothing.
    All in one transaction, closed by a ``setup.apply`` event with the files'
    SHA-256. ``decision`` (commission code, number) names the stored commission
    decision that ordered a re-run's changes; every event of the run refers to it.
    Raises ``SetupRefused`` listing every problem (file, line, column) when the files
    are wrong or want what cannot change, and ``NotFound`` for an unknown decision;
    nothing is written then.
    """
    step = advance or (lambda _n: None)
    files = setup_read(directory)
    definition = files.election
    if files.problems or definition is None:
        raise _refused(directory, files.problems)
    on = on or clock.now().date()
    geography = geography_find(key=definition.geography.key)
    ordered_by = None
    if decision is not None:
        if geography is None:
            raise ValidationFailed(
                _(
                    "A first load creates the commissions, so no decision of theirs can order "
                    "it; name the decision on a re-run."
                ),
                data={"decision": list(decision)},
            )
        found = decision_get(geography=geography, commission_code=decision[0], number=decision[1])
        ordered_by = {
            "commission": decision[0],
            "number": found.number,
            "date": found.date.isoformat(),
        }
    plan = _Plan(files, definition, geography)
    plan.decision = ordered_by
    problems = plan.check()
    if problems:
        raise _refused(directory, problems)
    report = SetupReport(
        geography=definition.geography.key,
        election=definition.key,
        dry_run=dry_run,
        first_load=geography is None,
        diffs=plan.diffs,
        counts={
            "units": len(files.units),
            "stations": len(files.stations),
            "commissions": len(files.commissions),
            "members": len(files.members),
            "operators": len(files.operators),
        },
    )
    if dry_run or (geography is not None and report.unchanged):
        return report
    with transaction.atomic():
        if geography is None:
            geography = plan.create(on=on, actor=actor, step=step)
        else:
            plan.revise(geography, on=on, actor=actor, step=step)
        report.invitations = plan.operators_apply(geography, actor=actor)
        step(len(files.operators))
        event_record(
            actor=actor,
            role="system",
            action="setup.apply",
            object_key=definition.key,
            payload={
                "geography": geography.key,
                "election": definition.key,
                "valid_from": on.isoformat(),
                "files": {
                    name: hashlib.sha256(content).hexdigest()
                    for name, content in sorted(files.files.items())
                },
                "changes": {
                    d.file: [len(d.added), len(d.changed), len(d.removed)] for d in plan.diffs
                },
            }
            | ({"decision": ordered_by} if ordered_by else {}),
        )
    return report


def _refused(directory: Path, problems: list[Problem]) -> SetupRefused:
    ordered = sorted(problems, key=lambda p: (p.file, p.line, p.column))
    messages = [problem_message(p) for p in ordered]
    return SetupRefused(
        _("%(count)d problems in %(directory)s; nothing was changed.")
        % {"count": len(messages), "directory": directory},
        data={"errors": messages},
    )


# --- the plan: files against what is stored ---------------------------------------------


def _unit_spec(row: Any, timezone: str) -> UnitSpec:
    return UnitSpec(
        code=row.code,
        level=row.level,
        kind=row.kind,
        name_en=row.name_en,
        name_kk=row.name_kk,
        name_ru=row.name_ru,
        timezone=row.timezone or timezone,
        urban=row.urban,
        parent_code=row.parent or None,
    )


def _station_spec(row: Any) -> StationSpec:
    return StationSpec(
        code=row.code,
        number=row.number,
        kind=row.kind,
        unit_code=row.district,
        name=row.name_en,
        urban=row.urban,
        election_day_additions=row.election_day_additions,
        name_kk=row.name_kk,
        name_ru=row.name_ru,
        address=row.address_en,
        address_kk=row.address_kk,
        address_ru=row.address_ru,
        latitude=row.latitude,
        longitude=row.longitude,
        step_free=row.step_free,
        accessible_booth=row.accessible_booth,
        braille_guide=row.braille_guide,
        opens=row.opens,
        closes=row.closes,
        timezone=row.timezone,
        ramp=row.ramp,
        sign_language=row.sign_language,
    )


#: An ISO date's ``date`` (terms repeat across tens of thousands of members: cached).
_day = functools.lru_cache(maxsize=4096)(date.fromisoformat)


def _time(value: str) -> time | None:
    return time.fromisoformat(value) if value else None


def _election_values(election: Election, contest: Contest, options: list[Any]) -> dict[str, Any]:
    """Return a stored election in ``ElectionDef.values()``'s shape.

    The options of an election whose candidates come from registration are the CEC's
    ballot, not the file's: left out as an empty list, like ``ElectionDef.values()``.
    """
    if election.candidates_from_registration:
        options = []
    return {
        "key": election.key,
        "kind": election.kind,
        "profile": election.profile_key,
        "overrides": dict(election.profile_overrides or {}),
        "name_kk": election.name_kk,
        "name_ru": election.name_ru,
        "name_en": election.name_en,
        "called_on": election.called_on.isoformat() if election.called_on else "",
        "voting_day": election.date.isoformat(),
        "polls_open": election.polls_open.strftime("%H:%M") if election.polls_open else "",
        "polls_close": election.polls_close.strftime("%H:%M") if election.polls_close else "",
        "contest_key": contest.key,
        "contest_names": [contest.name_kk, contest.name_ru, contest.name_en],
        "contest_texts": [contest.text_kk, contest.text_ru, contest.text_en],
        "options": [
            {
                "key": o.key,
                "kind": o.kind,
                "name_kk": o.name_kk,
                "name_ru": o.name_ru,
                "name_en": o.name_en,
                "nominated_by": o.nominated_by,
            }
            for o in options
        ],
        "candidates_from_registration": election.candidates_from_registration,
    }


class _Plan:
    """The wanted state from the files, the stored state, and their differences."""

    def __init__(self, files: SetupFiles, definition: ElectionDef, geography: Geography | None):
        self.files, self.definition, self.geography = files, definition, geography
        self.decision: dict[str, str] | None = None
        timezone = definition.geography.timezone
        self.units = {u.code: _unit_spec(u, timezone) for u in files.units}
        self.stations = {s.code: _station_spec(s) for s in files.stations}
        self.commissions = {c.code: c for c in files.commissions}
        self.members = {m.key: m for m in files.members}
        current_units = unit_specs_current(geography=geography) if geography else {}
        current_stations = station_specs_current(geography=geography) if geography else {}
        self.current_commissions = commission_rows_current(geography=geography) if geography else {}
        self.current_members = member_rows_current(geography=geography) if geography else {}
        self.current_operators = (
            operators_of_geography(geography_id=geography.pk) if geography else {}
        )
        self.election = Election.objects.filter(key=definition.key).first()

        # Values are computed only for records both stored and wanted (none on a first load).
        # A body's Kazakh and Russian names are the body's, not the membership's: changing
        # them renames the body (its own difference below) and keeps every membership.
        def member_values(m: Any) -> dict[str, Any]:
            return {f: v for f, v in row_values(m).items() if f not in MEMBER_ROW_OWN}

        self.bodies = {
            b: names
            for b, names in nominating_body_names(files.members).items()
            if b not in NOMINATORS
        }

        self.diffs = [
            diff_records("units", current_units, self.units,
                         old_values=flat_values, new_values=flat_values),
            diff_records("stations", current_stations, self.stations,
                         old_values=flat_values, new_values=flat_values),
            diff_records("commissions", self.current_commissions, self.commissions,
                         new_values=self._commission_values),
            diff_records("members", self.current_members, self.members,
                         old_values=lambda stored: stored[1], new_values=member_values),
            diff_records("operators",
                         {u: {"role": x.role, "commission": x.commission.code if x.commission else ""}
                          for u, x in self.current_operators.items()},
                         {o.user: {"role": o.role, "commission": o.commission}
                          for o in files.operators}),
        ]  # fmt: skip
        self.election_diff = FileDiff(ELECTION_FILE)
        if self.election is not None:
            contest = Contest.objects.filter(election=self.election).first()
            if contest is not None:
                current = _election_values(
                    self.election, contest, list(contest.options.order_by("ballot_order"))
                )
                self.election_diff = diff_records(
                    ELECTION_FILE, {definition.key: current}, {definition.key: definition.values()}
                )
        else:
            self.election_diff.added.append(definition.key)
        self.diffs.append(self.election_diff)
        for d in self.diffs:
            d.file = d.file if d.file == ELECTION_FILE else self._file_name(d.file)
        # Bodies named anew or differently; a body the files no longer name keeps its names.
        self.bodies_diff = diff_records(
            f"{self._file_name('members')}:nominated_by_kk,nominated_by_ru",
            nominating_body_names_stored(bodies=self.bodies),
            self.bodies,
        )
        if self.bodies:  # files that name no body in kk/ru show no such line
            self.diffs.append(self.bodies_diff)

    def _commission_values(self, row: CommissionRow) -> dict[str, str]:
        """Return a commission row as stored: a PEC's unit is its station's district."""
        return {
            "level": row.level,
            "parent": row.parent,
            "unit": row.unit or (self.stations[row.station].unit_code if row.station else ""),
            "station": row.station,
            "name": row.name or self._commission_name(row),
            "language": row.language,
        }

    def _file_name(self, stem: str) -> str:
        return next((n for n in self.files.files if n.startswith(f"{stem}.")), f"{stem}.csv")

    def check(self) -> list[Problem]:
        """Return what the files want that cannot be done against the stored state."""
        problems: list[Problem] = []
        commissions_file = self._file_name("commissions")
        by_key = {d.file: d for d in self.diffs}
        if self.geography is not None:
            closed = closed_codes(geography=self.geography)
            closed["commissions"] = commission_codes_closed(geography=self.geography)
            lines = {
                "units": {u.code: u.line for u in self.files.units},
                "stations": {s.code: s.line for s in self.files.stations},
                "commissions": {c.code: c.line for c in self.files.commissions},
            }
            for stem, codes in closed.items():
                name = self._file_name(stem)
                for code in sorted(codes & set(by_key[name].added)):
                    problems.append(
                        Problem(name, lines[stem][code], "code", "closed_code", (("value", code),))
                    )
        for code, changes in by_key[commissions_file].changed.items():
            row = self.commissions[code]
            for column in ("level", "parent", "unit", "station"):
                if column in changes:
                    problems.append(
                        Problem(commissions_file, row.line, column, "fixed_on_rerun",
                                (("old", str(changes[column][0])),))
                    )  # fmt: skip
        existing = users_by_username(usernames=[o.user for o in self.files.operators])
        operators_file = self._file_name("operators")
        for op in self.files.operators:
            user = existing.get(op.user)
            if user is None or op.user in self.current_operators:
                continue
            if user.commission is None or user.commission.geography_id != (
                self.geography.pk if self.geography else None
            ):
                problems.append(
                    Problem(operators_file, op.line, "user", "user_elsewhere",
                            (("value", op.user),))
                )  # fmt: skip
        definition = self.definition
        if (
            definition.geography.replaces
            and geography_find(key=definition.geography.replaces) is None
        ):
            problems.append(
                Problem(ELECTION_FILE, 0, "geography.replaces", "unknown_map",
                        (("value", definition.geography.replaces),))
            )  # fmt: skip
        election = self.election
        if election is not None and (
            self.geography is None or election.geography_id != self.geography.pk
        ):
            other = election.geography.key
            problems.append(
                Problem(ELECTION_FILE, 0, "geography.key", "election_on_other_map",
                        (("value", election.key), ("other", other)))
            )  # fmt: skip
        elif election is not None and not self.election_diff.empty:
            changes = self.election_diff.changed.get(definition.key, {})
            for fixed in ("kind", "profile", "contest_key"):
                if fixed in changes:
                    problems.append(
                        Problem(ELECTION_FILE, 0, fixed, "fixed_on_rerun",
                                (("old", str(changes[fixed][0])),))
                    )  # fmt: skip
            if election.status != "configured":
                problems.append(
                    Problem(ELECTION_FILE, 0, "", "election_published",
                            (("value", election.key), ("status", election.status)))
                )  # fmt: skip
        return problems

    # --- writing ---------------------------------------------------------------------

    def _commission_spec(
        self, row: CommissionRow, units: dict[str, int], stations: dict[str, int]
    ) -> CommissionSpec:
        parent = self.commissions.get(row.parent)
        region_code = tec_code = None
        if row.level == "tec_district":
            region_code = row.parent
        elif row.level == "pec" and parent is not None:
            tec_code = row.parent
            region_code = row.parent if parent.level == "tec_region" else parent.parent
        unit_code = row.unit or (self.stations[row.station].unit_code if row.station else "")
        return CommissionSpec(
            code=row.code,
            level=row.level,
            name=row.name or self._commission_name(row),
            parent_code=row.parent or None,
            region_code=region_code,
            tec_code=tec_code,
            unit_id=units.get(unit_code),
            station_id=stations.get(row.station) if row.station else None,
            language=row.language,
        )

    def _commission_name(self, row: CommissionRow) -> str:
        if row.level == "cec":
            return "Central Election Commission"
        if row.level == "pec":
            return (
                f"Precinct election commission No. {self.stations[row.station].number} ({row.code})"
            )
        return f"{self.units[row.unit].name_en} territorial election commission"

    def _member_spec(self, key: str, on: date) -> MemberSpec:
        m = self.members[key]
        return MemberSpec(
            commission_code=m.commission,
            full_name=m.name,
            role=m.role,
            nominated_by=m.nominated_by,
            gender=m.gender,
            term_start=_day(m.term_start),
            term_end=_day(m.term_end),
            valid_from=on,
        )

    def _bodies_name(self, geography: Geography, actor: str) -> None:
        """Store the nominating bodies' Kazakh and Russian names the files add or change."""
        changed = self.bodies_diff.added + list(self.bodies_diff.changed)
        if changed:
            nominating_bodies_name(
                names={b: self.bodies[b] for b in changed},
                object_key=geography.key,
                actor=actor,
                decision=self.decision,
            )

    def _options(self) -> list[OptionSpec]:
        return [
            OptionSpec(o.key, o.kind, o.name_en, o.name_kk, o.name_ru, o.nominated_by)
            for o in self.definition.options
        ]

    def _election_create(self, geography: Geography, actor: str) -> Election:
        d = self.definition
        return election_create(
            key=d.key,
            kind=d.kind,
            name_en=d.name_en,
            name_kk=d.name_kk,
            name_ru=d.name_ru,
            date=date.fromisoformat(d.voting_day),
            geography=geography,
            profile_key=d.profile,
            contest_key=d.contest_key,
            contest_names=(d.contest_names[2], d.contest_names[0], d.contest_names[1]),
            contest_texts=(d.contest_texts[2], d.contest_texts[0], d.contest_texts[1]),
            options=self._options(),
            schedule=Schedule(
                called_on=date.fromisoformat(d.called_on),
                polls_open=_time(d.polls_open),
                polls_close=_time(d.polls_close),
            ),
            profile_overrides=d.overrides,
            actor=actor,
            candidates_from_registration=d.candidates_from_registration,
        )

    def create(self, *, on: date, actor: str, step: Advance) -> Geography:
        d = self.definition.geography
        valid_from = date.fromisoformat(d.valid_from)
        if d.replaces:
            replaced = geography_find(key=d.replaces)
            assert replaced is not None  # checked
            geography_close(
                geography=replaced, valid_to=valid_from - timedelta(days=1), actor=actor
            )
        geography = geography_create(
            key=d.key,
            name=d.name,
            valid_from=valid_from,
            valid_to=date.fromisoformat(d.valid_to) if d.valid_to else None,
            timezone=d.timezone,
            units=list(self.units.values()),
            stations=list(self.stations.values()),
            actor=actor,
            country=d.country,
        )
        step(len(self.units) + len(self.stations))
        units, stations = unit_and_station_ids(geography=geography)
        commission_tree_create(
            geography=geography,
            commissions=[
                self._commission_spec(c, units, stations) for c in self.commissions.values()
            ],
            members=[self._member_spec(k, on) for k in self.members],
            actor=actor,
            valid_from=on,
        )
        self._bodies_name(geography, actor)
        step(len(self.commissions) + len(self.members))
        self._election_create(geography, actor)
        return geography

    def revise(self, geography: Geography, *, on: date, actor: str, step: Advance) -> None:
        diffs = {d.file: d for d in self.diffs}
        units_diff = diffs[self._file_name("units")]
        stations_diff = diffs[self._file_name("stations")]
        territory_revise(
            geography=geography,
            units=TerritoryChanges(
                added=[self.units[c] for c in units_diff.added],
                changed=[self.units[c] for c in units_diff.changed],
                removed=units_diff.removed,
            ),
            stations=TerritoryChanges(
                added=[self.stations[c] for c in stations_diff.added],
                changed=[self.stations[c] for c in stations_diff.changed],
                removed=stations_diff.removed,
            ),
            on=on,
            actor=actor,
            decision=self.decision,
        )
        step(len(self.units) + len(self.stations))
        units, stations = unit_and_station_ids(geography=geography)
        commissions_diff = diffs[self._file_name("commissions")]
        members_diff = diffs[self._file_name("members")]
        replaced = list(members_diff.changed)
        commissions_revise(
            geography=geography,
            added=[self._commission_spec(self.commissions[c], units, stations) for c in commissions_diff.added],
            renamed={c: self.commissions[c].name or self._commission_name(self.commissions[c])
                     for c, change in commissions_diff.changed.items() if "name" in change},
            languages={c: self.commissions[c].language
                       for c, change in commissions_diff.changed.items() if "language" in change},
            closed=commissions_diff.removed,
            members_added=[self._member_spec(k, on) for k in members_diff.added + replaced],
            members_closed=[self.current_members[k][0] for k in members_diff.removed + replaced],
            on=on,
            actor=actor,
            decision=self.decision,
        )  # fmt: skip
        self._bodies_name(geography, actor)
        step(len(self.commissions) + len(self.members))
        if self.election is None:
            self._election_create(geography, actor)
        elif not self.election_diff.empty:
            self._election_revise(self.election, actor)

    def _election_revise(self, election: Election, actor: str) -> None:
        d = self.definition
        changes = self.election_diff.changed.get(d.key, {})
        fields: dict[str, Any] = {}
        for name in ("name_en", "name_kk", "name_ru"):
            if name in changes:
                fields[name] = getattr(d, name)
        if "voting_day" in changes:
            fields["date"] = date.fromisoformat(d.voting_day)
        if "called_on" in changes:
            fields["called_on"] = date.fromisoformat(d.called_on)
        for name in ("polls_open", "polls_close"):
            if name in changes:
                fields[name] = _time(getattr(d, name))
        if "overrides" in changes:
            fields["profile_overrides"] = d.overrides
        if "candidates_from_registration" in changes:
            fields["candidates_from_registration"] = d.candidates_from_registration
        # Switched to registration: the listed options stay until the CEC makes the ballot.
        revise_options = "options" in changes and not d.candidates_from_registration
        election_revise(
            election=election,
            changes=fields,
            contest_names=(d.contest_names[2], d.contest_names[0], d.contest_names[1]),
            contest_texts=(d.contest_texts[2], d.contest_texts[0], d.contest_texts[1]),
            options=self._options() if revise_options else None,
            actor=actor,
        )

    def operators_apply(self, geography: Geography, *, actor: str) -> list[tuple[str, str]]:
        """Invite new operators, update changed ones, deactivate removed ones."""
        diff = next(d for d in self.diffs if d.file == self._file_name("operators"))
        rows = {o.user: o for o in self.files.operators}
        wanted = {rows[u].commission for u in diff.added + list(diff.changed)}
        commissions = commissions_open_by_code(geography=geography, codes=wanted)
        invitations = []
        for username in diff.added:
            op = rows[username]
            _user, raw = operator_invite(
                username=username, role=Role(op.role), commission=commissions[op.commission],
                actor=actor,
            )  # fmt: skip
            invitations.append((username, raw))
        for username in diff.changed:
            op = rows[username]
            operator_update(
                user=self.current_operators[username], role=Role(op.role),
                commission=commissions[op.commission], actor=actor,
            )  # fmt: skip
        for username in diff.removed:
            operator_deactivate(user=self.current_operators[username], actor=actor)
        return invitations
