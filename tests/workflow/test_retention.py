"""Retention: finished cases past the organisation's period are anonymised once, their files
deleted; the case row, the events' kinds and the access log stay."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from complaints.actors import Actor
from complaints.choices import EventKind, Status
from complaints.models import AccessLogEntry, Attachment, CaseEvent, Complaint, Document, Reply
from complaints.services import event_record
from notifications.choices import NotificationStatus
from notifications.models import Notification
from tests.factories import ComplaintFactory, received_on
from tests.workflow.timeline import HELSINKI
from workflow import retention

CLOSED_AT = datetime(2026, 12, 1, 10, 0, tzinfo=HELSINKI)


def _finished(org: Any, status: str = Status.CLOSED, *, ended: datetime = CLOSED_AT) -> Complaint:
    complaint = ComplaintFactory.in_state(
        status,
        organisation=org,
        received_at=received_on(date(2026, 11, 2)),
        client_email="asiakas@example.fi",
        client_phone="040 123",
        client_address="Katu 1",
        persons_involved="Työntekijä X",
        closed_at=ended if status == Status.CLOSED else None,
    )
    kind = {
        Status.CLOSED: EventKind.CLOSED,
        Status.WITHDRAWN: EventKind.WITHDRAWN,
        Status.TRANSFERRED: EventKind.TRANSFERRED,
        Status.MERGED: EventKind.MERGED,
    }.get(status)
    if kind:
        event_record(
            complaint=complaint, kind=kind, actor=Actor.system(), at=ended, data={"why": "x"}
        )
    return complaint


def _files(complaint: Complaint) -> tuple[str, str]:
    attachment = Attachment(
        complaint=complaint,
        original_name="liite.pdf",
        content_type="application/pdf",
        size=3,
        sha256="a" * 64,
        uploaded_at=CLOSED_AT,
    )
    attachment.file.save("liite.pdf", ContentFile(b"pdf"), save=True)
    document = Document(
        complaint=complaint,
        kind="reply",
        language="fi",
        sha256="b" * 64,
        size=3,
        created_at=CLOSED_AT,
    )
    document.file.save(f"{complaint.reference}/reply.pdf", ContentFile(b"pdf"), save=True)
    return attachment.file.name, document.file.name


def _apply(when: datetime, *, dry_run: bool = False) -> dict[str, Any]:
    return retention.retention_apply(now=when, dry_run=dry_run)


def test_a_closed_case_is_anonymised_after_ten_years_once(org: Any) -> None:
    complaint = _finished(org)
    names = _files(complaint)
    reads = AccessLogEntry.objects.filter(complaint=complaint).count()
    kinds = list(CaseEvent.objects.filter(complaint=complaint).values_list("kind", flat=True))

    assert _apply(datetime(2036, 12, 1, 9, 0, tzinfo=HELSINKI))["anonymised"] == 0  # 1 h short
    result = _apply(datetime(2036, 12, 1, 11, 0, tzinfo=HELSINKI))
    assert result["anonymised"] == 1
    assert result["organisations"] == {org.slug: 1}

    complaint.refresh_from_db()
    assert complaint.anonymised_at == datetime(2036, 12, 1, 11, 0, tzinfo=HELSINKI)
    assert (complaint.client_name, complaint.client_email, complaint.client_phone) == ("", "", "")
    assert (complaint.description, complaint.persons_involved, complaint.client_address) == (
        "",
        "",
        "",
    )
    assert complaint.status == Status.CLOSED  # the case row stays
    assert not Attachment.objects.exists()
    assert not Document.objects.exists()
    assert not any(default_storage.exists(name) for name in names)
    assert Reply.objects.get(complaint=complaint).text == ""
    events = CaseEvent.objects.filter(complaint=complaint).order_by("pk")
    assert list(events.values_list("kind", flat=True)) == [*kinds, EventKind.ANONYMISED]
    assert all(data == {} for data in events.values_list("data", flat=True))
    # The access log stays, with the anonymisation written to it.
    assert AccessLogEntry.objects.filter(complaint=complaint).count() == reads + 1

    again = _apply(datetime(2040, 1, 1, tzinfo=HELSINKI))
    assert again["anonymised"] == 0
    assert events.filter(kind=EventKind.ANONYMISED).count() == 1


@pytest.mark.parametrize("status", [Status.WITHDRAWN, Status.TRANSFERRED, Status.MERGED])
def test_other_finished_states_count_from_their_last_event(org: Any, status: str) -> None:
    complaint = _finished(org, status)
    assert _apply(datetime(2036, 11, 30, tzinfo=HELSINKI))["anonymised"] == 0
    assert _apply(datetime(2036, 12, 2, tzinfo=HELSINKI))["anonymised"] == 1
    complaint.refresh_from_db()
    assert complaint.anonymised_at is not None


def test_a_case_left_replied_counts_from_its_reply(org: Any) -> None:
    """The written reply ends the muistutus; a case nobody closed is not kept for ever."""
    complaint = _finished(org, Status.REPLIED)
    Complaint.objects.filter(pk=complaint.pk).update(
        replied_at=CLOSED_AT, updated_at=datetime(2030, 1, 1, tzinfo=HELSINKI)
    )
    assert _apply(datetime(2036, 11, 30, tzinfo=HELSINKI))["anonymised"] == 0
    assert _apply(datetime(2036, 12, 2, tzinfo=HELSINKI))["anonymised"] == 1
    complaint.refresh_from_db()
    assert complaint.anonymised_at is not None
    assert complaint.client_email == ""
    assert Reply.objects.get(complaint=complaint).text == ""


@pytest.mark.parametrize("status", [Status.RECEIVED, Status.IN_HANDLING, Status.AWAITING_APPROVAL])
def test_cases_not_finished_are_kept(org: Any, status: str) -> None:
    _finished(org, status)
    assert _apply(datetime(2050, 1, 1, tzinfo=HELSINKI))["anonymised"] == 0
    assert Complaint.objects.filter(anonymised_at__isnull=True).count() == 1


def test_each_organisation_has_its_own_period_and_batches_are_bounded(
    org: Any, monkeypatch: Any
) -> None:
    from tests.factories import OrganisationFactory

    short = OrganisationFactory(retention_years=2)
    monkeypatch.setattr(retention, "RETENTION_BATCH", 2)
    for _ in range(5):
        _finished(short)
    _finished(org)
    when = datetime(2029, 1, 1, tzinfo=HELSINKI)
    assert _apply(when, dry_run=True) == {
        "at": when.isoformat(),
        "dry_run": True,
        "anonymised": 5,
        "organisations": {short.slug: 5},
        "emails_forgotten": 0,
    }
    assert not Complaint.objects.filter(anonymised_at__isnull=False).exists()
    assert _apply(when)["organisations"] == {short.slug: 5}
    assert Complaint.objects.filter(organisation=org, anonymised_at__isnull=True).count() == 1


def test_the_command_prints_counts(org: Any) -> None:
    _finished(org)
    out = io.StringIO()
    call_command("apply_retention", "--at", "2037-01-01T00:00:00+02:00", "--dry-run", stdout=out)
    assert json.loads(out.getvalue())["anonymised"] == 1
    assert Complaint.objects.get().anonymised_at is None


def test_the_daily_run_also_blanks_recipients_of_old_emails(org: Any, settings: Any) -> None:
    settings.NOTIFICATION_KEEP_DAYS = 730
    sent = Notification.objects.create(
        recipient="asiakas@example.fi",
        subject="Muistutuksesi on vastaanotettu",
        body_text="",
        redacted=True,
        status=NotificationStatus.SENT,
        created_at=CLOSED_AT,
        next_attempt_at=CLOSED_AT,
        sent_at=CLOSED_AT,
        dedupe_key="complaint:1:receipt",
    )
    kept = retention.retention_apply(now=CLOSED_AT + timedelta(days=729))
    assert kept["emails_forgotten"] == 0
    out = io.StringIO()
    call_command("apply_retention", "--at", "2028-12-01T11:00:00+02:00", stdout=out)
    assert json.loads(out.getvalue())["emails_forgotten"] == 1
    sent.refresh_from_db()
    assert (sent.recipient, sent.subject, sent.status) == ("", "", NotificationStatus.SENT)
