"""Indexes that another already serves go; keys empty on most rows are indexed where set.

Every insert writes each of a table's indexes, and so does every update that cannot be made
in place: the sweep's overdue flag rewrites all eighteen of a case's index entries. Django
gave each foreign key an index of its own, also where a composite index or a unique
constraint begins with that key (events, reads, breaches, reminders, letters, ...): those
go. Who registered, assisted or absorbed a case, and who acted in an event, is empty on
most rows: those indexes now hold only the rows where it is set.

On PostgreSQL the new indexes are built ``CONCURRENTLY`` first, so filings go on meanwhile
and no look-up is ever without an index; then the old ones are dropped ``CONCURRENTLY``,
the key's constraint left as it is (``notifications.migration_operations``). That needs the
migration outside a transaction. Going back builds the old indexes the same way.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from notifications.migration_operations import (
    AddIndexConcurrentlyOnPostgreSQL,
    ForeignKeyIndexDrop,
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("complaints", "0012_name_search_pending_list"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="caseevent",
            index=models.Index(
                condition=models.Q(("actor__isnull", False)),
                fields=["actor"],
                name="event_actor_idx",
            ),
        ),
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("assisted_by__isnull", False)),
                fields=["assisted_by"],
                name="case_assisted_by_idx",
            ),
        ),
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("created_by__isnull", False)),
                fields=["created_by"],
                name="case_created_by_idx",
            ),
        ),
        AddIndexConcurrentlyOnPostgreSQL(
            model_name="complaint",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", False)),
                fields=["merged_into"],
                name="case_merged_into_idx",
            ),
        ),
        ForeignKeyIndexDrop(
            model_name="accesslogentry",
            name="complaint",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="access_log",
                to="complaints.complaint",
            ),
        ),
        ForeignKeyIndexDrop(
            model_name="accesslogentry",
            name="user",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        ForeignKeyIndexDrop(
            model_name="attachment",
            name="complaint",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="attachments",
                to="complaints.complaint",
            ),
        ),
        ForeignKeyIndexDrop(
            model_name="caseevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        ForeignKeyIndexDrop(
            model_name="caseevent",
            name="complaint",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="complaints.complaint",
            ),
        ),
        ForeignKeyIndexDrop(
            model_name="closureday",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="closure_days",
                to="complaints.organisation",
            ),
        ),
        ForeignKeyIndexDrop(
            model_name="complaint",
            name="assisted_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="assisted by the social ombudsman",
            ),
        ),
        ForeignKeyIndexDrop(
            model_name="complaint",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        ForeignKeyIndexDrop(
            model_name="complaint",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="merged_cases",
                to="complaints.complaint",
            ),
        ),
        ForeignKeyIndexDrop(
            model_name="deadlinebreach",
            name="complaint",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="breaches",
                to="complaints.complaint",
            ),
        ),
        ForeignKeyIndexDrop(
            model_name="deadlinereminder",
            name="complaint",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reminders",
                to="complaints.complaint",
            ),
        ),
        ForeignKeyIndexDrop(
            model_name="document",
            name="complaint",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="documents",
                to="complaints.complaint",
            ),
        ),
        ForeignKeyIndexDrop(
            model_name="referencecounter",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="complaints.organisation",
            ),
        ),
        ForeignKeyIndexDrop(
            model_name="reply",
            name="complaint",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="replies",
                to="complaints.complaint",
            ),
        ),
        ForeignKeyIndexDrop(
            model_name="replytemplate",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reply_templates",
                to="complaints.organisation",
            ),
        ),
        ForeignKeyIndexDrop(
            model_name="staffmembership",
            name="user",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]
