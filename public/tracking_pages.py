"""The complainant's private pages behind the tracking code."""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from complaints import clock
from complaints.actors import Actor
from complaints.choices import OPEN_STATES, Status
from complaints.models import Complaint, Document
from public.forms import AttachmentsForm, WithdrawForm
from public.ratelimits import limit
from public.tracking import (
    complainant_attachments,
    complainant_document_kinds,
    tracked_complaint_or_404,
    tracking_view,
)
from workflow.attachments import attachment_add_for_complainant
from workflow.calendar import complaint_due_date_explanation
from workflow.documents import document_ensure, document_latest
from workflow.downloads import document_download, file_download
from workflow.errors import DomainError
from workflow.escalation import complaint_dissatisfied
from workflow.transitions import complaint_withdraw

TRACK_RATE = settings.RATE_LIMIT_TRACK
ResponseT = TypeVar("ResponseT", bound=HttpResponseBase)


def _private(response: ResponseT) -> ResponseT:
    # same-origin (not no-referrer): the code may go back to this site only, and browsers
    # keep sending a real Origin with form posts, which the CSRF check needs.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


def _page_context(complaint: Complaint, code: str, language: str) -> dict[str, Any]:
    return {
        "case": tracking_view(complaint, code=code, language=language),
        "complaint": complaint,
        "code": code,
        "is_open": complaint.status in OPEN_STATES,
        "replied": complaint.status in (Status.REPLIED, Status.CLOSED),
        "explanation": complaint_due_date_explanation(complaint=complaint, language=language),
        "authority": complaint.organisation.authority_name_in(language),
        "attachments": complainant_attachments(complaint),
    }


@never_cache
@limit(TRACK_RATE, method="GET")
@limit(settings.RATE_LIMIT_SUBMIT, method="POST")
def track(request: HttpRequest, code: str) -> HttpResponse:
    complaint = tracked_complaint_or_404(code=code, what="page:track")
    language = request.LANGUAGE_CODE[:2]
    form = AttachmentsForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and complaint.status in OPEN_STATES and form.is_valid():
        added = 0
        for upload in form.cleaned_data["upload"]:
            try:
                attachment_add_for_complainant(
                    complaint=complaint, name=upload.name, content=upload.read(), now=clock.now()
                )
                added += 1
            except DomainError as error:
                form.add_error("upload", error.message)
        if added and not form.errors:
            messages.success(request, _("Your files were added to the case."))
            return redirect("public:track", code=code)
    context = _page_context(complaint, code, language) | {"form": form}
    return _private(render(request, "public/track.html", context))


@never_cache
@limit(TRACK_RATE)
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    complaint = tracked_complaint_or_404(code=code, what="page:withdraw")
    if complaint.status not in OPEN_STATES:
        return redirect("public:track", code=code)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            complaint_withdraw(
                complaint_id=complaint.pk,
                actor=Actor.complainant(),
                now=clock.now(),
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Your muistutus has been withdrawn."))
        return redirect("public:track", code=code)
    return _private(
        render(
            request,
            "public/withdraw.html",
            {
                "case": tracking_view(complaint, code=code, language=request.LANGUAGE_CODE[:2]),
                "form": form,
            },
        )
    )


@never_cache
@limit(TRACK_RATE, method="GET")
@limit(settings.RATE_LIMIT_SUBMIT, method="POST")
def dissatisfied(request: HttpRequest, code: str) -> HttpResponse:
    """POST: still dissatisfied → the escalation note; GET: where to download it and what next."""
    complaint = tracked_complaint_or_404(code=code, what="page:dissatisfied")
    if request.method == "POST":
        try:
            complaint_dissatisfied(
                complaint_id=complaint.pk, actor=Actor.complainant(), now=clock.now()
            )
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("public:track", code=code)
        return redirect("public:dissatisfied", code=code)
    if complaint.dissatisfied_at is None or not complaint.documents.filter(
        kind=Document.Kind.ESCALATION_NOTE
    ):
        return redirect("public:track", code=code)
    language = request.LANGUAGE_CODE[:2]
    context = {
        "case": tracking_view(complaint, code=code, language=language),
        "code": code,
        "authority": complaint.organisation.authority_name_in(language),
        "authority_address": complaint.organisation.authority_address,
        "authority_url": complaint.organisation.authority_url,
    }
    return _private(render(request, "public/dissatisfied.html", context))


@limit(TRACK_RATE)
def document(request: HttpRequest, code: str, kind: str) -> FileResponse:
    complaint = tracked_complaint_or_404(code=code, what=f"page:document:{kind}")
    if kind not in complainant_document_kinds(complaint):
        raise Http404
    if kind == Document.Kind.RECEIPT:
        found: Document | None = document_ensure(
            complaint=complaint, kind=Document.Kind.RECEIPT, now=clock.now()
        )
    else:
        found = document_latest(complaint=complaint, kind=Document.Kind(kind))
    if found is None:
        raise Http404
    return _private(document_download(found, with_version=False))


@limit(TRACK_RATE)
def attachment(request: HttpRequest, code: str, attachment_id: int) -> FileResponse:
    complaint = tracked_complaint_or_404(code=code, what=f"page:attachment:{attachment_id}")
    found = complainant_attachments(complaint).filter(pk=attachment_id).first()
    if found is None:
        raise Http404
    return _private(
        file_download(
            file=found.file, filename=found.original_name, content_type=found.content_type
        )
    )
