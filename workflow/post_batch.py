"""Letters that go by post: the day's stored PDFs, in one file to print."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db.models import QuerySet
from pypdf import PdfWriter

from complaints.choices import ReplyDelivery
from complaints.clock import HELSINKI
from complaints.models import Complaint, Document


def post_letters(*, cases: QuerySet[Complaint], day: date) -> QuerySet[Document]:
    """The letters made on ``day`` (Helsinki) for cases whose replies go by post."""
    start = datetime.combine(day, time.min, tzinfo=HELSINKI)
    return (
        Document.objects.filter(
            complaint__in=cases.filter(reply_delivery=ReplyDelivery.POST),
            created_at__gte=start,
            created_at__lt=start + timedelta(days=1),
        )
        .exclude(kind__in=[Document.Kind.INTERNAL_ESCALATION, Document.Kind.AUTHORITY_STATEMENT])
        .select_related("complaint")
        .order_by("complaint__reference", "kind", "version")
    )


def post_batch_pdf(*, documents: Iterable[Document]) -> bytes:
    """The stored letters one after another, each starting on its own sheet."""
    writer = PdfWriter()
    for document in documents:
        with document.file.open("rb") as stored:
            writer.append(io.BytesIO(stored.read()))
        if len(writer.pages) % 2:
            # Duplex printing: the next letter starts on a fresh sheet.
            last = writer.pages[-1]
            writer.add_blank_page(width=last.mediabox.width, height=last.mediabox.height)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
