"""The supervisory authority's requests on the case page: register one, send the statement."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from complaints import clock
from complaints.actors import Actor
from complaints.models import AuthorityRequest
from workflow.authority import authority_request_register, authority_statement_issue
from workflow.case_forms import AuthorityRequestForm, AuthorityStatementForm
from workflow.errors import DomainError
from workflow.staff_case import _back, _failed, case_or_404, form_post


@login_required
@require_POST
def request_new(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = case_or_404(request, reference)
    return form_post(
        request,
        complaint,
        form=AuthorityRequestForm(request.POST, prefix="authority"),
        bound_as="authority",
        run=lambda data: authority_request_register(
            complaint_id=complaint.pk, actor=Actor.staff(request.user), now=clock.now(), **data
        ),
        done=_("The authority's request was recorded."),
        anchor="authority",
    )


@login_required
@require_POST
def statement_issue(request: HttpRequest, reference: str, request_id: int) -> HttpResponse:
    complaint = case_or_404(request, reference)
    form = AuthorityStatementForm(request.POST, prefix=f"authority-{request_id}")
    if form.is_valid():
        try:
            authority_statement_issue(
                complaint_id=complaint.pk,
                request_id=request_id,
                statement_text=form.cleaned_data["statement_text"],
                actor=Actor.staff(request.user),
                now=clock.now(),
            )
        except AuthorityRequest.DoesNotExist:
            raise Http404 from None  # not a request of this case
        except DomainError as error:
            _failed(request, None, error)
        else:
            messages.success(request, _("The statement letter was made; send it to the authority."))
    else:
        messages.error(request, _("Write the statement."))
    return _back(complaint, "authority")
