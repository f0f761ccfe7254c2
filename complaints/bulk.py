"""Set-based writes the ORM has no verb for: ``INSERT INTO … SELECT …`` on the server.

A timer that records a breach and an event for 10,000 cases would otherwise build 20,000
model instances in Python only to send back values the database already has. Here the rows
are computed by the database from a queryset, in one statement, on PostgreSQL and SQLite.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import connections, models
from django.db.models.expressions import Combinable, Expression


def insert_from_select(
    model: type[models.Model],
    source: models.QuerySet[Any],
    columns: Mapping[str, Expression | Combinable],
    *,
    ignore_conflicts: bool = False,
    returning: str | None = None,
) -> list[Any]:
    """One row of ``model`` per row of ``source``; ``columns`` maps the new row's fields to
    expressions over ``source`` (``F("id")``, ``Value(...)``, functions). With
    ``ignore_conflicts``, rows that break a unique constraint are skipped. Returns the
    ``returning`` field of the rows written (an empty list without ``returning``).

    Python-side defaults (``default=``, ``auto_now``) are not applied: give every column
    that needs a value. Runs on the database ``source`` reads from."""
    meta = model._meta
    names = {f"insert_{index}": name for index, name in enumerate(columns)}
    select = (
        source.order_by()
        .annotate(**{alias: columns[name] for alias, name in names.items()})
        .values(*names)
    )
    sql, params = select.query.sql_with_params()
    database = connections[source.db]
    quote = database.ops.quote_name

    def column(name: str) -> str:
        field = meta.get_field(name)
        if (
            not isinstance(field, models.Field)
            or field not in meta.concrete_fields
            or not field.column
        ):
            raise ValueError(f"{model.__name__}.{name} is not a column")
        return str(quote(field.column))

    fields = ", ".join(column(name) for name in columns)
    statement = f"INSERT INTO {quote(meta.db_table)} ({fields}) {sql}"
    if ignore_conflicts:
        statement += " ON CONFLICT DO NOTHING"
    if returning:
        statement += f" RETURNING {column(returning)}"
    with database.cursor() as cursor:
        cursor.execute(statement, params)
        return [row[0] for row in cursor.fetchall()] if returning else []
