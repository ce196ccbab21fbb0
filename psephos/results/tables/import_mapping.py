"""The mapping of ``psephos results import``: the integrity ``[columns]`` table plus an
``[election]`` table (key, kind, names, voting day, the map, and the option each option
column counts)."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from psephos.elections.enums import ElectionKind, OptionKind
from psephos.elections.rules.profiles import PROFILES
from psephos.results.errors import MappingInvalid

from .mapping import Mapping, mapping_parse, mapping_refuse_if

SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,64}$")
DEFAULT_PROFILE = {
    ElectionKind.PRESIDENTIAL.value: "kz-presidential-2022",
    ElectionKind.REFERENDUM.value: "kz-referendum-2022",
}
NAME_KEYS = ("name_en", "name_kk", "name_ru")


@dataclass(frozen=True, slots=True)
class ImportedOption:
    """The option one option column counts."""

    column: str
    key: str
    kind: str
    name_en: str
    name_kk: str
    name_ru: str


@dataclass(frozen=True, slots=True)
class ImportElection:
    key: str
    kind: str
    name_en: str
    name_kk: str
    name_ru: str
    voting_day: dt.date
    geography: str
    timezone: str
    profile: str
    options: tuple[ImportedOption, ...]


@dataclass(frozen=True, slots=True)
class ImportMapping:
    columns: Mapping
    election: ImportElection


def _names(table: dict[str, Any], fallback: str) -> tuple[str, str, str] | None:
    """Return (en, kk, ru) from ``name`` or ``name_en``/``name_kk``/``name_ru``; ``None`` if a
    name is not text."""
    plain = table.get("name", fallback)
    names = tuple(table.get(k, plain) for k in NAME_KEYS)
    if not all(isinstance(n, str) and n.strip() for n in names):
        return None
    return names[0].strip(), names[1].strip(), names[2].strip()


def import_mapping_parse(text: str, *, where: str = "mapping") -> ImportMapping:
    """Parse an import mapping; raise ``MappingInvalid`` listing every problem of
    ``[election]`` (those of ``[columns]`` are refused first, as ``psephos integrity`` does)."""
    columns = mapping_parse(text, where=where)
    doc = tomllib.loads(text)  # valid: mapping_parse read it
    errors: list[dict[str, str]] = []

    def err(key: str, message: str) -> None:
        errors.append({"where": f"{where}: election.{key}", "message": message})

    table = doc.get("election")
    if not isinstance(table, dict):
        raise MappingInvalid(
            _("%(where)s must have an [election] table (key, kind, name, voting_day, options).")
            % {"where": where},
            data={"errors": [{"where": f"{where}: [election]", "message": "missing"}]},
        )
    known = {"key", "kind", "name", *NAME_KEYS, "voting_day", "geography", "timezone"}
    for key in table:
        if key not in known | {"profile", "options"}:
            err(key, _("unknown key; the keys are %(keys)s") % {"keys": ", ".join(sorted(known))})
    key = table.get("key")
    if not (isinstance(key, str) and SLUG.match(key)):
        err("key", _("must be a key of letters, digits, - and _ (at most 64)"))
    kind = table.get("kind")
    if kind not in DEFAULT_PROFILE:
        err("kind", _("must be one of %(kinds)s") % {"kinds": ", ".join(DEFAULT_PROFILE)})
    names = _names(table, "")
    if names is None:
        err("name", _("must be given as name or as name_en, name_kk and name_ru"))
    day = table.get("voting_day")
    if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
        err("voting_day", _("must be a date such as 2022-11-20"))
    geography = table.get("geography", key)
    if not (isinstance(geography, str) and SLUG.match(geography)):
        err("geography", _("must be a key of letters, digits, - and _ (at most 64)"))
    timezone = table.get("timezone", "UTC")
    if not (isinstance(timezone, str) and timezone.strip()):
        err("timezone", _("must be a time zone name such as Asia/Almaty"))
    profile = table.get("profile", DEFAULT_PROFILE.get(str(kind), ""))
    if profile not in PROFILES:
        err("profile", _("must be one of %(profiles)s") % {"profiles": ", ".join(PROFILES)})
    options = _options(table.get("options"), columns, err)
    mapping_refuse_if(errors)
    assert names is not None and isinstance(day, dt.date)
    return ImportMapping(
        columns=columns,
        election=ImportElection(
            key=str(key),
            kind=str(kind),
            name_en=names[0],
            name_kk=names[1],
            name_ru=names[2],
            voting_day=day,
            geography=str(geography),
            timezone=str(timezone).strip(),
            profile=str(profile),
            options=tuple(options),
        ),
    )


def _options(value: Any, columns: Mapping, err: Any) -> list[ImportedOption]:
    """Return the option of every option column, in ``[columns] options`` order."""
    if not isinstance(value, dict):
        err("options", _("must be a table giving the option of each option column"))
        return []
    out: list[ImportedOption] = []
    kinds = [k.value for k in OptionKind]
    for column in value:
        if column not in columns.options:
            err(f"options.{column}", _("is not one of the option columns of [columns]"))
    for column in columns.options:
        spec = value.get(column)
        if isinstance(spec, str):
            spec = {"key": spec}
        if not isinstance(spec, dict):
            err(f"options.{column}", _("missing; give the option key (or a table with key)"))
            continue
        key, kind = spec.get("key"), spec.get("kind", OptionKind.CANDIDATE.value)
        names = _names(spec, column)
        if not (isinstance(key, str) and SLUG.match(key)):
            err(f"options.{column}.key", _("must be a key of letters, digits, - and _"))
        elif kind not in kinds:
            err(
                f"options.{column}.kind",
                _("must be one of %(kinds)s") % {"kinds": ", ".join(kinds)},
            )
        elif names is None:
            err(f"options.{column}.name", _("must be text"))
        else:
            out.append(ImportedOption(column, key, str(kind), *names))
    keys = [o.key for o in out]
    if len(set(keys)) != len(keys):
        err("options", _("gives the same option key to two columns"))
    return out
