"""Generated letters (WeasyPrint): rendered in the case's language, stored once, immutable.

A document is a file with a SHA-256 checksum; generating the same kind again returns the
stored version (idempotent, so a retried task or a double click makes one file). A
correction is a new version, never an overwrite.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from complaints.actors import Actor
from complaints.choices import EventKind
from complaints.clock import helsinki_date
from complaints.models import CaseEvent, Complaint, Document, Reply
from complaints.services import event_record
from workflow.calendar import complaint_due_date_explanation
from workflow.errors import InvalidInput
from workflow.letter_events import DATED_BY_EVENT


def template_of(kind: str) -> str:
    """Each kind of letter has its template, named after it: ``templates/pdf/<kind>.html``."""
    return f"pdf/{Document.Kind(kind).value}.html"


LETTER_STYLESHEET = "pdf/letter.css"

_per_thread = threading.local()


def _letter_tools() -> tuple[Any, Any]:
    """The font configuration and the parsed letter stylesheet, made once per thread (the
    web's preview runs in threads, the worker in processes). Building the fonts for every
    letter cost ~10 ms of a ~85 ms render, parsing the stylesheet ~5 ms (benchmarks/)."""
    if not hasattr(_per_thread, "tools"):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()
        stylesheet = CSS(string=render_to_string(LETTER_STYLESHEET), font_config=fonts)
        _per_thread.tools = (fonts, stylesheet)
    return _per_thread.tools


def pdf_render(*, template: str, context: dict[str, Any], language: str) -> bytes:
    from weasyprint import HTML  # heavy import (~1 s): only where PDFs are made

    with translation.override(language):
        html = render_to_string(template, context)
    fonts, stylesheet = _letter_tools()
    return bytes(HTML(string=html).write_pdf(font_config=fonts, stylesheets=[stylesheet]))


def letter_context(complaint: Complaint, now: datetime) -> dict[str, Any]:
    """What every letter may show; the templates pick their part."""
    language = complaint.language
    organisation = complaint.organisation
    approved = complaint.replies.filter(decision=Reply.Decision.APPROVED).first()
    signer = approved.decided_by if approved else None
    to_filer = complaint.reply_to_filer
    return {
        "date": helsinki_date(now),
        "recipient_name": complaint.filer_name if to_filer else complaint.client_name,
        "recipient_address": complaint.filer_address if to_filer else complaint.client_address,
        "reply": approved,
        "signer_name": (signer.get_full_name() or signer.get_username()) if signer else "",
        "signer_title": _signer_title(complaint, signer),
        "authority_name": organisation.authority_name_in(language),
        "authority_address": organisation.authority_address,
        "authority_url": organisation.authority_url,
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


def _signer_title(complaint: Complaint, signer: Any) -> str:
    if signer is None:
        return ""
    unit = complaint.service_unit
    with translation.override(complaint.language):
        if unit is not None and unit.responsible_official_id == signer.pk:
            return str(
                _("Responsible official, %(unit)s") % {"unit": unit.name_in(complaint.language)}
            )
        if complaint.organisation.leading_official_id == signer.pk:
            return str(_("Leading social welfare official"))
        return str(_("Approver"))


def letter_preview(*, complaint: Complaint, text: str, now: datetime) -> bytes:
    """The reply letter as it would look with ``text``, marked as a draft; nothing is stored."""
    context = letter_context(complaint, now)
    context.update(reply=SimpleNamespace(text=text), preview=True)
    return pdf_render(
        template=template_of(Document.Kind.REPLY), context=context, language=complaint.language
    )


def document_reissue(
    *, complaint: Complaint, kind: Document.Kind, actor: Actor, now: datetime, reason: str
) -> Document:
    """A corrected letter: a new version beside the old one, which is kept as it was."""
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason", _("Say what was corrected."))
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if document_latest(complaint=locked, kind=kind) is None:
            raise InvalidInput("kind", _("There is no such letter to correct."))
        document = document_new_version(complaint=complaint, kind=kind, now=now)
        event_record(
            complaint=locked,
            kind=EventKind.DOCUMENT_ISSUED,
            actor=actor,
            at=now,
            data={"kind": kind, "version": document.version, "reason": reason},
        )
    return document


def document_latest(*, complaint: Complaint, kind: Document.Kind) -> Document | None:
    return Document.objects.filter(complaint=complaint, kind=kind).order_by("-version").first()


def document_new_version(*, complaint: Complaint, kind: Document.Kind, now: datetime) -> Document:
    """Render ``kind`` for the case as it stands now and store it as the next version
    (the first, if there is none); the earlier versions stay as they were."""
    latest = document_latest(complaint=complaint, kind=kind)
    version = latest.version + 1 if latest else 1
    try:
        return _stored(complaint=complaint, kind=kind, version=version, now=now)
    except IntegrityError:
        # Another request made this version meanwhile: theirs is the document.
        return Document.objects.get(complaint=complaint, kind=kind, version=version)


def _stored(
    *,
    complaint: Complaint,
    kind: Document.Kind,
    version: int,
    now: datetime,
    dated: datetime | None = None,
) -> Document:
    """Render and store a version; the letter shows ``dated`` (default ``now``)."""
    content = pdf_render(
        template=template_of(kind),
        context=letter_context(complaint, dated or now),
        language=complaint.language,
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
        document.file.delete(save=False)  # no row points at it
        raise
    return document


def document_ensure(*, complaint: Complaint, kind: Document.Kind, now: datetime) -> Document:
    """The case's document of ``kind`` (its latest version), generated if it does not exist."""
    existing = document_latest(complaint=complaint, kind=kind)
    if existing is not None:
        return existing
    try:
        return _stored(
            complaint=complaint,
            kind=kind,
            version=1,
            now=now,
            dated=_event_moment(complaint, kind),
        )
    except IntegrityError:
        # Made meanwhile by another worker or request: theirs is the document.
        return Document.objects.get(complaint=complaint, kind=kind, version=1)


def _event_moment(complaint: Complaint, kind: Document.Kind) -> datetime | None:
    """When the event the letter writes down happened (``DATED_BY_EVENT``), if it has one."""
    event_kind = DATED_BY_EVENT.get(kind)
    if event_kind is None:
        return None
    return (
        CaseEvent.objects.filter(complaint=complaint, kind=event_kind)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )


def document_generate(*, complaint_id: int, kind: str, now: datetime) -> Document | None:
    """The task's service: load the case and ensure its document (idempotent). A delay
    letter is made only while the reply is still late: a task run after the reply, or
    after an extension moved the due date, would tell of a delay that has ended."""
    complaint = Complaint.objects.select_related("organisation", "service_unit").get(
        pk=complaint_id
    )
    if kind == Document.Kind.DELAY_NOTICE and not (complaint.is_open and complaint.overdue):
        return None
    return document_ensure(complaint=complaint, kind=Document.Kind(kind), now=now)
