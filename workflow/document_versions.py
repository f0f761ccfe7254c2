"""A new version of a letter when the facts it states have changed.

``workflow.documents.document_ensure`` makes the first version of a kind once. Some letters
are issued again with new content: an escalation note made while the reply was late,
asked for again after the reply; the statement for a second request of the supervisory
authority. The stored versions stay as they were (immutable, with their checksum).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from complaints.models import Complaint, Document
from workflow.documents import _context, pdf_render, template_of


def document_latest(*, complaint: Complaint, kind: Document.Kind) -> Document | None:
    return Document.objects.filter(complaint=complaint, kind=kind).order_by("-version").first()


def document_new_version(*, complaint: Complaint, kind: Document.Kind, now: datetime) -> Document:
    """Render ``kind`` for the case as it stands now and store it as the next version."""
    latest = document_latest(complaint=complaint, kind=kind)
    version = latest.version + 1 if latest else 1
    content = pdf_render(
        template=template_of(kind), context=_context(complaint, now), language=complaint.language
    )
    digest = hashlib.sha256(content).hexdigest()
    document = Document(
        complaint=complaint,
        kind=kind,
        version=version,
        language=complaint.language,
        sha256=digest,
        size=len(content),
        created_at=now,
    )
    try:
        with transaction.atomic():
            document.file.save(
                f"{complaint.reference}/{kind}-v{version}-{digest[:12]}.pdf",
                ContentFile(content),
                save=True,
            )
    except IntegrityError:
        # Another request made this version meanwhile: theirs is the document.
        document.file.delete(save=False)
        return Document.objects.get(complaint=complaint, kind=kind, version=version)
    return document
