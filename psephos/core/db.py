"""Prepared statements for the few queries every election-day request runs,
``analyze`` for the tables a bulk write has just filled, and ``create_unique`` for a row
that a unique constraint keeps single (a commission's session or decision number).

Django sends each query as text with its parameters merged in, so PostgreSQL parses
and plans it every time; for the short lookups of a mark or a token (a few dozen
microseconds to execute) planning is about four fifths of the cost. ``fetchone``
runs such a statement through psycopg's server-side binding as a named prepared
statement (planned once per connection) on the request's own connection and
transaction, and through Django's cursor elsewhere (SQLite). Django's query logging
and ``CaptureQueriesContext`` do not see the prepared ones.

Preparation needs ``prepare_threshold`` set in the database ``OPTIONS``
(``config/settings/base.py`` sets it high, so that only these statements are
prepared). Behind PgBouncer in transaction mode this needs PgBouncer ≥ 1.21 with
``max_prepared_statements``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, connection, models, transaction

Params = Sequence[Any] | Mapping[str, Any]


def fetchone(sql: str, params: Params) -> tuple[Any, ...] | None:
    """Execute ``sql`` (``%s`` or ``%(name)s`` placeholders) and return its first row."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchone()
    import psycopg

    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cur:
        cur.execute(sql, params, prepare=True)
        return cur.fetchone()


def analyze(*tables: type[models.Model]) -> None:
    """Give PostgreSQL's planner the sizes of tables a bulk write has just filled.

    Inside the writing transaction ANALYZE counts the transaction's own rows. Without
    it the planner may hold a count taken while they were invisible (an autovacuum
    during the load records zero rows, and no column statistics) and join tens of
    thousands of rows by nested loops: the national tabulation once took minutes
    instead of a second. Nothing to do on SQLite.
    """
    if connection.vendor != "postgresql":
        return
    names = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in tables)
    with connection.cursor() as cur:
        cur.execute(f"ANALYZE {names}")


def create_unique[M: models.Model](
    model: type[M], *, unique: Sequence[str], taken: Exception, **fields: Any
) -> M:
    """Create a ``model`` row from ``fields``, or raise ``taken`` if its ``unique`` fields are.

    The check answers the usual case without a failed insert; a concurrent twin that passed
    it too hits the unique constraint inside a savepoint, so the caller's transaction stays
    usable and the caller sees the same error.
    """
    if model._default_manager.filter(**{name: fields[name] for name in unique}).exists():
        raise taken
    try:
        with transaction.atomic():
            return model._default_manager.create(**fields)
    except IntegrityError:
        raise taken from None
