"""The base of every ``psephos`` command.

``DomainCommand`` runs ``handle`` and turns a ``DomainError`` into Django's
``CommandError`` with the error's stable code and translated message, so every command
refuses the same way: ``CommandError: not_found: No election “x”.`` on stderr and exit
status 1, never a traceback. Commands subclass it instead of ``BaseCommand`` and raise
or let through domain errors; they write no ``except DomainError`` of their own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from .errors import DomainError


def problem_line(problem: object) -> str:
    """One problem of a refused input as a person reads it: where, then what.

    A problem is a dict (``file``/``line``/``column`` and ``field`` or ``where`` say where;
    ``message`` or ``code`` says what; any other key is added as ``key=value``) or any
    other value, shown as it is.
    """
    if not isinstance(problem, dict):
        return str(problem)
    rest = dict(problem)
    where = ":".join(str(rest.pop(k)) for k in ("file", "line", "column") if k in rest)
    name = rest.pop("field", None) or rest.pop("where", None)
    what = rest.pop("message", None)
    code = rest.pop("code", None)
    parts = [p for p in (where, str(name) if name else "") if p]
    text = str(what) if what else str(code or "")
    if what and code:
        text = f"{what} ({code})"
    extra = ", ".join(f"{k}={v}" for k, v in rest.items())
    head = ": ".join([*parts, text] if text else parts)
    return f"{head} [{extra}]" if extra else head


def decision_day(text: str) -> dt.date:
    """Parse a decision's date given on the command line (YYYY-MM-DD)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            _("A date must be YYYY-MM-DD, got “%(text)s”.") % {"text": text}
        ) from None


def decision_document(path: str) -> bytes:
    """Read a signed decision document named on the command line (at most 10 MiB + 1 byte,
    so that the decision's own check refuses a larger one)."""
    try:
        with open(path, "rb") as f:
            return f.read(10 * 1024 * 1024 + 1)
    except OSError as exc:
        raise CommandError(
            _("Cannot read the decision document “%(path)s”: %(error)s")
            % {"path": path, "error": exc}
        ) from None


def command_error(exc: DomainError) -> CommandError:
    """Return the ``CommandError`` that reports a domain error (code, message, problems)."""
    lines = [f"{exc.code}: {exc.message}"]
    for problem in exc.data.get("errors", []) if isinstance(exc.data.get("errors"), list) else []:
        lines.append(f"  {problem_line(problem)}")
    return CommandError("\n".join(lines))


class DomainCommand(BaseCommand):
    """A command whose domain errors become ``CommandError`` with their code."""

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except DomainError as exc:
            raise command_error(exc) from exc
