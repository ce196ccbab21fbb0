"""The base of every ``psephos`` command.

``DomainCommand`` runs ``handle`` and turns a ``DomainError`` into Django's
``CommandError`` with the error's stable code and translated message, so every command
refuses the same way: ``CommandError: not_found: No election “x”.`` on stderr and exit
status 1, never a traceback. Commands subclass it instead of ``BaseCommand`` and raise
or let through domain errors; they write no ``except DomainError`` of their own.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from .errors import DomainError


def command_error(exc: DomainError) -> CommandError:
    """Return the ``CommandError`` that reports a domain error (code, message, problems)."""
    lines = [f"{exc.code}: {exc.message}"]
    for problem in exc.data.get("errors", []) if isinstance(exc.data.get("errors"), list) else []:
        lines.append(f"  {problem}")
    return CommandError("\n".join(lines))


class DomainCommand(BaseCommand):
    """A command whose domain errors become ``CommandError`` with their code."""

    def execute(self, *args: Any, **options: Any) -> Any:
        try:
            return super().execute(*args, **options)
        except DomainError as exc:
            raise command_error(exc) from exc
