"""The tracking link letter: the filer's private tracking link on paper, for a muistutus that
came by post or in person.

Only the tracking code's hash is stored, so the letter can be made only while the code is at
hand (the "registered" page, right after registering). It is rendered for the request and
never stored: the link is a secret that lets its holder act on the case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.http import Http404

from complaints.actors import Actor
from complaints.choices import FilerRole
from complaints.models import Complaint
from complaints.selectors import complaint_get_by_tracking_code
from complaints.services import access_record
from workflow.api.serializers import tracking_path
from workflow.case_access import case_with_content_or_404
from workflow.documents import letter_context, pdf_render

TEMPLATE = "pdf/tracking_letter.html"


@dataclass(frozen=True)
class TrackingLetter:
    reference: str
    content: bytes

    @property
    def filename(self) -> str:
        return f"{self.reference}-tracking-letter.pdf"


def tracking_letter_print(
    *, code: str, actor: Actor, now: datetime, absolute: Callable[[str], str] = str
) -> TrackingLetter:
    """The letter for the case of ``code``, its link made absolute by ``absolute``; the
    reading is recorded as ``staff:tracking-letter``.

    Http404 alike for an unknown code and a case whose content ``actor`` may not see.
    """
    found = complaint_get_by_tracking_code(code=code)
    if found is None:
        raise Http404
    complaint = case_with_content_or_404(user=actor.user, reference=found.reference)
    access_record(complaint=complaint, actor=actor, at=now, what="staff:tracking-letter")
    content = pdf_render(
        template=TEMPLATE,
        context=_context(complaint, code=code, url=absolute(tracking_path(code)), now=now),
        language=complaint.language,
    )
    return TrackingLetter(reference=complaint.reference, content=content)


def _context(complaint: Complaint, *, code: str, url: str, now: datetime) -> dict[str, Any]:
    """Every letter's context, addressed to whoever filed (the link is theirs: the client,
    or the person who filed for them), and the link in two parts, the code (and what
    follows it) kept on one line."""
    by_client = complaint.filer_role == FilerRole.CLIENT
    start = url[: url.rindex(code)]
    return letter_context(complaint, now) | {
        "recipient_name": complaint.client_name if by_client else complaint.filer_name,
        "recipient_address": complaint.client_address if by_client else complaint.filer_address,
        "tracking_url": url,
        "tracking_url_start": start,
        "tracking_url_code": url[len(start) :],
    }
