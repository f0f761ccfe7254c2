"""The respondent's page: only the question, the reference and the date; answer in writing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django_ratelimit.decorators import ratelimit

from complaints import clock
from complaints.choices import OPEN_STATES
from workflow.case_forms import StatementAnswerForm
from workflow.errors import DomainError
from workflow.statements import statement_answer, statement_open

View = Callable[..., Any]


def _limited(rate: str, method: str) -> Callable[[View], View]:
    """Per client address, as the public pages (public.ratelimits.limit, which this layer
    cannot import): reading at the tracking rate, answering (with files) at the filing rate."""
    return cast(
        Callable[[View], View],
        ratelimit(key="public.ratelimits.client_ip", rate=rate, method=method, block=True),
    )


@never_cache
@_limited(settings.RATE_LIMIT_TRACK, "GET")
@_limited(settings.RATE_LIMIT_SUBMIT, "POST")
def answer(request: HttpRequest, token: str) -> HttpResponse:
    statement = statement_open(token=token, now=clock.now())
    if statement is None:
        raise Http404
    complaint = statement.complaint
    form = StatementAnswerForm(request.POST or None, request.FILES or None)
    if (
        request.method == "POST"
        and statement.answered_at is None
        and complaint.status in OPEN_STATES
        and form.is_valid()
    ):
        try:
            statement_answer(
                statement_id=statement.pk,
                answer=form.cleaned_data["answer"],
                files=[
                    (upload.name or "file", upload.read())
                    for upload in form.cleaned_data["attachments"]
                ],
                now=clock.now(),
            )
        except DomainError as error:
            field = getattr(error, "field", None)
            form.add_error("attachments" if field == "file" else None, error.message)
        else:
            return redirect(request.path)
    response = render(
        request,
        "staff/statement_answer.html",
        {
            "statement": statement,
            "reference": complaint.reference,
            "organisation": complaint.organisation.name_in(request.LANGUAGE_CODE),
            "closed": complaint.status not in OPEN_STATES,
            "form": form,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )
    response["Referrer-Policy"] = "same-origin"  # a form posted with Origin: null fails CSRF
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
