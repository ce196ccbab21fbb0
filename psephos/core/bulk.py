"""Helpers for steps that build hundreds of thousands of objects in one go."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from psycopg import sql


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk step, then restore it.

    Reading a 400,000-line file keeps every row alive until the step ends; the
    collector, triggered every few thousand new objects, walks them again and again and
    took a third of the signature import's time. Reference counting still frees what
    the step drops; only cycles wait until the step ends. Nested use keeps the outer
    state.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def keys_detach(cur: Any, table: str, *, outgoing: bool = False) -> list[str]:
    """Drop a PostgreSQL table's keys and indexes (and foreign keys pointing to it) for a load.

    ``outgoing``: its own foreign keys too (re-adding one checks the whole table in
    one join instead of one trigger query per row).

    Return the statements that restore them, from the catalog's own definitions:
    building an index once, sorted, after millions of rows is several times faster
    than updating it row by row (pg_restore orders its work the same way). The
    caller holds the transaction; the table stays locked until it ends.
    """
    cur.execute(
        "SELECT format('ALTER TABLE %%s DROP CONSTRAINT %%I', conrelid::regclass, conname),"
        " format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', conrelid::regclass, conname,"
        " pg_get_constraintdef(oid)), contype = 'f'"
        " FROM pg_constraint WHERE conrelid = %s::regclass AND contype = ANY(%s)"
        " OR confrelid = %s::regclass AND contype = 'f'",
        [table, ["p", "u", "f"] if outgoing else ["p", "u"], table],
    )
    constraints = cur.fetchall()
    cur.execute(
        "SELECT format('DROP INDEX %%s', indexrelid::regclass), pg_get_indexdef(indexrelid)"
        " FROM pg_index WHERE indrelid = %s::regclass AND NOT EXISTS"
        " (SELECT 1 FROM pg_constraint c WHERE c.conindid = indexrelid)",
        [table],
    )
    indexes = cur.fetchall()
    foreign = [(drop, add) for drop, add, is_foreign in constraints if is_foreign]
    own = [(drop, add) for drop, add, is_foreign in constraints if not is_foreign]
    for drop, _ in [*foreign, *own, *indexes]:
        cur.execute(drop)
    return [add for _, add in [*own, *indexes, *foreign]]


def pending_checks_run(cur: Any) -> None:
    """Run the transaction's deferred constraint checks now, then defer again.

    ALTER TABLE refuses a table with deferred foreign-key checks still pending (rows
    written or deleted earlier in the same transaction).
    """
    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cur.execute("SET CONSTRAINTS ALL DEFERRED")


def defaults_set(cur: Any, table: str, values: dict[str, Any]) -> list[str]:
    """Make a load's constants the columns' defaults; return statements that restore them.

    A COPY then leaves those columns out and PostgreSQL fills them itself instead of
    decoding the same value on every row.
    """
    cur.execute(
        "SELECT a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a"
        " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
        " WHERE a.attrelid = %s::regclass AND a.attname = ANY(%s)",
        [table, list(values)],
    )
    restore = [
        sql.SQL("ALTER TABLE {} ALTER COLUMN {} {}").format(
            sql.Identifier(table),
            sql.Identifier(name),
            sql.SQL("SET DEFAULT " + expression) if expression else sql.SQL("DROP DEFAULT"),
        )
        for name, expression in cur.fetchall()
    ]
    cur.execute(
        sql.SQL("ALTER TABLE {} {}").format(
            sql.Identifier(table),
            sql.SQL(", ").join(
                sql.SQL("ALTER COLUMN {} SET DEFAULT {}").format(
                    sql.Identifier(name), sql.Literal(value)
                )
                for name, value in values.items()
            ),
        )
    )
    return [statement.as_string(cur) for statement in restore]
