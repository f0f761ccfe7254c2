"""A statement request left unanswered when its case leaves handling is no longer needed.

Until now such a request stayed "pending" for good: in the timers' partial index and in
every sweep's look for late requests, which read them all and grew with the years.
``cancelled_at`` marks them. Requests already left on closed cases get the moment their
case left handling (its exit event), or the migration's own where no event says. One
transaction; 0015 then swaps the index.
"""

from django.db import migrations, models
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce, Now

OPEN_STATES = ("received", "in_handling", "awaiting_approval")
# The events of the transitions out of handling (workflow.transitions).
EXIT_EVENTS = ("withdrawn", "transferred", "merged", "reply_approved")


def cancel_left_requests(apps, schema_editor):
    StatementRequest = apps.get_model("complaints", "StatementRequest")
    CaseEvent = apps.get_model("complaints", "CaseEvent")
    left_at = (
        CaseEvent.objects.filter(complaint_id=OuterRef("complaint_id"), kind__in=EXIT_EVENTS)
        .order_by()
        .values("complaint_id")
        .annotate(at=Max("at"))
        .values("at")
    )
    StatementRequest.objects.filter(answered_at__isnull=True, cancelled_at__isnull=True).exclude(
        complaint__status__in=OPEN_STATES
    ).update(cancelled_at=Coalesce(Subquery(left_at), Now()))


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0013_fewer_case_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="statementrequest",
            name="cancelled_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="no longer needed since"
            ),
        ),
        migrations.RunPython(cancel_left_requests, migrations.RunPython.noop),
    ]
