"""Trigram indexes for the queue's name search, on PostgreSQL only.

The queue's search matches part of a name with ``icontains``, which PostgreSQL writes as
``UPPER("client_name"::text) LIKE UPPER('%…%')``. Without an index it reads every case the
user may see: about 0.7 s for a county of 200,000 cases. A GIN index of the same
expression's trigrams (``pg_trgm``) answers it directly.

The indexes are built ``CONCURRENTLY``, so filings and handling go on while they build
(22 s at 1,000,000 cases on the benchmark machine); that needs the migration outside a
transaction. SQLite has neither trigrams nor the need,
and the indexes are not part of the model's state, so the SQLite set-up skips them.
"""

from functools import partial

from django.db import migrations

from notifications.migration_operations import (
    index_build_concurrently,
    index_drop_concurrently,
    statement_timeout_lifted,
)

INDEXES = {
    "complaint_client_name_trgm": "client_name",
    "complaint_filer_name_trgm": "filer_name",
}


def _on_postgresql(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def name_indexes_create(apps, schema_editor):
    if not _on_postgresql(schema_editor):
        return
    # Never dropped on the way back: it may predate this migration (created by the
    # database's owner, docs/operations.md) or serve others.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    table = schema_editor.quote_name(apps.get_model("complaints", "Complaint")._meta.db_table)
    for name, column in INDEXES.items():
        create = (
            f"CREATE INDEX CONCURRENTLY {name} ON {table} "
            f"USING gin (UPPER({schema_editor.quote_name(column)}::text) gin_trgm_ops)"
        )
        index_build_concurrently(schema_editor, name, partial(schema_editor.execute, create))
    # The planner needs the new expressions' statistics to tell a common name (walk the
    # due-date index) from a rare one (ask the trigrams). Without them it guessed rare for
    # every name, and a common one took a second until autovacuum next analysed the table.
    with statement_timeout_lifted(schema_editor):
        schema_editor.execute(f"ANALYZE {table}")


def name_indexes_drop(apps, schema_editor):
    if not _on_postgresql(schema_editor):
        return
    for name in INDEXES:
        index_drop_concurrently(schema_editor, name)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0010_reminder_hint"),
    ]

    operations = [
        migrations.RunPython(name_indexes_create, name_indexes_drop),
    ]
