"""The day's letters to post, listed and downloadable as one printable PDF."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from complaints import clock
from complaints.actors import Actor
from complaints.permissions import CASEWORK_ROLES, roles_of
from complaints.selectors import complaint_visible_queryset
from complaints.services import access_record_many
from workflow.downloads import pdf_response
from workflow.post_batch import post_batch_pdf, post_letters


@login_required
def post(request: HttpRequest) -> HttpResponse:
    if not roles_of(request.user) & CASEWORK_ROLES:
        raise Http404
    now = clock.now()
    try:
        day = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = clock.helsinki_date(now)
    letters = list(post_letters(cases=complaint_visible_queryset(user=request.user), day=day))
    if request.GET.get("format") == "pdf" and letters:
        access_record_many(
            complaint_ids=[letter.complaint_id for letter in letters],
            actor=Actor.staff(request.user),
            at=now,
            what="staff:post-batch",
        )
        return pdf_response(
            post_batch_pdf(documents=letters), filename=f"letters-{day.isoformat()}.pdf"
        )
    return render(request, "staff/post.html", {"day": day, "letters": letters})
