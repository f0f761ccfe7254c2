"""Messages to the people of a case, through the notifications outbox.

No case content in email: a reference, a short event and a link — nothing else.
"""

from __future__ import annotations

from datetime import datetime

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from complaints.choices import FilerRole
from complaints.models import Complaint
from notifications.services import notification_queue


def complainant_email(complaint: Complaint) -> str:
    """Who gets notices: the person who filed (the client, or the filer for them)."""
    if complaint.filer_role == FilerRole.CLIENT:
        return complaint.client_email
    return complaint.filer_email


def receipt_notice_queue(*, complaint: Complaint, tracking_url: str, now: datetime) -> None:
    """'We received your muistutus' with the reference and the private link, once per case."""
    recipient = complainant_email(complaint)
    if not recipient:
        return
    context = {
        "reference": complaint.reference,
        "tracking_url": tracking_url,
        "organisation": complaint.organisation.name_in(complaint.language),
    }
    with translation.override(complaint.language):
        subject = _("Your muistutus %(reference)s has been received") % context
        body_text = render_to_string("email/receipt.txt", context)
        body_html = render_to_string("email/receipt.html", context)
    notification_queue(
        recipient=recipient,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        language=complaint.language,
        dedupe_key=f"complaint:{complaint.pk}:receipt",
        now=now,
    )
