"""The one look-up behind every staff page and endpoint that shows a case's content."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from complaints.models import Complaint
from complaints.selectors import complaint_get_with_content


def case_with_content_or_404(*, user: Any, reference: str) -> Complaint:
    """404 alike for a missing case, a case out of reach and one whose content is not theirs."""
    complaint = complaint_get_with_content(user=user, reference=reference)
    if complaint is None:
        raise Http404
    return complaint
