"""Filing a muistutus: online by the complainant, or registered by staff from post or in person."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from complaints.actors import Actor
from complaints.choices import (
    ORAL_CHANNELS,
    Channel,
    EventKind,
    FilerRole,
    ReplyDelivery,
    Role,
    Status,
    reply_goes_to_filer,
    reply_withheld_from_filer,
)
from complaints.clock import helsinki_date
from complaints.models import Complaint, Feedback, Organisation
from complaints.permissions import roles_of
from complaints.services import (
    event_record,
    reference_allocate,
    tracking_code_hash,
    tracking_code_new,
)
from workflow.calendar import closure_days_of
from workflow.deadlines import deadline_basis, due_date_compute
from workflow.errors import IdempotencyConflict, InvalidInput
from workflow.intake_settings import IntakeSettings, intake_settings_get
from workflow.notices import receipt_notice_queue


@dataclass(frozen=True)
class Party:
    name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class Submission:
    """What the complainant (or staff on their behalf) gave; validated for shape by the caller."""

    description: str
    filer_role: str
    client: Party
    language: str
    reply_delivery: str
    filer: Party = field(default_factory=Party)
    on_behalf_basis: str = ""
    service_unit_id: int | None = None
    service_description: str = ""
    event_date: date | None = None
    persons_involved: str = ""
    desired_outcome: str = ""
    discussed_with_staff: bool | None = None
    contests_decision: bool = False
    interpreter_language: str = ""
    consent_reply_to_filer: bool = False
    # Staff registration only:
    channel: str = Channel.WEB
    received_on: date | None = None
    first_received_on: date | None = None
    oral_reason: str = ""
    # Filed by the social ombudsman for the client, who consents to them following the case.
    ombudsman_consent: bool = False


@dataclass(frozen=True)
class Filed:
    complaint: Complaint
    tracking_code: str
    created: bool


def _fingerprint(organisation: Organisation, submission: Submission) -> str:
    payload = json.dumps(
        {"organisation": organisation.pk, **asdict(submission)}, sort_keys=True, default=str
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _keyed_tracking_code(key: str, fingerprint: str) -> str:
    """A retried submission gets back the same code without the code ever being stored."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"tracking:{key}:{fingerprint}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")


# The tracking link is the filer's: a reply that is not theirs to read reaches the client by post.
REPLY_POSTED_TO_CLIENT = gettext_lazy(
    "The reply is the client's: without their consent to send it to you, it is posted to "
    "the client. Choose post (the client's address is needed), or tick the client's consent."
)


def _validate(found: IntakeSettings, submission: Submission, *, received_on: date) -> None:
    if submission.filer_role != FilerRole.CLIENT:
        if not submission.on_behalf_basis:
            raise InvalidInput(
                "on_behalf_basis",
                _(
                    "Someone else may file for the client only if the client cannot do it "
                    "themselves or has died. Tell us the basis."
                ),
            )
        if not submission.filer.name:
            raise InvalidInput("filer", _("Give the name of the person filing."))
    if submission.language not in found.organisation.language_codes:
        raise InvalidInput(
            "language", _("This organisation does not handle cases in that language.")
        )
    if (
        submission.service_unit_id is not None
        and submission.service_unit_id not in found.active_unit_ids
    ):
        raise InvalidInput("service_unit", _("Choose a service unit of this organisation."))
    if submission.service_unit_id is None and not submission.service_description:
        raise InvalidInput(
            "service_description", _("Choose the service unit or describe the service.")
        )
    _validate_delivery(submission)
    if submission.channel in ORAL_CHANNELS and not submission.oral_reason:
        raise InvalidInput("oral_reason", _("Record why the muistutus was accepted orally."))
    if submission.event_date and submission.event_date > received_on:
        raise InvalidInput("event_date", _("The date cannot be in the future."))


def _validate_delivery(submission: Submission) -> None:
    """The reply reaches whose it is (ADR 0018): by post to their address, or behind the
    tracking link, which is the filer's, only when the reply is the filer's to read."""
    whose: dict[str, Any] = {
        "filer_role": submission.filer_role,
        "on_behalf_basis": submission.on_behalf_basis,
        "consent": submission.consent_reply_to_filer,
    }
    if submission.reply_delivery == ReplyDelivery.ONLINE and reply_withheld_from_filer(**whose):
        raise InvalidInput("reply_delivery", str(REPLY_POSTED_TO_CLIENT))
    if submission.reply_delivery == ReplyDelivery.POST:
        recipient = submission.filer if reply_goes_to_filer(**whose) else submission.client
        if not recipient.address.strip():
            raise InvalidInput("reply_delivery", _("A reply by post needs a postal address."))


def complaint_submit(
    *,
    organisation: Organisation,
    submission: Submission,
    actor: Actor,
    now: datetime,
    submission_key: str | None = None,
    tracking_link: Callable[[str], str] | None = None,
) -> Filed:
    """Register a muistutus: reference, tracking code, due date, one event, and — when an
    email address was given — a receipt notice with ``tracking_link(code)`` in the outbox.

    With ``submission_key`` (an Idempotency-Key or the form's token), a retry of the same
    submission returns the first case; the same key with different content is refused.
    """
    today = helsinki_date(now)
    received_on = submission.received_on or today
    if received_on > today:
        raise InvalidInput("received_on", _("The day of arrival cannot be in the future."))
    found = intake_settings_get(organisation_id=organisation.pk)
    _validate(found, submission, received_on=received_on)

    assisted = submission.ombudsman_consent and Role.OMBUDSMAN in roles_of(actor.user)
    fingerprint = _fingerprint(organisation, submission) if submission_key else ""
    # A retry with the same key is found by the unique constraint on (organisation,
    # submission_key) when the INSERT fails, not by a look-up before it: one statement
    # less for every first submission, the common case.
    if submission_key:
        code = _keyed_tracking_code(submission_key, fingerprint)
        code_hash = tracking_code_hash(code)
    else:
        code, code_hash = tracking_code_new()

    deadline = due_date_compute(
        received_on=received_on,
        extended=False,
        closure_days=closure_days_of(organisation_id=organisation.pk),
    )
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                organisation=organisation,
                reference=reference_allocate(organisation=organisation, year=today.year),
                tracking_code_hash=code_hash,
                status=Status.RECEIVED,
                channel=submission.channel,
                oral_reason=submission.oral_reason,
                received_at=now,
                received_on=received_on,
                first_received_on=submission.first_received_on,
                created_by=actor.user,
                assisted_by=actor.user if assisted else None,
                ombudsman_consent=assisted,
                submission_key=submission_key,
                submission_fingerprint=fingerprint,
                service_unit_id=submission.service_unit_id,
                service_description=submission.service_description,
                filer_role=submission.filer_role,
                on_behalf_basis=submission.on_behalf_basis,
                client_name=submission.client.name,
                client_email=submission.client.email,
                client_phone=submission.client.phone,
                client_address=submission.client.address,
                filer_name=submission.filer.name,
                filer_email=submission.filer.email,
                filer_phone=submission.filer.phone,
                filer_address=submission.filer.address,
                consent_reply_to_filer=submission.consent_reply_to_filer,
                description=submission.description,
                event_date=submission.event_date,
                persons_involved=submission.persons_involved,
                desired_outcome=submission.desired_outcome,
                discussed_with_staff=submission.discussed_with_staff,
                contests_decision=submission.contests_decision,
                language=submission.language,
                interpreter_needed=bool(submission.interpreter_language),
                interpreter_language=submission.interpreter_language,
                reply_delivery=submission.reply_delivery,
                due_date=deadline.due_date,
                due_rule=deadline.rule,
                due_basis=deadline_basis(deadline),
            )
            event_record(
                complaint=complaint,
                kind=EventKind.SUBMITTED,
                actor=actor,
                at=now,
                to_state=Status.RECEIVED,
                data={"channel": submission.channel, "due_date": deadline.due_date.isoformat()},
            )
            if tracking_link is not None:
                receipt_notice_queue(complaint=complaint, tracking_url=tracking_link(code), now=now)
    except IntegrityError:
        # A retry with the same key (earlier, or concurrent and won the race): its case.
        existing = _existing(organisation, submission_key, fingerprint) if submission_key else None
        if existing is None:
            raise
        if existing.tracking_code_hash != code_hash:
            # The key changed since (SECRET_KEY rotated): the code cannot be given again.
            raise IdempotencyConflict(
                _("This submission was already received; its link was given then.")
            ) from None
        return Filed(complaint=existing, tracking_code=code, created=False)
    return Filed(complaint=complaint, tracking_code=code, created=True)


def _existing(organisation: Organisation, key: str, fingerprint: str) -> Complaint | None:
    existing = Complaint.objects.filter(organisation=organisation, submission_key=key).first()
    if existing is not None and existing.submission_fingerprint != fingerprint:
        raise IdempotencyConflict(
            _("This Idempotency-Key was already used for a different submission.")
        )
    return existing


def feedback_submit(
    *,
    organisation: Organisation,
    text: str,
    service_description: str,
    language: str,
    now: datetime,
) -> Feedback:
    """Anonymous feedback: recorded for the organisation, no case, no reply."""
    if not text.strip():
        raise InvalidInput("text", _("Write your feedback."))
    return Feedback.objects.create(
        organisation=organisation,
        service_description=service_description.strip(),
        text=text.strip(),
        language=language,
        received_at=now,
    )
