"""Migration operations that change indexes without holding up writes on PostgreSQL.

They live in the lowest app so that every app's migrations may use them. On other
databases they are Django's own operations.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def _on_postgresql(schema_editor: Any) -> bool:
    return bool(schema_editor.connection.vendor == "postgresql")


class AddIndexConcurrentlyOnPostgreSQL(migrations.AddIndex):
    """``AddIndex``, built ``CONCURRENTLY`` on PostgreSQL (writes go on meanwhile); the
    migration must be ``atomic = False``."""

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if not _on_postgresql(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        # A build that failed half-way leaves an INVALID index behind; start it again.
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {self.index.name}")
        # A server-wide statement_timeout would cut the build short, every time it is tried.
        schema_editor.execute("SET statement_timeout = 0")
        try:
            schema_editor.add_index(model, self.index, concurrently=True)
        finally:
            schema_editor.execute("RESET statement_timeout")


class ForeignKeyIndexDrop(migrations.AlterField):
    """``AlterField`` of a foreign key to ``db_index=False``.

    Django's own alteration drops the key's constraint with its index and adds it again,
    which checks every row while writes to both tables wait (4,300,000 events at a million
    cases), and an interrupted run would leave the key unchecked for good. On PostgreSQL
    this drops the index alone, ``CONCURRENTLY``, and going back builds it the same way;
    the migration must be ``atomic = False``.
    """

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if not _on_postgresql(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        for name in self._key_indexes(schema_editor, model):
            schema_editor.execute(
                f"DROP INDEX CONCURRENTLY IF EXISTS {schema_editor.quote_name(name)}"
            )

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        if not _on_postgresql(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        field = model._meta.get_field(self.name)
        # Django's statement for a key's index, so the name is the one it would give.
        statement = schema_editor._create_index_sql(model, fields=[field], concurrently=True)
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {statement.parts['name']}")
        schema_editor.execute(statement)

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
