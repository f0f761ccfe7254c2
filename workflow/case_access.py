"""The one look-up behind every staff page and endpoint that shows a case's content, and
the reading of a case or one of its files, recorded in the access log."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404

from complaints import clock
from complaints.actors import Actor
from complaints.models import Complaint
from complaints.selectors import complaint_get_with_content
from complaints.services import access_record
from workflow.downloads import document_download, file_download


def case_with_content_or_404(*, user: Any, reference: str) -> Complaint:
    """404 alike for a missing case, a case out of reach and one whose content is not theirs."""
    complaint = complaint_get_with_content(user=user, reference=reference)
    if complaint is None:
        raise Http404
    return complaint


def case_read_or_404(*, user: Any, reference: str, what: str) -> Complaint:
    """The case, as ``case_with_content_or_404``, with its reading recorded as ``what``."""
    complaint = case_with_content_or_404(user=user, reference=reference)
    access_record(complaint=complaint, actor=Actor.staff(user), at=clock.now(), what=what)
    return complaint


def document_read_or_404(
    *, user: Any, reference: str, document_id: int, channel: str
) -> FileResponse:
    """A letter of the case as a download, recorded as ``<channel>:document:<id>``."""
    document = _part_read_or_404(
        user=user, reference=reference, part="document", part_id=document_id, channel=channel
    )
    return document_download(document)


def attachment_read_or_404(
    *, user: Any, reference: str, attachment_id: int, channel: str
) -> FileResponse:
    """A file the complainant (or a respondent) gave, recorded as
    ``<channel>:attachment:<id>``."""
    attachment = _part_read_or_404(
        user=user, reference=reference, part="attachment", part_id=attachment_id, channel=channel
    )
    return file_download(
        file=attachment.file,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


def _part_read_or_404(*, user: Any, reference: str, part: str, part_id: int, channel: str) -> Any:
    """One of the case's documents or attachments (``part``), its reading recorded as
    ``<channel>:<part>:<id>``; 404 for one the case does not have."""
    complaint = case_with_content_or_404(user=user, reference=reference)
    found = getattr(complaint, f"{part}s").filter(pk=part_id).first()
    if found is None:
        raise Http404
    access_record(
        complaint=complaint,
        actor=Actor.staff(user),
        at=clock.now(),
        what=f"{channel}:{part}:{found.pk}",
    )
    return found
