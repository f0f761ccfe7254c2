"""The reply section of the case page: template, draft, letter preview, send for approval."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import clock
from complaints.actors import Actor
from complaints.models import Complaint
from complaints.permissions import can_handle
from complaints.services import access_record
from workflow.case_forms import ReplyDraftForm
from workflow.documents import letter_preview
from workflow.downloads import pdf_response
from workflow.errors import DomainError
from workflow.replies import reply_draft_save, reply_template_fill, reply_templates_for
from workflow.staff_case import _back, _failed, _page, case_or_404
from workflow.transitions import complaint_submit_reply


@login_required
@require_POST
def reply(request: HttpRequest, reference: str) -> HttpResponse:
    """One form, four buttons: use a template, save, preview the letter, send for approval."""
    complaint = case_or_404(request, reference)
    templates = reply_templates_for(complaint=complaint)
    form = ReplyDraftForm(request.POST, templates=templates)
    if not form.is_valid():
        return _page(request, complaint, bound={"draft": form}, status=400)
    action = request.POST.get("action", "save")
    text = form.cleaned_data["text"]
    actor, now = Actor.staff(request.user), clock.now()
    try:
        if action == "template":
            return _from_template(request, complaint, form)
        if action == "preview":
            if not can_handle(request.user, complaint):
                raise Http404
            access_record(complaint=complaint, actor=actor, at=now, what="staff:reply-preview")
            return pdf_response(
                letter_preview(complaint=complaint, text=text, now=now),
                filename=f"{complaint.reference}-preview.pdf",
                inline=True,
            )
        reply_draft_save(complaint_id=complaint.pk, actor=actor, now=now, text=text)
        if action == "submit":
            complaint_submit_reply(complaint_id=complaint.pk, actor=actor, now=now, text=text)
            messages.success(request, _("The reply was sent to the approver."))
        else:
            messages.success(request, _("Draft saved."))
    except DomainError as error:
        _failed(request, form, error)
        return _page(request, complaint, bound={"draft": form}, status=400)
    return _back(complaint, "reply")


def _from_template(
    request: HttpRequest, complaint: Complaint, form: ReplyDraftForm
) -> HttpResponse:
    template = (
        reply_templates_for(complaint=complaint).filter(pk=form.cleaned_data["template"]).first()
    )
    if template is None:
        form.add_error("template", _("Choose a template."))
        return _page(request, complaint, bound={"draft": form}, status=400)
    filled = reply_template_fill(template=template, complaint=complaint)
    if form.cleaned_data["text"].strip():
        # Never throw away what the handler wrote: the template goes below it.
        filled = form.cleaned_data["text"].rstrip() + "\n\n" + filled
    fresh = ReplyDraftForm(
        initial={"text": filled, "template": template.pk},
        templates=reply_templates_for(complaint=complaint),
    )
    messages.info(request, _("Template inserted. Edit it, then save."))
    return _page(request, complaint, bound={"draft": fresh})


@login_required
def reply_version_preview(request: HttpRequest, reference: str, version: int) -> HttpResponse:
    """A submitted version as the letter would look (the approver reads this before signing)."""
    complaint = case_or_404(request, reference)
    submitted = complaint.replies.filter(version=version).first()
    if submitted is None:
        raise Http404
    now = clock.now()
    access_record(
        complaint=complaint,
        actor=Actor.staff(request.user),
        at=now,
        what=f"staff:reply-preview:{version}",
    )
    return pdf_response(
        letter_preview(complaint=complaint, text=submitted.text, now=now),
        filename=f"{complaint.reference}-reply-v{version}-preview.pdf",
        inline=True,
    )
