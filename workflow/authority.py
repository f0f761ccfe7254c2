"""The supervisory authority's side of a case.

- A kantelu the authority transferred back to be handled as a muistutus carries the
  authority's diary number; approving its reply makes the report-back letter
  (``workflow.transitions.complaint_approve_reply``).
- The authority may ask the organisation for a statement about a kantelu: the request is
  tracked on the case with its own due date, and the statement is issued as a letter.

Handlers and approvers who reach the case may do these; anyone else who sees the case gets
``NotPermitted``. Reminders and overdue flags of the requests are the deadline sweep's.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from complaints.actors import Actor
from complaints.choices import EventKind
from complaints.models import AuthorityRequest, CaseEvent, Complaint, Document
from complaints.permissions import can_handle
from complaints.services import event_record
from workflow.documents import document_latest, document_new_version
from workflow.errors import InvalidInput, NotPermitted, TransitionNotAllowed

DIARY_NUMBER_MAX = 60


def _locked(complaint_id: int, actor: Actor) -> Complaint:
    complaint = (
        # of=self: PostgreSQL cannot lock the nullable side of the unit's outer join.
        Complaint.objects.select_for_update(of=("self",))
        .select_related("organisation", "service_unit")
        .get(pk=complaint_id)
    )
    if actor.user is None or not can_handle(actor.user, complaint):
        raise NotPermitted(_("You may not do this on this case."))
    return complaint


def _diary_number(value: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput("diary_number", _("This field is required."))
    if len(value) > DIARY_NUMBER_MAX:
        raise InvalidInput(
            "diary_number", _("Use at most %(count)d characters.") % {"count": DIARY_NUMBER_MAX}
        )
    return value


def complaint_kantelu_transferred_back(
    *, complaint_id: int, diary_number: str, actor: Actor, now: datetime
) -> Complaint:
    """The case is a kantelu the authority transferred back: store its diary number.

    Registry staff who registered the case may record it too (they type it in from the
    authority's letter). The case counts as escalated: a supervisory-authority matter exists.
    """
    diary_number = _diary_number(diary_number)
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
        complaint.authority_diary_number = diary_number
        complaint.escalated = True
        complaint.save(update_fields=["authority_diary_number", "escalated", "updated_at"])
        event_record(
            complaint=complaint,
            kind=EventKind.NOTE,
            actor=actor,
            at=now,
            data={"kantelu_transferred_back": True, "authority_diary_number": diary_number},
        )
    return complaint


def authority_request_register(
    *,
    complaint_id: int,
    diary_number: str,
    received_on: date,
    due_date: date,
    question: str,
    actor: Actor,
    now: datetime,
) -> AuthorityRequest:
    """The authority asks for a statement about a kantelu concerning this case."""
    diary_number = _diary_number(diary_number)
    if due_date < received_on:
        raise InvalidInput("due_date", _("The due date cannot be before the day it arrived."))
    with transaction.atomic():
        complaint = _locked(complaint_id, actor)
        request = AuthorityRequest.objects.create(
            complaint=complaint,
            diary_number=diary_number,
            received_on=received_on,
            due_date=due_date,
            question=question.strip(),
            created_by=actor.user,
            created_at=now,
        )
        if not complaint.escalated:
            complaint.escalated = True
            complaint.save(update_fields=["escalated", "updated_at"])
        event_record(
            complaint=complaint,
            kind=EventKind.AUTHORITY_REQUEST,
            actor=actor,
            at=now,
            data={
                "request": request.pk,
                "diary_number": diary_number,
                "due_date": due_date.isoformat(),
            },
        )
    return request


def authority_statement_issue(
    *, complaint_id: int, request_id: int, statement_text: str, actor: Actor, now: datetime
) -> tuple[AuthorityRequest, Document]:
    """Answer the authority's request: the statement letter is generated (once per request)."""
    statement_text = (statement_text or "").strip()
    if not statement_text:
        raise InvalidInput("statement_text", _("This field is required."))
    with transaction.atomic():
        complaint = _locked(complaint_id, actor)
        request = (
            AuthorityRequest.objects.select_for_update()
            .filter(pk=request_id, complaint=complaint)
            .first()
        )
        if request is None:
            raise AuthorityRequest.DoesNotExist
        if request.answered_at is not None:
            raise TransitionNotAllowed(
                _("This request has already been answered."), state=complaint.status
            )
        request.statement_text = statement_text
        request.answered_at = now
        request.save(update_fields=["statement_text", "answered_at"])
        # The event first (the letter names who issued the statement from it); the case's
        # row lock keeps the version it names the one made next.
        latest = document_latest(complaint=complaint, kind=Document.Kind.AUTHORITY_STATEMENT)
        event_record(
            complaint=complaint,
            kind=EventKind.AUTHORITY_STATEMENT,
            actor=actor,
            at=now,
            data={
                "request": request.pk,
                "diary_number": request.diary_number,
                "document_version": latest.version + 1 if latest else 1,
            },
        )
        document = document_new_version(
            complaint=complaint, kind=Document.Kind.AUTHORITY_STATEMENT, now=now
        )
    return request, document


def authority_statement_documents(*, complaint_id: int) -> dict[int, Document]:
    """Each answered request's statement letter (its newest version), by request id.

    Answering a request records, under the case's lock, the letter version it issues
    (``AUTHORITY_STATEMENT`` event: ``request``, ``document_version``). A statement letter
    renders the request answered last, when first issued and when reissued alike, so every
    later version up to the next answer's is that request's letter. Two queries, however
    many requests the case has.
    """
    firsts = sorted(
        (data["document_version"], data["request"])
        for data in CaseEvent.objects.filter(
            complaint_id=complaint_id, kind=EventKind.AUTHORITY_STATEMENT
        ).values_list("data", flat=True)
        if "document_version" in data and "request" in data  # not an anonymised case's
    )
    versions = [version for version, _request in firsts]
    letters: dict[int, Document] = {}
    for document in Document.objects.filter(
        complaint_id=complaint_id, kind=Document.Kind.AUTHORITY_STATEMENT
    ).order_by("version"):
        position = bisect_right(versions, document.version)
        if position:
            letters[firsts[position - 1][1]] = document
    return letters


def authority_statement_document(*, request: AuthorityRequest) -> Document | None:
    """The statement letter issued for ``request``, as last reissued; ``None`` before the
    request is answered."""
    if request.answered_at is None:
        return None
    return authority_statement_documents(complaint_id=request.complaint_id).get(request.pk)
