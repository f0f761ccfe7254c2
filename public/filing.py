"""The public form's pages: a question page per step, check your answers, confirmation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.forms import BooleanField, ChoiceField, DateField
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from complaints import clock
from complaints.actors import Actor
from complaints.selectors import complaint_get_by_tracking_code
from public.forms import CheckForm, StepForm
from public.ratelimits import limit
from public.wizard import FIELD_STEP, STEP_BY_SLUG, Draft, Step
from workflow.api.serializers import SubmissionSerializer, tracking_path
from workflow.calendar import complaint_due_date_explanation
from workflow.errors import DomainError
from workflow.intake import complaint_submit

FILED_KEY = "muistutus_filed"


def _step_url(step: Step, *, change: bool = False) -> str:
    url = reverse("public:step", kwargs={"slug": step.slug})
    return f"{url}?change=1" if change else url


@never_cache
def step(request: HttpRequest, slug: str) -> HttpResponse:
    current = STEP_BY_SLUG.get(slug)
    draft = Draft(request.session)
    if current is None or not current.applies(draft.data):
        raise Http404
    changing = request.GET.get("change") == "1"
    form: StepForm
    if request.method == "POST":
        form = current.form_class(request.POST, context=draft.context())
        if form.is_valid():
            draft.update(current, form.cleaned_data)
            following = draft.next_step(current)
            if changing or following is None:
                return redirect("public:check")
            return redirect(_step_url(following))
    else:
        form = current.form_class(initial=draft.step_initial(current), context=draft.context())
        draft.save()
    steps = draft.applicable_steps()
    position = steps.index(current)
    back = (
        reverse("public:check")
        if changing
        else (_step_url(steps[position - 1]) if position else reverse("public:home"))
    )
    return render(
        request,
        "public/step.html",
        {
            "form": form,
            "step": current,
            "number": position + 1,
            "total": len(steps),
            "back_url": back,
            "changing": changing,
            "contests_guidance": current.slug == "what",
        },
    )


def _display(field: Any, value: Any) -> str:
    if value in (None, ""):
        return "–"
    if isinstance(field, BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, ChoiceField):
        labels = {str(key): label for key, label in field.choices}  # type: ignore[misc,union-attr]
        return str(labels.get(str(value), value))
    if isinstance(field, DateField):
        year, month, day = str(value).split("-")
        return f"{int(day)}.{int(month)}.{year}"
    return str(value)


def _summary(draft: Draft) -> list[dict[str, Any]]:
    sections = []
    context = draft.context()
    for current in draft.applicable_steps():
        form = current.form_class(context=context)
        initial = draft.step_initial(current)
        rows = [
            {
                "label": bound.label,
                "value": _display(bound.field, initial.get(name)),
                "change_url": f"{_step_url(current, change=True)}#{bound.id_for_label}",
            }
            for name, bound in ((name, form[name]) for name in form.fields)
        ]
        sections.append({"title": current.title, "rows": rows})
    return sections


def _errors_by_step(errors: dict[str, Any]) -> list[dict[str, str]]:
    found = []
    for name, messages in errors.items():
        detail = messages
        if isinstance(messages, dict):  # a nested party: take its first message
            detail = next(iter(messages.values()))
        message = str(detail[0]) if isinstance(detail, list) else str(detail)
        target = STEP_BY_SLUG.get(FIELD_STEP.get(name, ""), STEP_BY_SLUG["what"])
        found.append({"message": message, "url": _step_url(target, change=True)})
    return found


@never_cache
@limit(settings.RATE_LIMIT_SUBMIT, method="POST")
def check(request: HttpRequest) -> HttpResponse:
    filed = request.session.get(FILED_KEY) or {}
    if request.method == "POST" and filed.get("token") == request.POST.get("token"):
        # A second click that arrives after the first one finished: already filed.
        return redirect("public:done")
    draft = Draft(request.session)
    form = CheckForm(request.POST or None)
    errors: list[dict[str, str]] = []
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            errors = [{"message": _("Your answers could not be sent."), "url": ""}]
        else:
            serializer = SubmissionSerializer(data=draft.as_submission(), context={})
            if serializer.is_valid():
                try:
                    return _file(request, draft, serializer)
                except DomainError as error:
                    field = getattr(error, "field", "")
                    errors = _errors_by_step({field: [error.message]})
            else:
                errors = _errors_by_step(serializer.errors)
    return render(
        request,
        "public/check.html",
        {
            "sections": _summary(draft),
            "form": form,
            "token": draft.token,
            "submit_errors": errors,
            "contests_decision": draft.data.get("contests_decision") == "yes",
        },
    )


def _file(request: HttpRequest, draft: Draft, serializer: SubmissionSerializer) -> HttpResponse:
    organisation = draft.organisation()
    if organisation is None:
        raise Http404
    filed = complaint_submit(
        organisation=organisation,
        submission=serializer.to_submission(),
        actor=Actor.complainant(),
        now=clock.now(),
        submission_key=f"web:{draft.token}",
        tracking_link=lambda code: request.build_absolute_uri(tracking_path(code)),
    )
    request.session[FILED_KEY] = {
        "reference": filed.complaint.reference,
        "code": filed.tracking_code,
        "token": draft.token,
    }
    draft.clear()
    return redirect("public:done")


@never_cache
def done(request: HttpRequest) -> HttpResponse:
    filed = request.session.get(FILED_KEY)
    if not filed:
        return redirect("public:home")
    complaint = complaint_get_by_tracking_code(code=filed["code"])
    if complaint is None:
        raise Http404
    return render(
        request,
        "public/done.html",
        {
            "case": complaint,
            "tracking_url": request.build_absolute_uri(tracking_path(filed["code"])),
            "receipt_url": reverse(
                "public:document", kwargs={"code": filed["code"], "kind": "receipt"}
            ),
            "explanation": complaint_due_date_explanation(
                complaint=complaint, language=(get_language() or "fi")[:2]
            ),
        },
    )
