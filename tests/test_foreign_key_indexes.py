"""No index that another already serves: each one costs every insert and every update that
cannot be made in place (the sweep's flags rewrite all of a case's index entries).

Django gives every foreign key an index of its own. Where a composite index or a unique
constraint already begins with that key, the key's own index only adds writes; and a key
that is empty on most rows is indexed only where it names somebody.
"""

from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from complaints.models import CaseEvent, Complaint

APPS = ("complaints", "notifications")


def _leading_fields(model: type[models.Model], *, with_conditional: bool) -> set[str]:
    """Fields that begin an index or unique constraint of ``model``; with
    ``with_conditional``, also a partial one."""
    meta = model._meta
    groups = [index.fields for index in meta.indexes if with_conditional or index.condition is None]
    groups += [
        constraint.fields
        for constraint in meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
        and (with_conditional or constraint.condition is None)
    ]
    return {group[0].lstrip("-") for group in groups if group}


def _foreign_keys() -> list[tuple[type[models.Model], models.ForeignKey[Any, Any]]]:
    return [
        (model, field)
        for app_label in APPS
        for model in apps.get_app_config(app_label).get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey)
    ]


def test_no_foreign_key_has_an_index_another_index_begins_with() -> None:
    doubled = [
        f"{model.__name__}.{field.name}"
        for model, field in _foreign_keys()
        if field.db_index and field.name in _leading_fields(model, with_conditional=False)
    ]
    assert doubled == []


def test_every_foreign_key_still_begins_some_index() -> None:
    """A key's deletion or look-up (``SET NULL``, ``CASCADE``, a reverse relation) never
    reads a whole table: without an index of its own, some other index begins with it."""
    unindexed = [
        f"{model.__name__}.{field.name}"
        for model, field in _foreign_keys()
        if not (field.db_index or field.unique)
        and field.name not in _leading_fields(model, with_conditional=True)
    ]
    assert unindexed == []


def test_keys_empty_on_most_rows_are_indexed_only_where_set() -> None:
    for model, field in [
        (Complaint, "assisted_by"),
        (Complaint, "created_by"),
        (Complaint, "merged_into"),
        (CaseEvent, "actor"),
    ]:
        assert not model._meta.get_field(field).db_index
        [index] = [index for index in model._meta.indexes if index.fields == [field]]
        assert index.condition == models.Q(**{f"{field}__isnull": False})


def test_the_database_has_no_index_another_begins_with(require_postgres: Any, db: Any) -> None:
    """The same on the migrated PostgreSQL schema, whatever the models say."""
    tables = [
        model._meta.db_table
        for app_label in APPS
        for model in apps.get_app_config(app_label).get_models()
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.indexrelid::regclass::text
            FROM pg_index a
            JOIN pg_index b ON a.indrelid = b.indrelid AND a.indexrelid <> b.indexrelid
            JOIN pg_class t ON t.oid = a.indrelid
            WHERE t.relname = ANY(%s)
              AND NOT a.indisunique AND a.indpred IS NULL AND a.indexprs IS NULL
              AND b.indpred IS NULL AND b.indexprs IS NULL
              AND (b.indkey::text || ' ') LIKE (a.indkey::text || ' %%')
              -- the same operator classes: a LIKE index beside a unique one is not a double
              AND (b.indclass::text || ' ') LIKE (a.indclass::text || ' %%')
            """,
            [tables],
        )
        assert [name for (name,) in cursor.fetchall()] == []


def _foreign_keys_of(table: str) -> list[list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return sorted(found["columns"] for found in constraints.values() if found["foreign_key"])


def _indexes_of(table: str) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        name: found["columns"]
        for name, found in constraints.items()
        if found["index"] and not found["unique"] and not found["primary_key"]
    }


def test_the_migration_goes_back_and_forth(transactional_db: Any) -> None:
    events = CaseEvent._meta.db_table
    call_command("migrate", "complaints", "0012", verbosity=0)
    call_command("migrate", "notifications", "0002", verbosity=0)
    keys = _foreign_keys_of(events)
    assert ["complaint_id"] in keys
    assert ["complaint_id"] in _indexes_of(events).values()
    assert "event_actor_idx" not in _indexes_of(events)

    with CaptureQueriesContext(connection) as forwards:
        call_command("migrate", verbosity=0)
    # Only indexes change: Django's own alteration would drop each key's constraint and
    # add it again, checking every row while writes wait.
    statements = [query["sql"].upper() for query in forwards]
    assert not [sql for sql in statements if "DROP CONSTRAINT" in sql or "ADD CONSTRAINT" in sql]
    assert ["complaint_id"] not in _indexes_of(events).values()
    assert _indexes_of(events)["event_actor_idx"] == ["actor_id"]
    cases = _indexes_of(Complaint._meta.db_table)
    assert [name for name, columns in cases.items() if columns == ["created_by_id"]] == [
        "case_created_by_idx"
    ]
    assert _foreign_keys_of(events) == keys
