"""Information pages and anonymous feedback."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from complaints import clock
from complaints.models import Organisation
from public.forms import FeedbackForm
from public.ratelimits import limit
from workflow.errors import DomainError
from workflow.intake import feedback_submit


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/start.html", {"organisations": Organisation.objects.all()})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "public/accessibility.html")


@limit(settings.RATE_LIMIT_SUBMIT, method="POST")
def feedback(request: HttpRequest) -> HttpResponse:
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            return render(request, "public/feedback_done.html")
        try:
            feedback_submit(
                organisation=Organisation.objects.get(slug=form.cleaned_data["organisation"]),
                text=form.cleaned_data["text"],
                service_description=form.cleaned_data["service_description"],
                language=(get_language() or "fi")[:2],
                now=clock.now(),
            )
        except DomainError as error:
            form.add_error(getattr(error, "field", None), error.message)
        else:
            return render(request, "public/feedback_done.html")
    return render(request, "public/feedback.html", {"form": form})
