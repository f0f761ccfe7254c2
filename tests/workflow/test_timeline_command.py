"""Done means: run ``sweep_deadlines --at`` a month and a half after a filing and see the
flags, the notes, the notifications — once."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any
from unittest import mock

from django.core.management import call_command
from pypdf import PdfReader

from complaints import clock
from complaints.actors import Actor
from complaints.choices import BreachTier, EventKind
from complaints.models import CaseEvent, Complaint, DeadlineBreach, Document, StatementRequest
from notifications.models import InboxItem, Notification
from tests.workflow.timeline import CLIENT, at, frozen, notes_generate, people, snapshot
from workflow.intake import Party, Submission, complaint_submit
from workflow.tasks import documents_generate_task
from workflow.transitions import complaint_accept


def _sweep(moment: str, capture: Any) -> tuple[dict[str, Any], list[int]]:
    out = io.StringIO()
    with mock.patch.object(documents_generate_task, "delay") as delay, capture(execute=True):
        call_command("sweep_deadlines", "--at", moment, stdout=out)
    queued = [pk for c in delay.call_args_list for pk in c.kwargs["complaint_ids"]]
    return json.loads(out.getvalue()), queued


def test_sweep_a_month_and_a_half_after_filing(
    org: Any, unit: Any, django_capture_on_commit_callbacks: Any
) -> None:
    capture = django_capture_on_commit_callbacks
    staff = people(org, unit)
    filed_at = at(date(2026, 11, 2), 10)
    with frozen(filed_at), capture(execute=False):
        filed = complaint_submit(
            organisation=org,
            submission=Submission(
                description="Minua kohdeltiin epäasiallisesti.",
                filer_role="client",
                client=Party(name="Maija", email=CLIENT),
                language="fi",
                reply_delivery="online",
                service_unit_id=unit.pk,
            ),
            actor=Actor.complainant(),
            now=clock.now(),
        )
        complaint_accept(
            complaint_id=filed.complaint.pk, actor=Actor.staff(staff["handler"]), now=clock.now()
        )
    complaint = Complaint.objects.get(pk=filed.complaint.pk)
    assert complaint.due_date == date(2026, 12, 2)
    StatementRequest.objects.create(
        complaint=complaint,
        respondent_name="Työntekijä",
        respondent_email="tyontekija@example.fi",
        question="Mitä tapahtui?",
        due_date=date(2026, 11, 20),
        token_hash="x" * 64,
        requested_by=staff["handler"],
        requested_at=filed_at,
    )
    before = Notification.objects.count()  # the receipt and the "accepted" notice

    result, notes = _sweep("2026-12-17T08:00:00+02:00", capture)
    assert (result["flagged_overdue"], result["flagged_very_overdue"]) == (1, 0)
    assert result["statements_overdue"] == 1
    complaint.refresh_from_db()
    assert (complaint.overdue, complaint.very_overdue) == (True, False)
    assert list(DeadlineBreach.objects.values_list("tier", flat=True)) == [BreachTier.OVERDUE]
    assert CaseEvent.objects.filter(complaint=complaint, kind=EventKind.OVERDUE).count() == 1
    assert CaseEvent.objects.filter(kind=EventKind.STATEMENT_OVERDUE).count() == 1
    new = Notification.objects.order_by("pk")[before:]
    assert sorted(n.recipient for n in new) == [
        CLIENT,  # the delay notice
        "kasittelija@example.fi",  # overdue
        "kasittelija@example.fi",  # the statement is late
        "vastuuhenkilo@example.fi",  # overdue
    ]
    assert all("Minua kohdeltiin" not in n.body_text + n.body_html for n in new)
    assert InboxItem.objects.filter(user=staff["handler"], read_at__isnull=True).count() == 2

    # The worker generates the internal escalation note queued after the commit.
    assert notes == [complaint.pk]
    notes_generate(notes, at(date(2026, 12, 17), 8, 1))
    note = Document.objects.get(complaint=complaint, kind=Document.Kind.INTERNAL_ESCALATION)
    text = " ".join(page.extract_text() for page in PdfReader(note.file.path).pages)
    for expected in [complaint.reference, "2.12.2026", "Työntekijä", "kasittelija"]:
        assert expected in text, expected
    assert "Minua kohdeltiin" in text  # the case summary, internal only

    # Once: the same command again, later the same day, changes nothing.
    state = snapshot(complaint)
    again, notes = _sweep("2026-12-17T15:00:00+02:00", capture)
    assert notes == []
    assert {key: value for key, value in again.items() if isinstance(value, int)} == {
        key: 0 for key, value in again.items() if isinstance(value, int)
    }
    assert snapshot(complaint) == state
