"""The public form as a sequence of short question pages, with the answers kept server-side.

The draft lives in the session (nothing typed is lost on an error, a language switch or a
back-button), and turns into exactly the body of ``POST /api/v1/complaints/``, so the form
and the API share one validation (``SubmissionSerializer``) and one service.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.sessions.backends.base import SessionBase
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from complaints.choices import FilerRole
from complaints.models import Organisation
from public import forms
from workflow.intake_settings import organisation_get_for_filing

PARTY_FIELDS = ("name", "email", "phone", "address")


@dataclass(frozen=True)
class Step:
    slug: str
    title: Promise
    form_class: type[forms.StepForm]
    applies: Callable[[dict[str, Any]], bool] = field(default=lambda draft: True)


def _several_organisations(draft: dict[str, Any]) -> bool:
    return Organisation.objects.count() > 1


def _filed_for_someone(draft: dict[str, Any]) -> bool:
    return draft.get("filer_role") not in (None, FilerRole.CLIENT)


STEPS = [
    Step("organisation", _("Organisation"), forms.OrganisationForm, _several_organisations),
    Step("who", _("Who is filing"), forms.WhoForm),
    Step("client", _("Contact details"), forms.ClientForm),
    Step("filer", _("Your details"), forms.FilerForm, _filed_for_someone),
    Step("service", _("The service"), forms.ServiceForm),
    Step("what", _("What happened"), forms.WhatForm),
    Step("language", _("Language and the reply"), forms.LanguageForm),
]
STEP_BY_SLUG = {step.slug: step for step in STEPS}


class Draft:
    """The answers so far, stored in the session under one key."""

    KEY = "muistutus_draft"

    def __init__(self, session: SessionBase) -> None:
        self.session = session
        self.data: dict[str, Any] = dict(session.get(self.KEY) or {})
        if "token" not in self.data:
            # The submission key: a double-clicked or retried submit files one case.
            self.data["token"] = secrets.token_urlsafe(24)

    def save(self) -> None:
        self.session[self.KEY] = self.data

    def clear(self) -> None:
        self.session.pop(self.KEY, None)

    @property
    def token(self) -> str:
        return str(self.data["token"])

    def step_initial(self, step: Step) -> dict[str, Any]:
        prefix = getattr(step.form_class, "prefix", None)
        names = step.form_class.base_fields
        key = (lambda name: f"{prefix}_{name}") if prefix else (lambda name: name)
        return {name: self.data[key(name)] for name in names if key(name) in self.data}

    def update(self, step: Step, cleaned: dict[str, Any]) -> None:
        prefix = getattr(step.form_class, "prefix", None)
        for name, value in cleaned.items():
            stored = value.isoformat() if isinstance(value, date) else value
            self.data[f"{prefix}_{name}" if prefix else name] = stored
        self.save()

    def organisation(self) -> Organisation | None:
        return organisation_get_for_filing(self.data.get("organisation") or "")

    def context(self) -> dict[str, Any]:
        return {**self.data, "organisation_obj": self.organisation()}

    def applicable_steps(self) -> list[Step]:
        return [step for step in STEPS if step.applies(self.data)]

    def next_step(self, after: Step) -> Step | None:
        steps = self.applicable_steps()
        later = steps[steps.index(after) + 1 :] if after in steps else []
        return later[0] if later else None

    def as_submission(self) -> dict[str, Any]:
        """The draft as the body of ``POST /api/v1/complaints/``."""
        data = self.data
        body: dict[str, Any] = {
            "organisation": data.get("organisation", ""),
            "filer_role": data.get("filer_role", ""),
            "on_behalf_basis": data.get("on_behalf_basis", ""),
            "client": {name: data.get(f"client_{name}", "") for name in PARTY_FIELDS},
            "service_unit": int(data["service_unit"]) if data.get("service_unit") else None,
            "service_description": data.get("service_description", ""),
            "event_date": data.get("event_date") or None,
            "description": data.get("description", ""),
            "persons_involved": data.get("persons_involved", ""),
            "desired_outcome": data.get("desired_outcome", ""),
            "discussed_with_staff": {"yes": True, "no": False}.get(
                data.get("discussed_with_staff", "")
            ),
            "contests_decision": data.get("contests_decision") == "yes",
            "language": data.get("language", ""),
            "interpreter_language": data.get("interpreter_language", ""),
            "reply_delivery": data.get("reply_delivery", ""),
            "consent_reply_to_filer": bool(data.get("consent_reply_to_filer")),
        }
        if _filed_for_someone(data):
            body["filer"] = {name: data.get(f"filer_{name}", "") for name in PARTY_FIELDS}
        return body


# Where each API field is answered, so an error on the check page links to its question.
FIELD_STEP = {
    "organisation": "organisation",
    "filer_role": "who",
    "on_behalf_basis": "who",
    "client": "client",
    "filer": "filer",
    "service_unit": "service",
    "service_description": "service",
    "event_date": "service",
    "description": "what",
    "persons_involved": "what",
    "desired_outcome": "what",
    "discussed_with_staff": "what",
    "contests_decision": "what",
    "language": "language",
    "interpreter_language": "language",
    "reply_delivery": "language",
    "consent_reply_to_filer": "language",
}
