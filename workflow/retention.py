"""Retention: anonymise finished cases once their organisation's retention period has passed.

A case closed, withdrawn, transferred or merged more than ``Organisation.retention_years``
ago (default 10; its information-management plan), or replied that long ago and never
closed (the written reply ends the muistutus in law; closing it is staff's bookkeeping,
which a case may miss), loses its personal data and free text, its attachment and letter
files are deleted, and it gets ``anonymised_at`` and one ``ANONYMISED`` event. Kept: the
case row (reference, dates, states, flags, breaches), the events' kinds and moments, and
the access log (Act 703/2023 requires it).

The same daily run blanks the recipient, subject and error text of emails sent or failed
more than ``NOTIFICATION_KEEP_DAYS`` ago (``notifications_forget``); the outbox row stays.

Idempotent (an anonymised case is never a candidate again) and batched: each batch is one
transaction of at most ``RETENTION_BATCH`` cases with a fixed number of statements. Files are
deleted before the batch commits: if the commit fails, the next run deletes nothing twice
and anonymises the rows, rather than leaving files no row points to.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import DateTimeField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from complaints.actors import Actor
from complaints.choices import TERMINAL_STATES, AccessAction, EventKind, Status
from complaints.models import (
    AccessLogEntry,
    Attachment,
    AuthorityRequest,
    CaseEvent,
    Complaint,
    Document,
    Organisation,
    Reply,
    StatementRequest,
)
from notifications.services import notifications_forget

logger = logging.getLogger(__name__)

RETENTION_BATCH = 500
# The events that end a case; the latest one is its closing moment (closed_at for CLOSED).
ENDING_EVENTS = (EventKind.CLOSED, EventKind.WITHDRAWN, EventKind.TRANSFERRED, EventKind.MERGED)
# A replied case, never closed, ends with its reply (``replied_at``).
FINISHED_STATES = (*TERMINAL_STATES, Status.REPLIED)
BLANKED = {
    "client_name": "",
    "client_email": "",
    "client_phone": "",
    "client_address": "",
    "filer_name": "",
    "filer_email": "",
    "filer_phone": "",
    "filer_address": "",
    "description": "",
    "persons_involved": "",
    "desired_outcome": "",
    "service_description": "",
    "oral_reason": "",
    "interpreter_language": "",
    "extension_reason": "",
    "transfer_reason": "",
    "withdrawal_reason": "",
    "reply_draft": "",
    "event_date": None,
    "submission_key": None,
    "submission_fingerprint": "",
}


def retention_candidates(*, organisation: Organisation, now: datetime) -> QuerySet[Complaint]:
    """The organisation's finished cases whose closing moment (for a case left replied, its
    reply) is older than its period."""
    cutoff = now - relativedelta(years=organisation.retention_years)
    ended = (
        CaseEvent.objects.filter(complaint=OuterRef("pk"), kind__in=ENDING_EVENTS)
        .order_by("-at")
        .values("at")[:1]
    )
    return (
        Complaint.objects.filter(
            organisation=organisation, status__in=FINISHED_STATES, anonymised_at__isnull=True
        )
        .annotate(
            ended_at=Coalesce(
                "closed_at",
                Subquery(ended),
                "replied_at",
                "updated_at",
                output_field=DateTimeField(),
            )
        )
        .filter(ended_at__lt=cutoff)
    )


def retention_apply(*, now: datetime, dry_run: bool = False) -> dict[str, object]:
    """Anonymise, for every organisation, the cases past its retention period."""
    per_organisation: dict[str, int] = {}
    for organisation in Organisation.objects.order_by("pk"):
        candidates = retention_candidates(organisation=organisation, now=now)
        if dry_run:
            count = candidates.count()
        else:
            count = 0
            while batch := _anonymise_batch(candidates, now=now):
                count += batch
        if count:
            per_organisation[organisation.slug] = count
            logger.info(
                "Retention%s: %d case(s) of %s finished over %d years ago anonymised",
                " (dry run)" if dry_run else "",
                count,
                organisation.slug,
                organisation.retention_years,
            )
    return {
        "at": now.isoformat(),
        "dry_run": dry_run,
        "anonymised": sum(per_organisation.values()),
        "organisations": per_organisation,
        "emails_forgotten": notifications_forget(
            before=now - timedelta(days=settings.NOTIFICATION_KEEP_DAYS), dry_run=dry_run
        ),
    }


def _anonymise_batch(candidates: QuerySet[Complaint], *, now: datetime) -> int:
    with transaction.atomic():
        locked = candidates.order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            locked = locked.select_for_update(skip_locked=True, of=("self",))
        ids = list(locked.values_list("pk", flat=True)[:RETENTION_BATCH])
        if not ids:
            return 0
        attachments = Attachment.objects.filter(complaint_id__in=ids)
        documents = Document.objects.filter(complaint_id__in=ids)
        names = [
            *attachments.values_list("file", flat=True),
            *documents.values_list("file", flat=True),
        ]
        for name in names:
            if name:
                default_storage.delete(name)
        attachments.delete()
        documents.delete()
        Complaint.objects.filter(pk__in=ids).update(**BLANKED, anonymised_at=now)
        Reply.objects.filter(complaint_id__in=ids).update(text="", comment="")
        StatementRequest.objects.filter(complaint_id__in=ids).update(
            respondent_name="", respondent_email="", question="", answer=""
        )
        AuthorityRequest.objects.filter(complaint_id__in=ids).update(question="", statement_text="")
        # Events keep their kind, moment, actor and states; what they carried goes.
        CaseEvent.objects.filter(complaint_id__in=ids).update(data={})
        system = Actor.system()
        CaseEvent.objects.bulk_create(
            CaseEvent(
                complaint_id=complaint_id,
                kind=EventKind.ANONYMISED,
                actor_label=system.label,
                at=now,
                public=False,
            )
            for complaint_id in ids
        )
        AccessLogEntry.objects.bulk_create(
            AccessLogEntry(
                complaint_id=complaint_id,
                at=now,
                actor_label=system.label,
                action=AccessAction.WRITE,
                what=f"event:{EventKind.ANONYMISED}",
            )
            for complaint_id in ids
        )
    return len(ids)
