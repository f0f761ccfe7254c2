"""The staff case page: everything about one case, and what this user may do with it now.

Each POST makes one service call and comes back to the page (post/redirect/get); a form
with errors is shown again with what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import clock
from complaints.actors import Actor
from complaints.choices import EventKind, Role, Status
from complaints.models import Complaint, Document, Reply
from complaints.permissions import can_handle, roles_in
from complaints.selectors import complaint_get_visible, complaint_timeline
from complaints.services import access_record
from workflow.api.transitions import TRANSITIONS, transitions_available
from workflow.calendar import complaint_due_date_explanation
from workflow.case_access import (
    attachment_read_or_404,
    case_with_content_or_404,
    document_read_or_404,
)
from workflow.case_forms import (
    AuthorityRequestForm,
    AuthorityStatementForm,
    NoteForm,
    ReissueForm,
    ReplyDraftForm,
    StatementForm,
    transition_form,
)
from workflow.documents import document_reissue
from workflow.errors import DomainError, InvalidInput
from workflow.notes import note_add
from workflow.queue import deadline_badges
from workflow.replies import reply_templates_for
from workflow.statements import statement_request


def case_or_404(request: HttpRequest, reference: str) -> Complaint:
    return case_with_content_or_404(user=request.user, reference=reference)


def _page(
    request: HttpRequest,
    complaint: Complaint,
    *,
    bound: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    user = request.user
    now = clock.now()
    access_record(complaint=complaint, actor=Actor.staff(user), at=now, what="staff:case")
    available = transitions_available(complaint=complaint, user=user)
    transitions = [
        {**item, "form": bound.get(item["name"]) or transition_form(item["name"], complaint)}
        for item in available
        if item["name"] != "submit_reply"  # sent from the reply section, with the draft
    ]
    handles = can_handle(user, complaint)
    templates = reply_templates_for(complaint=complaint)
    context = {
        "case": complaint,
        "badges": deadline_badges(complaint=complaint, today=clock.helsinki_date(now)),
        "due_date_explanation": complaint_due_date_explanation(
            complaint=complaint, language=request.LANGUAGE_CODE
        ),
        "transitions": transitions,
        "can_handle": handles,
        "can_draft": handles and complaint.status == Status.IN_HANDLING,
        "can_submit_reply": any(item["name"] == "submit_reply" for item in available),
        "draft_form": bound.get("draft")
        or ReplyDraftForm(initial={"text": complaint.reply_draft}, templates=templates),
        "note_form": bound.get("note") or NoteForm(),
        "statement_form": bound.get("statement") or StatementForm(),
        "authority_form": bound.get("authority") or AuthorityRequestForm(prefix="authority"),
        "authority_requests": [
            (item, AuthorityStatementForm(prefix=f"authority-{item.pk}"))
            for item in complaint.authority_requests.order_by("received_on", "id")
        ],
        "replies": complaint.replies.select_related("submitted_by", "decided_by").order_by(
            "-version"
        ),
        "pending_reply": complaint.replies.filter(decision=Reply.Decision.PENDING).first(),
        "statements": complaint.statements.prefetch_related("attachments").order_by("requested_at"),
        "attachments": complaint.attachments.filter(statement__isnull=True),
        "documents": complaint.documents.order_by("kind", "version"),
        "timeline": complaint_timeline(complaint=complaint, public_only=False),
        "note_kind": EventKind.NOTE,
        "is_admin": Role.ADMIN in roles_in(user, complaint.organisation_id) or user.is_superuser,
    }
    return render(request, "staff/case.html", context, status=status)


@login_required
def case(request: HttpRequest, reference: str) -> HttpResponse:
    return _page(request, case_or_404(request, reference))


def _back(complaint: Complaint, anchor: str = "") -> HttpResponse:
    url = reverse("staff:case", args=[complaint.reference])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _failed(request: HttpRequest, form: Any, error: DomainError) -> None:
    """Put a service's refusal next to the field it concerns, or at the top of the form."""
    field = error.field if isinstance(error, InvalidInput) else None
    if form is not None and field in getattr(form, "fields", {}):
        form.add_error(field, error.message)
    elif form is not None:
        form.add_error(None, error.message)
    else:
        messages.error(request, error.message)


@login_required
@require_POST
def transition(request: HttpRequest, reference: str, name: str) -> HttpResponse:
    complaint = case_or_404(request, reference)
    spec = TRANSITIONS.get(name)
    form = transition_form(name, complaint, request.POST)
    if spec is None or form is None:
        raise Http404
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            updated = spec.run(
                complaint=complaint, actor=Actor.staff(request.user), now=clock.now(), data=data
            )
        except DomainError as error:
            _failed(request, form, error)
        else:
            messages.success(request, _("Done: %(action)s.") % {"action": spec.label})
            if complaint_get_visible(user=request.user, reference=updated.reference) is None:
                return redirect("staff:queue")
            return _back(updated)
    return _page(request, complaint, bound={name: form}, status=400)


def form_post(
    request: HttpRequest,
    complaint: Complaint,
    *,
    form: Any,
    bound_as: str,
    run: Callable[[dict[str, Any]], object],
    done: str,
    anchor: str,
) -> HttpResponse:
    """Validate ``form``, make its one service call and go back to the case page; on a
    refusal show the page again with the form as typed and the message where it belongs."""
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except DomainError as error:
            _failed(request, form, error)
        else:
            messages.success(request, done)
            return _back(complaint, anchor)
    return _page(request, complaint, bound={bound_as: form}, status=400)


@login_required
@require_POST
def note(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = case_or_404(request, reference)
    return form_post(
        request,
        complaint,
        form=NoteForm(request.POST),
        bound_as="note",
        run=lambda data: note_add(
            complaint_id=complaint.pk,
            actor=Actor.staff(request.user),
            now=clock.now(),
            text=data["text"],
        ),
        done=_("Note added."),
        anchor="timeline",
    )


@login_required
@require_POST
def statement_new(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = case_or_404(request, reference)
    return form_post(
        request,
        complaint,
        form=StatementForm(request.POST),
        bound_as="statement",
        run=lambda data: statement_request(
            complaint_id=complaint.pk,
            actor=Actor.staff(request.user),
            now=clock.now(),
            link=lambda token: request.build_absolute_uri(
                reverse("staff:statement_answer", args=[token])
            ),
            **data,
        ),
        done=_("Statement requested; the respondent got an email."),
        anchor="statements",
    )


@login_required
def document(request: HttpRequest, reference: str, document_id: int) -> FileResponse:
    return document_read_or_404(
        user=request.user, reference=reference, document_id=document_id, channel="staff"
    )


@login_required
def attachment(request: HttpRequest, reference: str, attachment_id: int) -> FileResponse:
    return attachment_read_or_404(
        user=request.user, reference=reference, attachment_id=attachment_id, channel="staff"
    )


@login_required
@require_POST
def reissue(request: HttpRequest, reference: str, document_id: int) -> HttpResponse:
    complaint = case_or_404(request, reference)
    stored = complaint.documents.filter(pk=document_id).first()
    form = ReissueForm(request.POST)
    if stored is None or not can_handle(request.user, complaint):
        raise Http404
    if not form.is_valid():
        messages.error(request, _("Say what was corrected."))
        return _back(complaint, "documents")
    try:
        document_reissue(
            complaint=complaint,
            kind=Document.Kind(stored.kind),
            actor=Actor.staff(request.user),
            now=clock.now(),
            reason=form.cleaned_data["reason"],
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("A corrected version was made; the earlier one is kept."))
    return _back(complaint, "documents")
