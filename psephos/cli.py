"""The ``psephos`` console script.

Every Django management command is a ``psephos`` sub-command: ``psephos migrate``,
``psephos simulate kz-2022-presidential``, ``psephos export …``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command from the command line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "psephos"
    execute_from_command_line(args)
