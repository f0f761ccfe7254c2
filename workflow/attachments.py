"""Files given with a case: size limits, the type checked from the content, stored once."""

from __future__ import annotations

import hashlib
from datetime import datetime

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from complaints.actors import Actor
from complaints.choices import OPEN_STATES, EventKind
from complaints.models import Attachment, Complaint, StatementRequest
from complaints.services import event_record
from workflow.errors import InvalidInput, TooLarge, TransitionNotAllowed

# Detected type → what is stored as the content type. Extensions and browsers' claims are
# not trusted; the bytes decide.
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "heic": "image/heic",
    "tif": "image/tiff",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "rtf": "application/rtf",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}


def attachment_type(content: bytes, name: str) -> str | None:
    """The content type of an allowed file, judged from its bytes; ``None`` if not allowed."""
    kind = filetype.guess(content)
    if kind is not None:
        return ALLOWED_TYPES.get(kind.extension)
    if name.lower().endswith(".txt"):
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/plain"
    return None


def attachment_add(
    *,
    complaint: Complaint,
    name: str,
    content: bytes,
    actor: Actor,
    now: datetime,
    statement: StatementRequest | None = None,
) -> Attachment:
    """Store one file with the case, or raise ``InvalidInput("file", ...)`` saying why not.

    ``statement``: the file came with an employee's statement rather than from the complainant.
    """
    if len(content) > settings.ATTACHMENT_MAX_BYTES:
        raise TooLarge(
            "file",
            _("%(name)s is too large: at most %(mb)d MB per file.")
            % {"name": name, "mb": settings.ATTACHMENT_MAX_BYTES // 1_000_000},
        )
    content_type = attachment_type(content, name)
    if content_type is None:
        raise InvalidInput(
            "file",
            _("%(name)s is not a PDF, an image or an office document.") % {"name": name},
        )
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        existing = locked.attachments.filter(sha256=digest).first()
        if existing is not None:
            return existing
        stored = locked.attachments.aggregate(total=Sum("size"), count=Count("id"))
        if (stored["count"] or 0) >= settings.ATTACHMENT_MAX_FILES:
            raise InvalidInput(
                "file",
                _("A case can have at most %(count)d files.")
                % {"count": settings.ATTACHMENT_MAX_FILES},
            )
        if (stored["total"] or 0) + len(content) > settings.ATTACHMENT_CASE_MAX_BYTES:
            raise TooLarge(
                "file",
                _("The files of a case can take at most %(mb)d MB in all.")
                % {"mb": settings.ATTACHMENT_CASE_MAX_BYTES // 1_000_000},
            )
        attachment = Attachment(
            complaint=locked,
            original_name=name[:255],
            content_type=content_type,
            size=len(content),
            sha256=digest,
            uploaded_at=now,
            uploaded_by=actor.user,
            statement=statement,
        )
        attachment.file.save(digest, ContentFile(content), save=True)
        event_record(
            complaint=locked,
            kind=EventKind.ATTACHMENT_ADDED,
            actor=actor,
            at=now,
            data={"attachment": attachment.pk, "size": len(content)},
            public=statement is None,
        )
    return attachment


def attachment_add_for_complainant(
    *, complaint: Complaint, name: str, content: bytes, now: datetime
) -> Attachment:
    """The complainant adds files through the tracking link while the case is open."""
    if complaint.status not in OPEN_STATES:
        raise TransitionNotAllowed(
            _("Attachments can be added only while the case is open."), state=complaint.status
        )
    return attachment_add(
        complaint=complaint, name=name, content=content, actor=Actor.complainant(), now=now
    )
