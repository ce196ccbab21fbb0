"""The ``psephos`` console script.

Every Django management command is a ``psephos`` sub-command: ``psephos migrate``,
``psephos simulate kz-2022-presidential``, ``psephos export …``.
"""

from __future__ import annotations

import os
import sys

# Commands that read only the files they are given, never the database, sessions or
# signatures made with SECRET_KEY: a citizen verifying a bundle needs no secret.
SECRET_FREE_COMMANDS = frozenset({"verify", "help", "version", "--help", "--version"})


def main(argv: list[str] | None = None) -> None:
    """Run a management command from the command line.

    Refuses (exit status 1, with the reason) to run any other command with the public
    development SECRET_KEY while DEBUG is off.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    from config.startup import secret_key_refuse_fallback

    args = list(sys.argv if argv is None else argv)
    args[0] = "psephos"
    if len(args) > 1 and args[1] not in SECRET_FREE_COMMANDS:
        try:
            secret_key_refuse_fallback()
        except ImproperlyConfigured as exc:
            sys.stderr.write(f"psephos: {exc}\n")
            raise SystemExit(1) from exc
    execute_from_command_line(args)
