"""Single hand-written statements for the hottest reads and writes.

A protocol's submission is the busiest write of election night, and the ORM spends
about ten times longer building a statement than the database spends running it;
the canonical lookups every request starts with (an election by key, its options, a
station's commission by code) and the submission path therefore use these helpers. These
helpers build plain SQL from the models' ``_meta`` (table and column names), prepare
values with the fields' own ``get_db_prep_save`` and read rows back through the
fields' database converters, so instances come out exactly as the ORM would make
them. The SQL text and converters are built once per model and database vendor;
nothing read from the database is cached. Every value is a query parameter (the
f-strings hold only names from ``_meta``, hence the S608 noqa).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models

_Converter = Callable[[Any, Any, Any], Any]
_columns_cache: dict[tuple[str, type[models.Model], str], str] = {}
_converters_cache: dict[
    tuple[str, type[models.Model]], list[tuple[int, Any, list[_Converter]]]
] = {}
_pk_index_cache: dict[type[models.Model], tuple[int, int]] = {}
_insert_cache: dict[tuple[str, type[models.Model], int], Any] = {}
_quoted: dict[str, str] = {}


def qn(name: str | None) -> str:
    """Quote a table or column name for the current database.

    Remembered per name: a process talks to one database, and both that psephos
    supports (PostgreSQL, SQLite) quote a name the same way.
    """
    assert name is not None
    quoted = _quoted.get(name)
    if quoted is None:
        quoted = _quoted[name] = connection.ops.quote_name(name)
    return quoted


def columns(model: type[models.Model], alias: str) -> str:
    """Return ``alias."col", …`` for every concrete field of ``model``, in field order."""
    key = (connection.vendor, model, alias)
    text = _columns_cache.get(key)
    if text is None:
        text = ", ".join(f"{alias}.{qn(f.column)}" for f in model._meta.concrete_fields)
        _columns_cache[key] = text
    return text


def row_fetch(sql: str, params: Sequence[Any]) -> tuple[Any, ...] | None:
    """Run one SELECT and return its first row, or ``None``."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else tuple(row)


def rows_split(row: Sequence[Any], *models_: type[models.Model]) -> list[models.Model | None]:
    """Build one instance per model from consecutive column groups of a joined row.

    The groups are as selected by ``columns`` for each model in turn; a group whose
    primary key is ``NULL`` (a LEFT JOIN that found nothing) gives ``None``.
    """
    out: list[models.Model | None] = []
    start = 0
    for model in models_:
        shape = _pk_index_cache.get(model)
        if shape is None:
            fields = model._meta.concrete_fields
            shape = _pk_index_cache[model] = (len(fields), fields.index(model._meta.pk))
        width, pk_index = shape
        group = row[start : start + width]
        out.append(None if group[pk_index] is None else from_row(model, group))
        start += width
    return out


def from_row[M: models.Model](model: type[M], row: Sequence[Any]) -> M:
    """Build an instance from a row of all its concrete columns (as selected by ``columns``)."""
    key = (connection.vendor, model)
    plan = _converters_cache.get(key)
    if plan is None:
        plan = []
        for index, field in enumerate(model._meta.concrete_fields):
            expression = field.get_col(model._meta.db_table)
            converters = connection.ops.get_db_converters(expression) + field.get_db_converters(
                connection
            )
            if converters:  # most columns come back from the driver as they are
                plan.append((index, expression, converters))
        _converters_cache[key] = plan
    values = list(row)
    for index, expression, converters in plan:
        value = values[index]
        for convert in converters:
            value = convert(value, expression, connection)
        values[index] = value
    return model.from_db(connection.alias, (), values)  # every field: names unused


# Values of these field types that already are a plain ``int`` or ``str`` (or ``None``)
# go to the driver as they are: their ``get_db_prep_save`` would return them unchanged.
_PLAIN_TYPES = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "BigIntegerField",
        "CharField",
        "IntegerField",
        "PositiveBigIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "SlugField",
        "SmallIntegerField",
        "TextField",
    }
)
_PLAIN_VALUES = (int, str, type(None))
type _Plan = tuple[list[tuple[str, bool, models.Field[Any, Any]]], str]


def _is_plain(field: models.Field[Any, Any]) -> bool:
    if field.is_relation:
        target = field.target_field  # type: ignore[attr-defined]
        return bool(target.get_internal_type() in _PLAIN_TYPES)
    return field.get_internal_type() in _PLAIN_TYPES


def _insert_plan(model: type[models.Model], rows: int) -> _Plan:
    key = (connection.vendor, model, rows)
    plan: _Plan | None = _insert_cache.get(key)
    if plan is None:
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        row = f"({', '.join(['%s'] * len(fields))})"
        sql = (
            f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)})"  # noqa: S608
            f" VALUES {', '.join([row] * rows)}"
        )
        plan = ([(f.attname, _is_plain(f), f) for f in fields], sql)
        if len(_insert_cache) < 256:
            _insert_cache[key] = plan
    return plan


def _params(fields: list[tuple[str, bool, models.Field[Any, Any]]], obj: models.Model) -> list[Any]:
    """Return the INSERT values of ``obj`` as ``save()`` would prepare them."""
    params = []
    for attname, plain, field in fields:
        value = getattr(obj, attname) if plain else None
        if not plain or type(value) not in _PLAIN_VALUES:
            value = field.get_db_prep_save(field.pre_save(obj, True), connection)
        params.append(value)
    return params


def insert[M: models.Model](obj: M) -> M:
    """INSERT one new instance (every concrete field, prepared as ``save()`` would); set its id."""
    if not connection.features.can_return_columns_from_insert:  # pragma: no cover
        obj.save(force_insert=True)
        return obj
    model = type(obj)
    fields, sql = _insert_plan(model, 1)
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {qn(model._meta.pk.column)}", _params(fields, obj))
        obj.pk = cursor.fetchone()[0]
    obj._state.adding, obj._state.db = False, connection.alias
    return obj


def insert_values(model: type[models.Model], rows: list[tuple[Any, ...]]) -> None:
    """INSERT rows given as tuples of every non-key concrete field, in field order.

    For wide batches of small rows (a version's votes) without building instances;
    values that are not plain ``int``/``str``/``None`` are prepared by their field.
    """
    if not rows:
        return
    fields, sql = _insert_plan(model, len(rows))
    params = []
    for row in rows:
        for (_attname, plain, field), value in zip(fields, row, strict=True):
            if not plain or type(value) not in _PLAIN_VALUES:
                value = field.get_db_prep_save(value, connection)
            params.append(value)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def insert_many(
    model: type[models.Model], names: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """INSERT rows of the fields ``names`` with one prepared statement (executemany).

    For the bulk paths (an imported election's protocols, a map's stations, ledger
    events) where building an instance per row costs more than the INSERT. Values that
    are not plain ``int``/``str``/``None`` are prepared by their field; every other
    concrete field takes its default.
    """
    if not rows:
        return
    meta = model._meta
    fields = [meta.get_field(n) for n in names]
    named = {f.name for f in fields}
    rest = [f for f in meta.concrete_fields if not f.primary_key and f.name not in named]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
    columns = [qn(f.column) for f in [*fields, *rest]]  # type: ignore[union-attr]
    sql = (
        f"INSERT INTO {qn(meta.db_table)} ({', '.join(columns)})"  # noqa: S608
        f" VALUES ({', '.join(['%s'] * len(columns))})"
    )
    prepared = [
        tuple(
            v if type(v) in _PLAIN_VALUES else f.get_db_prep_save(v, connection)  # type: ignore[union-attr]
            for f, v in zip(fields, row, strict=True)
        )
        + defaults
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, prepared)


def db_value(model: type[models.Model], name: str, value: Any) -> Any:
    """Prepare ``value`` for the database as field ``name`` of ``model`` would."""
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return field.get_db_prep_save(value, connection)
