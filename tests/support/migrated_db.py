"""A pytest plugin: migrate the test database once, then copy it.

Migrating from nothing costs every test process about 12 s of CPU, nearly all of it
Django rendering the historical models of each migration's state. The schema and the
seed rows the data migrations write (observation 0002/0006, the finance reference
values, the content types and permissions of ``post_migrate``) are the same for every
process as long as the migrations are: the first process to need an in-memory SQLite test
database migrates it as usual and keeps a copy in ``var/test-db/``, named for a digest
of every installed app's migration files, Django's version and SQLite's; every later
process (the other xdist worker, the next run) copies that file into its in-memory
database with SQLite's backup API instead of migrating. A change to any migration file
changes the name, so a stale copy is never read. Processes wait for each other on a
lock, so two workers do not migrate the same digest at the same time.

On PostgreSQL the copy is a template database of the same server
(``psephos_migrated_DIGEST``), made from the first migrated test database; each
worker's test database is then created from it with ``CREATE DATABASE … TEMPLATE``.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest


def migrations_digest() -> str:
    """Return a digest of every installed app's migration files, Django's and SQLite's version."""
    import django
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    digest = hashlib.sha256(f"{django.__version__} {sqlite3.sqlite_version}".encode())
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        module, _explicit = MigrationLoader.migrations_module(config.label)
        spec = importlib.util.find_spec(module) if module else None
        if spec is None or not spec.submodule_search_locations:
            continue
        for folder in spec.submodule_search_locations:
            for path in sorted(Path(folder).rglob("*.py")):
                digest.update(f"{config.label}/{path.relative_to(folder)}\0".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _sqlite_copied(connection: Any, folder: Path, migrate: Callable[[], Any]) -> None:
    """Copy the kept migrated SQLite database into ``connection``'s, keeping one first."""
    kept = folder / f"migrated-{migrations_digest()}.sqlite3"
    connection.ensure_connection()
    if not kept.is_file():
        migrate()
        partial = kept.with_name(f"{kept.name}.{os.getpid()}.partial")
        target = sqlite3.connect(partial)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        os.replace(partial, kept)
        for old in folder.glob("migrated-*.sqlite3"):
            if old != kept:
                old.unlink(missing_ok=True)
        return
    with sqlite3.connect(kept) as source:
        source.backup(connection.connection)


def _postgres_copied(connection: Any, migrate: Callable[[], Any]) -> None:
    """Make ``connection``'s test database a copy of the kept migrated template database.

    The template is a database of the same server (``psephos_migrated_DIGEST``), made
    from the first migrated test database; ``CREATE DATABASE … TEMPLATE`` copies it.
    """
    name = connection.settings_dict["NAME"]
    template = f"psephos_migrated_{migrations_digest()}"
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'psephos_migrated_%%'")
        kept = {row[0] for row in cursor.fetchall()}
    connection.close()
    if template in kept:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE {quote(name)}")
            cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")
        return
    migrate()
    connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {quote(template)} TEMPLATE {quote(name)}")
        for old in kept:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(old)}")


def _copied_migrate(original: Callable[..., Any], folder: Path) -> Callable[..., Any]:
    """Return ``migrate``'s handle that copies a kept migrated test database if it can."""

    def handle(command: Any, *args: Any, **options: Any) -> Any:
        from django.db import connections

        connection = connections[options["database"]]
        name = str(connection.settings_dict["NAME"])
        result: list[Any] = []

        def migrate() -> None:
            result.append(original(command, *args, **options))

        folder.mkdir(parents=True, exist_ok=True)
        if connection.vendor == "sqlite" and "mode=memory" in name:
            with _locked(folder / ".lock"):
                _sqlite_copied(connection, folder, migrate)
        elif connection.vendor == "postgresql":
            with _locked(folder / ".lock-postgres"):
                _postgres_copied(connection, migrate)
        else:
            migrate()
        return result[0] if result else None

    return handle


@pytest.fixture(scope="session")
def _migrated_db_kept() -> Iterator[Callable[[], None]]:
    """Let ``migrate`` copy the kept database until the test databases are created.

    Yield the function that puts ``migrate`` back: a test that migrates (the migration
    tests' executors, a ``migrate`` in a subprocess) always runs the real one.
    """
    from django.conf import settings
    from django.core.management.commands import migrate

    original = migrate.Command.handle

    def restore() -> None:
        migrate.Command.handle = original  # type: ignore[method-assign]

    migrate.Command.handle = _copied_migrate(original, Path(settings.VAR_DIR) / "test-db")  # type: ignore[method-assign]
    try:
        yield restore
    finally:
        restore()


@pytest.fixture(scope="session")
def django_db_setup(_migrated_db_kept: Callable[[], None], django_db_setup: None) -> None:
    """pytest-django's test databases, the SQLite one copied from the kept migration."""
    _migrated_db_kept()
