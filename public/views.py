"""Server-rendered public pages; they work without JavaScript."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from complaints.models import Organisation
from public.tracking import tracked_complaint, tracking_view


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html", {"organisations": Organisation.objects.all()})


@never_cache
def track(request: HttpRequest, code: str) -> HttpResponse:
    complaint = tracked_complaint(code=code, what="page:track")
    if complaint is None:
        raise Http404
    response = render(request, "public/track.html", {"case": tracking_view(complaint)})
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
