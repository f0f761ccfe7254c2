"""Statements: a handler asks an employee (or a unit) a question; the answer joins the case.

The respondent gets an email with a private link (no case content in it) to a page showing
only the reference, the organisation, the question and the day to answer by. Like the
tracking code, only the link's hash is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from complaints.actors import Actor
from complaints.choices import OPEN_STATES, EventKind
from complaints.clock import helsinki_date
from complaints.models import Complaint, ServiceUnit, StatementRequest
from complaints.permissions import can_handle
from complaints.services import (
    access_record,
    event_record,
    tracking_code_hash,
    tracking_code_new,
)
from notifications.services import notification_queue
from workflow.attachments import attachment_add
from workflow.errors import InvalidInput, NotPermitted, TransitionNotAllowed

DEFAULT_ANSWER_DAYS = 14


def statement_default_due_date(*, complaint: Complaint, today: date) -> date:
    """Two weeks, but early enough to leave the handler time before the case's own due date."""
    latest = complaint.due_date - timedelta(days=3)
    return max(today + timedelta(days=1), min(today + timedelta(days=DEFAULT_ANSWER_DAYS), latest))


def statement_request(
    *,
    complaint_id: int,
    actor: Actor,
    now: datetime,
    respondent_email: str,
    question: str,
    due_date: date | None = None,
    respondent_name: str = "",
    unit_id: int | None = None,
    link: Callable[[str], str],
) -> StatementRequest:
    """Ask for a statement; ``link(token)`` makes the respondent's URL for the email."""
    question = question.strip()
    if not question:
        raise InvalidInput("question", _("Write the question."))
    respondent_email = respondent_email.strip()
    try:
        validate_email(respondent_email)
    except ValidationError as error:
        raise InvalidInput("respondent_email", _("Enter a valid email address.")) from error
    today = helsinki_date(now)
    with transaction.atomic():
        complaint = (
            Complaint.objects.select_for_update()
            .select_related("organisation")
            .get(pk=complaint_id)
        )
        if complaint.status not in OPEN_STATES:
            raise TransitionNotAllowed(
                _("Statements can be requested only while the case is open."),
                state=complaint.status,
            )
        if actor.user is None or not can_handle(actor.user, complaint):
            raise NotPermitted(_("You may not do this on this case."))
        if due_date is None:
            due_date = statement_default_due_date(complaint=complaint, today=today)
        elif due_date <= today:
            raise InvalidInput("due_date", _("The answer date must be in the future."))
        unit = None
        if unit_id is not None:
            unit = ServiceUnit.objects.filter(
                pk=unit_id, organisation_id=complaint.organisation_id
            ).first()
            if unit is None:
                raise InvalidInput("unit", _("Choose a unit of this organisation."))
        token, token_hash = tracking_code_new()  # the same kind of unguessable link
        statement = StatementRequest.objects.create(
            complaint=complaint,
            respondent_name=respondent_name.strip()[:200],
            respondent_email=respondent_email,
            service_unit=unit,
            question=question,
            due_date=due_date,
            token_hash=token_hash,
            requested_by=actor.user,
            requested_at=now,
        )
        event_record(
            complaint=complaint,
            kind=EventKind.STATEMENT_REQUESTED,
            actor=actor,
            at=now,
            data={"statement": statement.pk, "due_date": due_date.isoformat()},
        )
        _request_email_queue(statement=statement, complaint=complaint, url=link(token), now=now)
    return statement


def _request_email_queue(
    *, statement: StatementRequest, complaint: Complaint, url: str, now: datetime
) -> None:
    # Staff read in the organisation's working language: the site's default.
    language = settings.LANGUAGE_CODE
    context = {
        "reference": complaint.reference,
        "organisation": complaint.organisation.name_in(language),
        "due_date": statement.due_date,
        "url": url,
    }
    with translation.override(language):
        subject = _("A statement is requested from you: %(reference)s") % context
        body_text = render_to_string("email/statement_request.txt", context)
        body_html = render_to_string("email/statement_request.html", context)
    notification_queue(
        recipient=statement.respondent_email,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        language=language,
        dedupe_key=f"statement:{statement.pk}:request",
        now=now,
    )


def statement_get_by_token(*, token: str) -> StatementRequest | None:
    if not token or len(token) > 100:
        return None
    return (
        StatementRequest.objects.select_related("complaint__organisation")
        .filter(token_hash=tracking_code_hash(token))
        .first()
    )


def statement_open(*, token: str, now: datetime) -> StatementRequest | None:
    """The statement request behind the respondent's link, with the read of its case logged
    (every read of a case is, Act 703/2023); ``None`` for an unknown link."""
    statement = statement_get_by_token(token=token)
    if statement is not None:
        access_record(
            complaint=statement.complaint,
            actor=_respondent(statement),
            at=now,
            what="statement:page",
        )
    return statement


def _respondent(statement: StatementRequest) -> Actor:
    return Actor(user=None, label=statement.respondent_email[:150])


def statement_answer(
    *,
    statement_id: int,
    answer: str,
    files: list[tuple[str, bytes]],
    now: datetime,
) -> StatementRequest:
    """The respondent's written answer (with files); once, and only while the case is open."""
    answer = answer.strip()
    if not answer:
        raise InvalidInput("answer", _("Write your statement."))
    with transaction.atomic():
        statement = (
            StatementRequest.objects.select_for_update()
            .select_related("complaint")
            .get(pk=statement_id)
        )
        complaint = statement.complaint
        if statement.answered_at is not None:
            raise TransitionNotAllowed(
                _("This statement has already been given."), state=complaint.status
            )
        if complaint.status not in OPEN_STATES:
            raise TransitionNotAllowed(
                _("The case is no longer being handled; no statement is needed."),
                state=complaint.status,
            )
        actor = _respondent(statement)
        for name, content in files:
            attachment_add(
                complaint=complaint,
                name=name,
                content=content,
                actor=actor,
                now=now,
                statement=statement,
            )
        statement.answer = answer
        statement.answered_at = now
        statement.save(update_fields=["answer", "answered_at"])
        event_record(
            complaint=complaint,
            kind=EventKind.STATEMENT_ANSWERED,
            actor=actor,
            at=now,
            data={"statement": statement.pk, "files": len(files)},
        )
    return statement


def statements_cancel_on_exit(*, complaint: Complaint, now: datetime) -> None:
    """The case leaves handling: its unanswered requests are no longer needed. They leave
    the timers (and their index) for good; the respondent's page says no statement is
    needed. Run in the transition's transaction, with the case locked."""
    StatementRequest.objects.filter(
        complaint=complaint, answered_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=now)
