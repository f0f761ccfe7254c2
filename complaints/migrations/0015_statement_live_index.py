"""The timers' index of statement requests holds only those still needed (unanswered and
not cancelled, 0014). On PostgreSQL the new one is built ``CONCURRENTLY`` before the old
one is dropped the same way, so the sweep is never without one and requests are written
meanwhile; both steps may run again after a failure (``atomic = False`` for that).

A request whose case leaves handling while the old code still runs (after 0014, before
the restart) keeps no ``cancelled_at`` and stays in this index; the timers still pass it
over by its case's state.
"""

from django.db import migrations, models

from notifications.migration_operations import (
    AddIndexConcurrentlyOnPostgreSQL,
    RemoveIndexConcurrentlyOnPostgreSQL,
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0014_statement_cancelled"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="statementrequest",
            index=models.Index(
                condition=models.Q(("answered_at__isnull", True), ("cancelled_at__isnull", True)),
                fields=["due_date"],
                name="statement_live_idx",
            ),
        ),
        RemoveIndexConcurrentlyOnPostgreSQL(
            model_name="statementrequest",
            name="statement_pending_idx",
        ),
    ]
