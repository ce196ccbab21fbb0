"""Query expressions the ORM has no fast form of on every database psephos supports.

``Later(expression, delta)`` is a date-time column moved later by a fixed duration, for
comparisons such as “published at most two hours after acceptance” counted in the
database. Django's own ``F("at") + timedelta`` is native on PostgreSQL but on SQLite goes
through a Python function per row (``django_format_dtdelta``, about 15 µs a row: 0.15 s
for ten thousand protocols). On SQLite this compiles to text arithmetic instead:
Django keeps a date-time there as UTC text, ``YYYY-MM-DD HH:MM:SS`` with ``.ffffff`` when
the microseconds are not zero, and ``strftime`` shifts the whole seconds while the
fraction is carried over unchanged, so the result compares with a stored value as text,
exactly, to the microsecond.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import DateTimeField, F, Func, Value
from django.db.models.expressions import Combinable, CombinedExpression
from django.db.models.sql.compiler import SQLCompiler


class Later(Func):
    """``expression`` plus ``delta`` (whole seconds), as a date-time."""

    output_field = DateTimeField()

    def __init__(self, expression: str | Combinable, delta: dt.timedelta) -> None:
        if delta.microseconds or delta.total_seconds() < 0:
            raise ValueError(f"Later takes a non-negative whole number of seconds, not {delta}")
        self.delta = delta
        super().__init__(F(expression) if isinstance(expression, str) else expression)

    def as_sql(
        self,
        compiler: SQLCompiler,
        connection: BaseDatabaseWrapper,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        shifted = CombinedExpression(self.source_expressions[0], "+", Value(self.delta))
        sql, params = compiler.compile(shifted.resolve_expression(compiler.query))
        return sql, tuple(params)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> tuple[str, tuple[Any, ...]]:
        sql, params = compiler.compile(self.source_expressions[0])
        seconds = int(self.delta.total_seconds())
        return (
            f"(strftime('%%Y-%%m-%%d %%H:%%M:%%S', {sql}, '+{seconds} seconds') "
            f"|| substr({sql}, 20))",
            (*params, *params),
        )
