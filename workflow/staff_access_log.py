"""Who accessed a case, for the organisation's administrators; a client's log as CSV."""

from __future__ import annotations

import csv
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints import clock
from complaints.choices import Role
from complaints.models import AccessLogEntry, Complaint
from complaints.permissions import memberships_of, roles_in
from complaints.selectors import access_log_of_case, access_log_of_subject

ROWS_ON_PAGE = 500


class AccessLogForm(forms.Form):
    reference = forms.CharField(label=gettext_lazy("Case reference"), required=False, max_length=40)
    email = forms.EmailField(label=gettext_lazy("Client's email"), required=False)
    name = forms.CharField(label=gettext_lazy("Client's full name"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(key) for key in ("reference", "email", "name")):
            raise forms.ValidationError(_("Give a reference, or the client's email or name."))
        return data


def admin_organisations(user: Any) -> list[int] | None:
    """Where ``user`` administers: ``None`` for a superuser (everywhere)."""
    if user.is_superuser:
        return None
    return [pk for pk in memberships_of(user) if Role.ADMIN in roles_in(user, pk)]


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    organisations = admin_organisations(request.user)
    if organisations == []:
        raise Http404
    form = AccessLogForm(request.GET or None)
    entries: QuerySet[AccessLogEntry] | None = None
    if form.is_valid():
        entries = _entries(form.cleaned_data, organisations)
        if request.GET.get("format") == "csv":
            return _csv(entries)
    return render(
        request,
        "staff/access_log.html",
        {
            "form": form,
            "entries": entries[:ROWS_ON_PAGE] if entries is not None else None,
            "more": entries is not None and entries.count() > ROWS_ON_PAGE,
            "csv_query": request.GET.urlencode(),
        },
    )


def _entries(data: dict[str, Any], organisations: list[int] | None) -> QuerySet[AccessLogEntry]:
    if data.get("reference"):
        cases = Complaint.objects.filter(reference=data["reference"].strip())
        if organisations is not None:
            cases = cases.filter(organisation_id__in=organisations)
        complaint = cases.first()
        if complaint is None:
            return AccessLogEntry.objects.none()
        return access_log_of_case(complaint=complaint)
    return access_log_of_subject(
        organisation_ids=organisations, email=data.get("email", ""), name=data.get("name", "")
    )


def _csv(entries: QuerySet[AccessLogEntry]) -> HttpResponse:
    stamp = clock.helsinki_date(clock.now()).isoformat()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow([_("time"), _("case"), _("who"), _("action"), _("what")])
    for entry in entries.iterator(chunk_size=2000):
        row = [
            entry.at.isoformat(),
            entry.complaint.reference,
            entry.actor_label,
            entry.get_action_display(),
            entry.what,
        ]
        writer.writerow([_cell(value) for value in row])
    return response


def _cell(value: str) -> str:
    """A spreadsheet must not take a cell for a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
