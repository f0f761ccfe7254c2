"""Staff pages: registering a muistutus that came another way (and its tracking link letter),
the ombudsman's cases."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from complaints import clock
from complaints.actors import Actor
from complaints.choices import Role
from complaints.models import Complaint, Organisation
from complaints.permissions import (
    CASEWORK_ROLES,
    can_see_content,
    memberships_of,
    roles_in,
    roles_of,
)
from workflow.api.serializers import SubmissionSerializer, tracking_path
from workflow.attachments import attachment_add
from workflow.authority import complaint_kantelu_transferred_back
from workflow.downloads import pdf_response
from workflow.errors import DomainError
from workflow.intake import complaint_submit
from workflow.staff_forms import OmbudsmanFilingForm, RegistrationForm
from workflow.tracking_letter import tracking_letter_print


def _organisations(user: Any, roles: frozenset[str]) -> QuerySet[Organisation]:
    """Where the user holds one of ``roles``."""
    return Organisation.objects.filter(
        pk__in=[pk for pk in memberships_of(user) if roles_in(user, pk) & roles]
    )


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """Registry staff register post / in-person / email / phone filings; the ombudsman files
    for a client with consent. Anyone else: 404."""
    roles = roles_of(request.user)
    if roles & CASEWORK_ROLES:
        form_class: type[RegistrationForm] = RegistrationForm
        is_staff = True
    elif Role.OMBUDSMAN in roles:
        form_class, is_staff = OmbudsmanFilingForm, False
    else:
        raise Http404
    organisations = _organisations(
        request.user, CASEWORK_ROLES if is_staff else frozenset({Role.OMBUDSMAN})
    )
    form = form_class(request.POST or None, request.FILES or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        serializer = SubmissionSerializer(
            data=form.as_submission_body(), context={"is_staff": is_staff}
        )
        if not serializer.is_valid():
            for field, errors in serializer.errors.items():
                target = field if field in form.fields else None
                form.add_error(target, _flatten(errors))
        else:
            try:
                return _registered(request, form, serializer)
            except DomainError as error:
                field = getattr(error, "field", None)
                form.add_error(field if field in form.fields else None, error.message)
    return render(request, "staff/register.html", {"form": form, "ombudsman": not is_staff})


def _flatten(errors: Any) -> str:
    if isinstance(errors, dict):
        return " ".join(_flatten(value) for value in errors.values())
    if isinstance(errors, list):
        return " ".join(_flatten(value) for value in errors)
    return str(errors)


def _registered(
    request: HttpRequest, form: RegistrationForm, serializer: SubmissionSerializer
) -> HttpResponse:
    now = clock.now()
    actor = Actor.staff(request.user)
    diary_number = form.cleaned_data.get("authority_diary_number", "").strip()
    # A kantelu transferred back is registered with the authority's diary number, together.
    with transaction.atomic():
        filed = complaint_submit(
            organisation=form.cleaned_data["organisation"],
            submission=serializer.to_submission(),
            actor=actor,
            now=now,
            tracking_link=lambda code: request.build_absolute_uri(tracking_path(code)),
        )
        if diary_number:
            complaint_kantelu_transferred_back(
                complaint_id=filed.complaint.pk, diary_number=diary_number, actor=actor, now=now
            )
    for upload in form.cleaned_data["attachments"]:
        attachment_add(
            complaint=filed.complaint,
            name=upload.name or "scan",
            content=upload.read(),
            actor=actor,
            now=now,
        )
    return render(
        request,
        "staff/registered.html",
        {
            "case": filed.complaint,
            "authority_diary_number": diary_number,
            "tracking_code": filed.tracking_code,
            # The letter shows the case's content: only to those who may see it.
            "tracking_letter": can_see_content(request.user, filed.complaint),
            "tracking_url": request.build_absolute_uri(tracking_path(filed.tracking_code)),
        },
    )


@login_required
@require_POST
def tracking_letter(request: HttpRequest) -> HttpResponse:
    """The filer's tracking link as a letter to post or hand over, from the code the
    "registered" page posts; made for this request, stored nowhere. 404 as for the case."""
    letter = tracking_letter_print(
        code=request.POST.get("code", ""),
        actor=Actor.staff(request.user),
        now=clock.now(),
        absolute=request.build_absolute_uri,
    )
    return pdf_response(letter.content, filename=letter.filename)


@login_required
def assisted(request: HttpRequest) -> HttpResponse:
    """The social ombudsman's cases: status and dates only, as the client consented."""
    if Role.OMBUDSMAN not in roles_of(request.user):
        raise Http404
    cases = Complaint.objects.filter(assisted_by=request.user, ombudsman_consent=True).order_by(
        "-received_on", "-id"
    )
    return render(request, "staff/assisted.html", {"cases": cases})
