"""The transitions of docs/api.md as the API exposes them: label, input, service call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed, has_transition_perm
from rest_framework import serializers

from complaints.actors import Actor
from complaints.models import Complaint
from workflow import transitions as services
from workflow.api import serializers as inputs


@dataclass(frozen=True)
class TransitionSpec:
    label: Any
    input: type[serializers.Serializer[Any]]
    run: Callable[..., Complaint]

    @property
    def fields(self) -> list[str]:
        return list(self.input().fields)


def _call(service: Callable[..., Complaint], **renames: str) -> Callable[..., Complaint]:
    def run(
        *, complaint: Complaint, actor: Actor, now: datetime, data: dict[str, Any]
    ) -> Complaint:
        kwargs = {renames.get(key, key): value for key, value in data.items()}
        return service(complaint_id=complaint.pk, actor=actor, now=now, **kwargs)

    return run


TRANSITIONS: dict[str, TransitionSpec] = {
    "accept": TransitionSpec(
        _("Accept for handling"),
        inputs.AcceptInput,
        _call(services.complaint_accept, handler="handler_username", unit="unit_id"),
    ),
    "transfer": TransitionSpec(
        _("Transfer"), inputs.TransferInput, _call(services.complaint_transfer)
    ),
    "merge": TransitionSpec(
        _("Merge into another case"),
        inputs.MergeInput,
        _call(services.complaint_merge, into="into_reference"),
    ),
    "withdraw": TransitionSpec(
        _("Withdraw"), inputs.ReasonOptionalInput, _call(services.complaint_withdraw)
    ),
    "extend": TransitionSpec(
        _("Extend to two months"), inputs.ReasonInput, _call(services.complaint_extend)
    ),
    "submit_reply": TransitionSpec(
        _("Send the reply for approval"),
        inputs.ReplyTextInput,
        _call(services.complaint_submit_reply),
    ),
    "return_reply": TransitionSpec(
        _("Return the reply to the handler"),
        inputs.CommentInput,
        _call(services.complaint_return_reply),
    ),
    "approve_reply": TransitionSpec(
        _("Approve and issue the reply"),
        inputs.EmptyInput,
        _call(services.complaint_approve_reply),
    ),
    "close": TransitionSpec(_("Close"), inputs.EmptyInput, _call(services.complaint_close)),
}


def transitions_available(*, complaint: Complaint, user: Any) -> list[dict[str, Any]]:
    """The transitions ``user`` may run on the case now."""
    available = []
    for name, spec in TRANSITIONS.items():
        method = getattr(complaint, name)
        if can_proceed(method) and has_transition_perm(method, user):
            available.append({"name": name, "label": str(spec.label), "fields": spec.fields})
    return available
