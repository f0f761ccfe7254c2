"""Migration operations that change indexes without holding up writes on PostgreSQL.

They live in the lowest app so that every app's migrations may use them. On other
databases they are Django's own operations. A migration using them must be
``atomic = False``: PostgreSQL builds and drops ``CONCURRENTLY`` only outside a transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import migrations


@contextmanager
def statement_timeout_lifted(schema_editor: Any) -> Iterator[None]:
    """A server-wide ``statement_timeout`` would cut an index build short, every time it
    is tried; lifted for this connection while the build runs."""
    schema_editor.execute("SET statement_timeout = 0")
    try:
        yield
    finally:
        schema_editor.execute("RESET statement_timeout")


def index_drop_concurrently(schema_editor: Any, name: str) -> None:
    """Drop the index ``name`` without holding up reads or writes; nothing if it is gone,
    so a run after a failure goes on where it stopped."""
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(name)}")


def index_build_concurrently(schema_editor: Any, name: str, build: Callable[[], None]) -> None:
    """Build the index ``name`` with ``build`` (a ``CREATE INDEX CONCURRENTLY``), after
    dropping an INVALID one that a build interrupted half-way left behind."""
    index_drop_concurrently(schema_editor, name)
    with statement_timeout_lifted(schema_editor):
        build()


class _ConcurrentlyOnPostgreSQL:
    """Runs ``postgresql_forwards`` / ``postgresql_backwards`` on PostgreSQL, the Django
    operation's own database step elsewhere."""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            self.postgresql_forwards(app_label, schema_editor, to_state)
        else:
            super().database_forwards(  # type: ignore[misc]
                app_label, schema_editor, from_state, to_state
            )

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            self.postgresql_backwards(app_label, schema_editor, from_state, to_state)
        else:
            super().database_backwards(  # type: ignore[misc]
                app_label, schema_editor, from_state, to_state
            )

    def postgresql_forwards(self, app_label: str, schema_editor: Any, to_state: Any) -> None:
        raise NotImplementedError

    def postgresql_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        super().database_backwards(  # type: ignore[misc]
            app_label, schema_editor, from_state, to_state
        )


class AddIndexConcurrentlyOnPostgreSQL(_ConcurrentlyOnPostgreSQL, migrations.AddIndex):
    """``AddIndex``, built ``CONCURRENTLY`` on PostgreSQL: writes go on meanwhile. Going
    back drops it the usual way, a moment's lock."""

    def postgresql_forwards(self, app_label: str, schema_editor: Any, to_state: Any) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        index_build_concurrently(
            schema_editor,
            self.index.name,
            lambda: schema_editor.add_index(model, self.index, concurrently=True),
        )


class RemoveIndexConcurrentlyOnPostgreSQL(_ConcurrentlyOnPostgreSQL, migrations.RemoveIndex):
    """``RemoveIndex``, dropped ``CONCURRENTLY`` on PostgreSQL: reads and writes go on,
    and a second run after a failure finds nothing to drop. Going back builds it the
    usual way."""

    def postgresql_forwards(self, app_label: str, schema_editor: Any, to_state: Any) -> None:
        index_drop_concurrently(schema_editor, self.name)


class ForeignKeyIndexDrop(_ConcurrentlyOnPostgreSQL, migrations.AlterField):
    """``AlterField`` of a foreign key to ``db_index=False``.

    Django's own alteration drops the key's constraint with its index and adds it again,
    which checks every row while writes to both tables wait (4,300,000 events at a million
    cases), and an interrupted run would leave the key unchecked for good. On PostgreSQL
    this drops the index alone, ``CONCURRENTLY``, and going back builds it the same way.
    """

    def postgresql_forwards(self, app_label: str, schema_editor: Any, to_state: Any) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        for name in self._key_indexes(schema_editor, model):
            index_drop_concurrently(schema_editor, name)

    def postgresql_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        model = to_state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        # Django's statement for a key's index, so the name is the one it would give.
        statement = schema_editor._create_index_sql(model, fields=[field], concurrently=True)
        index_build_concurrently(
            schema_editor, str(statement.parts["name"]), lambda: schema_editor.execute(statement)
        )

    def _key_indexes(self, schema_editor: Any, model: Any) -> list[str]:
        """The plain index of this key alone, whatever it is named; not a declared one."""
        column = model._meta.get_field(self.name).column
        declared = {index.name for index in model._meta.indexes}
        connection = schema_editor.connection
        with connection.cursor() as cursor:
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
        return [
            name
            for name, found in constraints.items()
            if found["index"]
            and found["type"] == "idx"  # a btree
            and not (found["unique"] or found["primary_key"])
            and found["columns"] == [column]
            and name not in declared
        ]
