"""Rows a whole test module reads, written once and rolled back when the module ends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import transaction
from django.test import override_settings


@contextmanager
def module_rows(django_db_blocker: Any, folder: Path) -> Iterator[None]:
    """Hold what a module-scoped fixture writes (a simulated election) in one transaction.

    Each test's own transaction nests inside it as a savepoint and is rolled back after the
    test, so a test that writes leaves the next one the same rows; the module's rows are
    rolled back after its last test, and no other module sees them. The fixture's files
    and keys (tally seals, observers' encryption) go to ``folder`` (``module_settings``
    points a test at them), never to the project's var folder.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=folder / "media", PSEPHOS_KEY_DIR=folder / "keys"),
        transaction.atomic(),
    ):
        yield
        transaction.set_rollback(True)


def module_settings(settings: Any, folder: Path) -> None:
    """Point a test at the keys and files of the module's shared rows (``module_rows``):
    seals written with one key and checked with another would withhold the results."""
    settings.MEDIA_ROOT = folder / "media"
    settings.PSEPHOS_KEY_DIR = folder / "keys"
