"""The mapping file: which data columns are the station, its counts and its options."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from psephos.results.errors import MappingInvalid

REQUIRED = ("station", "registered", "ballots_issued", "valid", "invalid", "leader", "options")
OPTIONAL = ("region", "commission", "kind", "observed")
SUMMABLE = ("registered", "ballots_issued", "valid", "invalid")


@dataclass(frozen=True)
class Mapping:
    """Column names per field; summable fields are lists of one or more columns."""

    station: str
    registered: tuple[str, ...]
    ballots_issued: tuple[str, ...]
    valid: tuple[str, ...]
    invalid: tuple[str, ...]
    leader: str
    options: tuple[str, ...]
    region: str | None = None
    commission: str | None = None
    kind: str | None = None
    observed: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def columns(self) -> list[tuple[str, str]]:
        """Return (mapping key, column) for every column the mapping names, in mapping order."""
        out: list[tuple[str, str]] = [("station", self.station)]
        for key in ("region", "commission", "kind", "observed"):
            value = getattr(self, key)
            if value is not None:
                out.append((key, value))
        for key in SUMMABLE:
            out.extend((key, col) for col in getattr(self, key))
        out.extend(("options", col) for col in self.options)
        return out


def mapping_refuse_if(errors: list[dict[str, str]]) -> None:
    """Raise ``MappingInvalid`` listing every problem (``where``, ``message``), if any."""
    if errors:
        summary = "; ".join(f"{e['where']}: {e['message']}" for e in errors)
        raise MappingInvalid(
            _("The mapping has %(n)d problem(s): %(summary)s")
            % {"n": len(errors), "summary": summary},
            data={"errors": errors},
        )


def mapping_read(path: Path) -> str:
    """Return the mapping file's text; raise ``MappingInvalid`` when it cannot be read."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        error = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise MappingInvalid(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error}
        ) from exc


def mapping_parse(text: str, *, where: str = "mapping") -> Mapping:
    """Parse and validate a mapping file; raise ``MappingInvalid`` listing every problem."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise MappingInvalid(
            _("%(where)s is not valid TOML: %(error)s") % {"where": where, "error": exc},
            data={"errors": [{"where": where, "message": str(exc)}]},
        ) from exc
    errors: list[dict[str, str]] = []
    cols = doc.get("columns")
    if not isinstance(cols, dict):
        raise MappingInvalid(
            _("%(where)s must have a [columns] table naming the data columns.") % {"where": where},
            data={"errors": [{"where": f"{where}: [columns]", "message": "missing"}]},
        )

    def err(key: str, message: str) -> None:
        errors.append({"where": f"{where}: columns.{key}", "message": message})

    for key in cols:
        if key not in REQUIRED + OPTIONAL:
            err(
                key,
                _("unknown key; the keys are %(keys)s") % {"keys": ", ".join(REQUIRED + OPTIONAL)},
            )
    for key in REQUIRED:
        if key not in cols:
            err(key, _("missing; it must name a column"))
    values: dict[str, Any] = {}
    for key in REQUIRED + OPTIONAL:
        if key not in cols:
            continue
        value = cols[key]
        if key in SUMMABLE or key == "options":
            if isinstance(value, str):
                value = [value]
            if not (
                isinstance(value, list)
                and value
                and all(isinstance(v, str) and v.strip() for v in value)
            ):
                err(key, _("must be a column name or a non-empty list of column names"))
                continue
            values[key] = tuple(v.strip() for v in value)
        else:
            if not (isinstance(value, str) and value.strip()):
                err(key, _("must be one column name"))
                continue
            values[key] = value.strip()
    if "leader" in values and "options" in values and values["leader"] not in values["options"]:
        err(
            "leader",
            _("must be one of the options (%(options)s)")
            % {"options": ", ".join(values["options"])},
        )
    if "options" in values and len(set(values["options"])) != len(values["options"]):
        err("options", _("lists a column twice"))
    inp = doc.get("input", {})
    if not isinstance(inp, dict):
        errors.append({"where": f"{where}: [input]", "message": _("must be a table")})
        inp = {}
    encoding = inp.get("encoding")
    if encoding is not None and encoding not in ("utf-8", "cp1251"):
        errors.append(
            {"where": f"{where}: input.encoding", "message": _("must be utf-8 or cp1251")}
        )
    delimiter = inp.get("delimiter")
    if delimiter is not None and not (
        isinstance(delimiter, str) and len(delimiter) == 1 and delimiter not in '"\r\n'
    ):  # the CSV reader refuses a quote or a line end as the delimiter
        errors.append(
            {
                "where": f"{where}: input.delimiter",
                "message": _("must be one character, not a double quote or a line end"),
            }
        )
    mapping_refuse_if(errors)
    return Mapping(**values, encoding=encoding, delimiter=delimiter)
