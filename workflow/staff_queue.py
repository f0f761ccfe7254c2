"""The staff queue page: the cases this user may see, filtered, by due date, with counts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from complaints import clock
from complaints.actors import Actor
from complaints.choices import OPEN_STATES, Channel, Language, Role, Status
from complaints.models import ServiceUnit
from complaints.permissions import CASEWORK_ROLES, memberships_of, roles_of
from complaints.selectors import complaint_queue_queryset
from complaints.services import access_record_many
from workflow.api.filters import QueueFilter, Scope
from workflow.queue import DUE_SOON_DAYS, deadline_badges, queue_counts, queue_page


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Where each role starts its day."""
    roles = roles_of(request.user)
    if roles & CASEWORK_ROLES:
        return redirect("staff:queue")
    if Role.OMBUDSMAN in roles:
        return redirect("staff:assisted")
    if Role.ADMIN in roles or request.user.is_superuser:
        return redirect("staff:access_log")
    raise Http404


def _params(request: HttpRequest) -> QueryDict:
    """The filters asked for; without any, the open cases of everyone this user may see."""
    params = request.GET.copy()
    if "status" not in params:
        params.setlist("status", [str(state) for state in OPEN_STATES])
    params.setdefault("scope", Scope.ALL)
    return params


def _quick_filters(counts: dict[str, int]) -> list[dict[str, Any]]:
    open_states = "&".join(f"status={state}" for state in OPEN_STATES)
    return [
        {"label": _("All open"), "count": counts["open"], "query": ""},
        {"label": _("Assigned to me"), "count": counts["mine"], "query": "scope=mine"},
        {"label": _("New"), "count": counts["new"], "query": f"status={Status.RECEIVED}"},
        {
            "label": _("Awaiting approval"),
            "count": counts["awaiting_approval"],
            "query": f"status={Status.AWAITING_APPROVAL}",
        },
        {"label": _("Overdue"), "count": counts["overdue"], "query": f"{open_states}&overdue=true"},
        {
            "label": _("Due within %(days)d days") % {"days": DUE_SOON_DAYS},
            "count": counts["due_soon"],
            "query": f"{open_states}&due_within={DUE_SOON_DAYS}",
        },
        {
            "label": _("Extended"),
            "count": counts["extended"],
            "query": f"{open_states}&extended=true",
        },
    ]


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not roles_of(user) & CASEWORK_ROLES:
        raise Http404
    now = clock.now()
    today = clock.helsinki_date(now)
    params = _params(request)
    cases = complaint_queue_queryset(user=user, unit=params.get("unit"))
    filterset = QueueFilter(params, queryset=cases, request=request)
    valid = filterset.is_valid()
    page = queue_page(
        queryset=filterset.qs if valid else filterset.queryset.none(),
        after=request.GET.get("after", ""),
    )
    access_record_many(
        complaint_ids=[row.pk for row in page.rows],
        actor=Actor.staff(user),
        at=now,
        what="staff:queue",
    )
    next_query = params.copy()
    if page.next_cursor:
        next_query["after"] = page.next_cursor
    return render(
        request,
        "staff/queue.html",
        {
            "rows": [(case, deadline_badges(complaint=case, today=today)) for case in page.rows],
            "errors": filterset.errors if not valid else {},
            "params": params,
            "next_query": next_query.urlencode() if page.next_cursor else "",
            "is_later_page": bool(request.GET.get("after")),
            "first_query": _without(params, "after").urlencode(),
            "quick_filters": _quick_filters(queue_counts(user=user, today=today)),
            "states": Status.choices,
            "scopes": Scope.CHOICES,
            "language_choices": Language.choices,
            "channels": Channel.choices,
            "units": ServiceUnit.objects.filter(organisation_id__in=list(memberships_of(user)))
            .select_related("organisation")
            .order_by("organisation_id", "name_fi"),
            "selected_states": params.getlist("status"),
        },
    )


def _without(params: QueryDict, key: str) -> QueryDict:
    copy = params.copy()
    copy.pop(key, None)
    return copy
