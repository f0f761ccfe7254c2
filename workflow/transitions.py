"""Transition services: one per transition of docs/api.md.

Each runs the same way (zulip ``actions`` shape): atomic → lock the row → check the state
(409) and the actor's permission (403) → run the FSM method → save → one event naming the
actor → side effects on commit. Two users racing: the second sees the new state and gets 409.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from complaints.actors import Actor
from complaints.choices import OPEN_STATES, EventKind, Role, Status
from complaints.clock import helsinki_date
from complaints.models import Complaint, Document, Reply, ServiceUnit
from complaints.permissions import can_run, role_reaches, roles_of
from complaints.selectors import complaint_visible_queryset
from complaints.services import event_record
from workflow.calendar import complaint_deadline
from workflow.deadlines import deadline_basis
from workflow.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from workflow.notices import status_notice_queue
from workflow.replies import REPLY_MAX_LENGTH
from workflow.statements import statements_cancel_on_exit
from workflow.sweeps import breaches_record_on_exit, late_flags_to_clear
from workflow.tasks import document_generate_on_commit

# What the complainant may do through the tracking link; everything else needs a staff user.
COMPLAINANT_TRANSITIONS = frozenset({"withdraw"})
EVENT_OF_TRANSITION = {
    "accept": EventKind.ACCEPTED,
    "transfer": EventKind.TRANSFERRED,
    "merge": EventKind.MERGED,
    "withdraw": EventKind.WITHDRAWN,
    "extend": EventKind.EXTENDED,
    "submit_reply": EventKind.REPLY_SUBMITTED,
    "return_reply": EventKind.REPLY_RETURNED,
    "approve_reply": EventKind.REPLY_APPROVED,
    "close": EventKind.CLOSED,
}


def _required(value: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(field, _("This field is required."))
    return value


def _run(
    *,
    complaint_id: int,
    name: str,
    actor: Actor,
    now: datetime,
    apply: Callable[[Complaint], dict[str, Any]],
    also_lock: int | None = None,
) -> Complaint:
    with transaction.atomic():
        # Rows are locked in primary-key order, so two transitions that each touch two
        # cases (merge A into B, B into A) queue instead of deadlocking.
        ids = sorted({complaint_id} | ({also_lock} if also_lock else set()))
        locked = {
            row.pk: row
            for row in Complaint.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        }
        complaint = locked[complaint_id]
        method = getattr(complaint, name)
        if not can_proceed(method, check_conditions=True):
            raise TransitionNotAllowed(
                _("“%(name)s” is not possible while the case is %(state)s.")
                % {"name": name, "state": Status(complaint.status).label},
                state=complaint.status,
            )
        if actor.user is None:
            if name not in COMPLAINANT_TRANSITIONS:
                raise NotPermitted(_("You may not do this on this case."))
        elif not has_transition_perm(method, actor.user):
            if name == "approve_reply" and can_run_as_approver_except_four_eyes(actor, complaint):
                raise NotPermitted(_("You submitted this reply; another approver must approve it."))
            raise NotPermitted(_("You may not do this on this case."))
        from_state = complaint.status
        method()
        data = apply(complaint)
        if from_state in OPEN_STATES and complaint.status not in OPEN_STATES:
            # Lateness flags describe open cases; the breach records keep the history.
            breaches_record_on_exit(complaint=complaint, now=now)
            complaint.overdue = complaint.very_overdue = False
            statements_cancel_on_exit(complaint=complaint, now=now)
        complaint.save()
        event_record(
            complaint=complaint,
            kind=EVENT_OF_TRANSITION[name],
            actor=actor,
            at=now,
            from_state=from_state,
            to_state=complaint.status,
            data=data,
        )
        status_notice_queue(complaint=complaint, name=name, actor=actor, now=now)
    return complaint


def can_run_as_approver_except_four_eyes(actor: Actor, complaint: Complaint) -> bool:
    return (
        Role.APPROVER in roles_of(actor.user)
        and role_reaches(actor.user, Role.APPROVER, complaint)
        and not can_run(actor.user, complaint, "approve_reply")
    )


def complaint_accept(
    *,
    complaint_id: int,
    actor: Actor,
    now: datetime,
    handler_username: str | None = None,
    unit_id: int | None = None,
) -> Complaint:
    def apply(complaint: Complaint) -> dict[str, Any]:
        if unit_id is not None:
            if not ServiceUnit.objects.filter(
                pk=unit_id, organisation_id=complaint.organisation_id
            ).exists():
                raise InvalidInput("unit", _("Choose a unit of this organisation."))
            complaint.service_unit_id = unit_id
        if handler_username:
            handler = (
                get_user_model()
                .objects.filter(
                    username=handler_username,
                    is_active=True,
                    groups__name__in=[Role.HANDLER, Role.APPROVER],
                    memberships__organisation_id=complaint.organisation_id,
                )
                .first()
            )
            if handler is None:
                raise InvalidInput("handler", _("No such handler in this organisation."))
            complaint.handler = handler
        elif actor.user is not None:
            complaint.handler = actor.user
        return {"handler": complaint.handler.get_username() if complaint.handler else ""}

    return _run(complaint_id=complaint_id, name="accept", actor=actor, now=now, apply=apply)


def complaint_transfer(
    *, complaint_id: int, actor: Actor, now: datetime, target: str, reason: str
) -> Complaint:
    target = _required(target, "target")
    reason = _required(reason, "reason")

    def apply(complaint: Complaint) -> dict[str, Any]:
        complaint.transfer_target = target
        complaint.transfer_reason = reason
        document_generate_on_commit(complaint_id=complaint.pk, kind=Document.Kind.TRANSFER_NOTICE)
        return {"target": target}

    return _run(complaint_id=complaint_id, name="transfer", actor=actor, now=now, apply=apply)


def complaint_merge(
    *, complaint_id: int, actor: Actor, now: datetime, into_reference: str
) -> Complaint:
    into_reference = _required(into_reference, "into")
    invalid = InvalidInput("into", _("Give the reference of another open case you handle."))
    source = Complaint.objects.filter(pk=complaint_id).values("organisation_id").first()
    # Only a case the actor may see: a reference outside their reach is "not found".
    target_id = (
        complaint_visible_queryset(user=actor.user)
        .filter(reference=into_reference, organisation_id=source and source["organisation_id"])
        .exclude(pk=complaint_id)
        .values_list("pk", flat=True)
        .first()
    )

    def apply(complaint: Complaint) -> dict[str, Any]:
        target = Complaint.objects.filter(pk=target_id).first()  # locked by _run
        if target is None or target.status not in OPEN_STATES:
            raise invalid
        complaint.merged_into = target
        return {"into": target.reference}

    return _run(
        complaint_id=complaint_id,
        name="merge",
        actor=actor,
        now=now,
        apply=apply,
        also_lock=target_id,
    )


def complaint_withdraw(
    *, complaint_id: int, actor: Actor, now: datetime, reason: str = ""
) -> Complaint:
    def apply(complaint: Complaint) -> dict[str, Any]:
        complaint.withdrawal_reason = reason.strip()
        complaint.replies.filter(decision=Reply.Decision.PENDING).update(
            decision=Reply.Decision.RETURNED, decided_at=now
        )
        return {"by": "complainant" if actor.user is None else "staff"}

    return _run(complaint_id=complaint_id, name="withdraw", actor=actor, now=now, apply=apply)


def complaint_extend(*, complaint_id: int, actor: Actor, now: datetime, reason: str) -> Complaint:
    """Wider investigation: due date becomes received day + 2 months; flags follow the new date."""
    reason = _required(reason, "reason")

    def apply(complaint: Complaint) -> dict[str, Any]:
        complaint.extended = True
        complaint.extension_reason = reason
        deadline = complaint_deadline(complaint=complaint)
        complaint.due_date = deadline.due_date
        complaint.due_rule = deadline.rule
        complaint.due_basis = deadline_basis(deadline)
        document_generate_on_commit(complaint_id=complaint.pk, kind=Document.Kind.EXTENSION_NOTICE)
        for flag, value in late_flags_to_clear(
            due_date=deadline.due_date, today=helsinki_date(now)
        ).items():
            setattr(complaint, flag, value)
        return {"due_date": deadline.due_date.isoformat()}

    return _run(complaint_id=complaint_id, name="extend", actor=actor, now=now, apply=apply)


def complaint_submit_reply(
    *, complaint_id: int, actor: Actor, now: datetime, text: str
) -> Complaint:
    text = _required(text, "text")
    if len(text) > REPLY_MAX_LENGTH:
        raise InvalidInput("text", _("The reply is too long."))

    def apply(complaint: Complaint) -> dict[str, Any]:
        version = complaint.replies.count() + 1
        if actor.user is None:
            raise NotPermitted(_("Only staff draft replies."))
        Reply.objects.create(
            complaint=complaint,
            version=version,
            text=text,
            submitted_by=actor.user,
            submitted_at=now,
        )
        return {"version": version}

    return _run(complaint_id=complaint_id, name="submit_reply", actor=actor, now=now, apply=apply)


def complaint_return_reply(
    *, complaint_id: int, actor: Actor, now: datetime, comment: str
) -> Complaint:
    comment = _required(comment, "comment")

    def apply(complaint: Complaint) -> dict[str, Any]:
        updated = complaint.replies.filter(decision=Reply.Decision.PENDING).update(
            decision=Reply.Decision.RETURNED, decided_by=actor.user, decided_at=now, comment=comment
        )
        return {"returned": updated}

    return _run(complaint_id=complaint_id, name="return_reply", actor=actor, now=now, apply=apply)


def complaint_approve_reply(*, complaint_id: int, actor: Actor, now: datetime) -> Complaint:
    def apply(complaint: Complaint) -> dict[str, Any]:
        reply = complaint.replies.get(decision=Reply.Decision.PENDING)
        reply.decision = Reply.Decision.APPROVED
        reply.decided_by = actor.user
        reply.decided_at = now
        reply.save(update_fields=["decision", "decided_by", "decided_at"])
        complaint.replied_at = now
        document_generate_on_commit(complaint_id=complaint.pk, kind=Document.Kind.REPLY)
        if complaint.authority_diary_number:
            # A kantelu the authority transferred back: tell the authority it was answered.
            document_generate_on_commit(complaint_id=complaint.pk, kind=Document.Kind.REPORT_BACK)
        return {"version": reply.version, "late": helsinki_date(now) > complaint.due_date}

    return _run(complaint_id=complaint_id, name="approve_reply", actor=actor, now=now, apply=apply)


def complaint_close(*, complaint_id: int, actor: Actor, now: datetime) -> Complaint:
    def apply(complaint: Complaint) -> dict[str, Any]:
        complaint.closed_at = now
        return {}

    return _run(complaint_id=complaint_id, name="close", actor=actor, now=now, apply=apply)
