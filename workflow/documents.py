"""Generated letters (WeasyPrint): rendered in the case's language, stored once, immutable.

A document is a file with a SHA-256 checksum; generating the same kind again returns the
stored version (idempotent, so a retried task or a double click makes one file). A
correction is a new version, never an overwrite.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation

from complaints.models import Complaint, Document
from workflow.calendar import complaint_due_date_explanation

TEMPLATES = {Document.Kind.RECEIPT: "pdf/receipt.html"}


def pdf_render(*, template: str, context: dict[str, Any], language: str) -> bytes:
    from weasyprint import HTML  # heavy import (~1 s): only where PDFs are made

    with translation.override(language):
        html = render_to_string(template, context)
    return bytes(HTML(string=html).write_pdf())


def _receipt_context(complaint: Complaint) -> dict[str, Any]:
    return {
        "case": complaint,
        "organisation": complaint.organisation,
        "unit_name": complaint.service_unit.name_in(complaint.language)
        if complaint.service_unit
        else complaint.service_description,
        "organisation_name": complaint.organisation.name_in(complaint.language),
        "due_date_explanation": complaint_due_date_explanation(
            complaint=complaint, language=complaint.language
        ),
    }


def document_ensure(*, complaint: Complaint, kind: Document.Kind, now: datetime) -> Document:
    """The case's document of ``kind`` (its first version), generated if it does not exist."""
    existing = Document.objects.filter(complaint=complaint, kind=kind).order_by("-version").first()
    if existing is not None:
        return existing
    content = pdf_render(
        template=TEMPLATES[kind],
        context=_receipt_context(complaint),
        language=complaint.language,
    )
    digest = hashlib.sha256(content).hexdigest()
    document = Document(
        complaint=complaint,
        kind=kind,
        version=1,
        language=complaint.language,
        sha256=digest,
        size=len(content),
        created_at=now,
    )
    try:
        with transaction.atomic():
            document.file.save(
                f"{complaint.reference}/{kind}-v1-{digest[:12]}.pdf",
                ContentFile(content),
                save=True,
            )
    except IntegrityError:
        # Made meanwhile by another worker or request: theirs is the document.
        document.file.delete(save=False)
        return Document.objects.get(complaint=complaint, kind=kind, version=1)
    return document
