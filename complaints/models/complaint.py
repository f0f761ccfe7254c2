"""The case: a muistutus, its parties, its deadline and its state machine.

FSM transition methods change state only: no I/O, no signals. The services in
``workflow.transitions`` lock the row, run a method, save, and record one event.
"""

from __future__ import annotations

from typing import cast

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from complaints import permissions
from complaints.choices import (
    OPEN_STATES,
    Channel,
    DueRule,
    FilerRole,
    Language,
    OnBehalfBasis,
    ReplyDelivery,
    Status,
    reply_goes_to_filer,
    reply_withheld_from_filer,
)
from complaints.models.indexes import index_where_set
from complaints.models.organisation import Organisation, ServiceUnit


def _not_extended(instance: models.Model) -> bool:
    return not cast(Complaint, instance).extended


class Complaint(ConcurrentTransitionMixin, models.Model):
    # Foreign keys that lead a queue index below have no index of their own (every index is
    # rewritten when the sweep flags a case); unique columns are constraints, which on
    # PostgreSQL make no second LIKE index that exact look-ups never use.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="complaints", db_index=False
    )
    reference = models.CharField(_("reference"), max_length=40)
    tracking_code_hash = models.CharField(max_length=64, editable=False)
    status = FSMField(_("status"), default=Status.RECEIVED, choices=Status.choices, protected=True)

    # --- how and when it arrived ---------------------------------------------------------
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    oral_reason = models.TextField(_("why accepted orally"), blank=True)
    received_at = models.DateTimeField(_("received at"))
    received_on = models.DateField(_("received on"), help_text=_("The clock starts here."))
    first_received_on = models.DateField(
        _("first received by another authority on"), null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # indexed where set (Meta.indexes)
    )
    # A retried submission (Idempotency-Key / form token) finds its first case by these.
    submission_key = models.CharField(  # noqa: DJ001 - NULL keeps the unique constraint partial
        max_length=100, null=True, blank=True, editable=False
    )
    submission_fingerprint = models.CharField(max_length=64, blank=True, editable=False)

    # --- where ---------------------------------------------------------------------------
    service_unit = models.ForeignKey(
        ServiceUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        db_index=False,
    )
    service_description = models.CharField(_("service (free text)"), max_length=300, blank=True)

    # --- who -----------------------------------------------------------------------------
    filer_role = models.CharField(_("filed by"), max_length=24, choices=FilerRole.choices)
    on_behalf_basis = models.CharField(
        _("basis for filing on behalf"), max_length=24, choices=OnBehalfBasis.choices, blank=True
    )
    client_name = models.CharField(_("client's name"), max_length=200)
    client_email = models.EmailField(_("client's email"), blank=True)
    client_phone = models.CharField(_("client's phone"), max_length=40, blank=True)
    client_address = models.TextField(_("client's postal address"), blank=True)
    filer_name = models.CharField(_("filer's name"), max_length=200, blank=True)
    filer_email = models.EmailField(_("filer's email"), blank=True)
    filer_phone = models.CharField(_("filer's phone"), max_length=40, blank=True)
    filer_address = models.TextField(_("filer's postal address"), blank=True)
    consent_reply_to_filer = models.BooleanField(_("reply may be sent to the filer"), default=False)
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assisted by the social ombudsman"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # indexed where set (Meta.indexes)
    )
    ombudsman_consent = models.BooleanField(
        _("client consents to the ombudsman following the case"), default=False
    )

    # --- what happened -------------------------------------------------------------------
    description = models.TextField(_("what happened"))
    event_date = models.DateField(_("when it happened"), null=True, blank=True)
    persons_involved = models.TextField(_("persons involved"), blank=True)
    desired_outcome = models.TextField(_("what the complainant wants done"), blank=True)
    discussed_with_staff = models.BooleanField(_("discussed with staff first"), null=True)
    contests_decision = models.BooleanField(_("contests a decision"), default=False)

    # --- language ------------------------------------------------------------------------
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    interpreter_language = models.CharField(_("interpreter language"), max_length=60, blank=True)
    reply_delivery = models.CharField(
        _("reply delivery"), max_length=8, choices=ReplyDelivery.choices
    )

    # --- deadline and flags --------------------------------------------------------------
    due_date = models.DateField(_("due date"))
    due_rule = models.CharField(_("due-date rule"), max_length=12, choices=DueRule.choices)
    # How the due date came out: the nominal day and the days skipped (see workflow.deadlines).
    due_basis = models.JSONField(_("due-date basis"), default=dict, blank=True)
    extended = models.BooleanField(_("extended"), default=False)
    extension_reason = models.TextField(_("reason for extension"), blank=True)
    overdue = models.BooleanField(_("overdue"), default=False)
    very_overdue = models.BooleanField(_("very overdue"), default=False)
    escalated = models.BooleanField(_("escalated"), default=False)
    # The due date and lead time (days before it) of the last deadline reminder sent: the
    # sweep's look-up skips a case reminded for its current due date at or below a window's
    # lead without joining DeadlineReminder, the record that keeps a reminder once. A moved
    # due date no longer matches, so nothing has to reset them.
    reminded_due_date = models.DateField(
        _("last reminded of due date"), null=True, blank=True, editable=False
    )
    reminded_days_before = models.PositiveSmallIntegerField(
        _("last reminded, days before"), null=True, blank=True, editable=False
    )

    # --- handling ------------------------------------------------------------------------
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    transfer_target = models.CharField(_("transferred to"), max_length=300, blank=True)
    transfer_reason = models.TextField(_("reason for transfer"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_cases",
        db_index=False,  # indexed where set (Meta.indexes)
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # The handler's working draft of the reply; submit_reply freezes it into a Reply.
    reply_draft = models.TextField(_("reply draft"), blank=True)
    replied_at = models.DateTimeField(_("replied at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # --- after the reply: the supervisory authority ------------------------------------------
    dissatisfied_at = models.DateTimeField(
        _("complainant still dissatisfied at"), null=True, blank=True
    )
    # A kantelu the authority transferred back to be handled as a muistutus carries its number.
    authority_diary_number = models.CharField(
        _("authority's diary number"), max_length=60, blank=True
    )
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("muistutus")
        verbose_name_plural = _("muistutukset")
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("received_on")), name="due_not_before_received"
            ),
            models.CheckConstraint(
                condition=Q(filer_role=FilerRole.CLIENT) | ~Q(on_behalf_basis=""),
                name="on_behalf_needs_basis",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.MERGED, merged_into__isnull=False)
                | (~Q(status=Status.MERGED) & Q(merged_into__isnull=True)),
                name="merged_has_target",
            ),
            models.CheckConstraint(
                condition=Q(extended=False) | Q(due_rule=DueRule.TWO_MONTHS),
                name="extended_uses_two_months",
            ),
            models.UniqueConstraint(fields=["reference"], name="reference_unique"),
            models.UniqueConstraint(fields=["tracking_code_hash"], name="tracking_code_unique"),
            models.UniqueConstraint(
                fields=["organisation", "submission_key"],
                condition=Q(submission_key__isnull=False),
                name="submission_key_unique",
            ),
        ]
        indexes = [
            # A handler's own cases ("mine").
            models.Index(fields=["handler", "status", "due_date"], name="queue_handler_idx"),
            # The queue sorted by due date (then id, the cursor's tie-break) in one
            # organisation or unit, all states or only the open ones, and the overdue filter:
            # an ordered index scan that stops after one page, however many cases there are.
            models.Index(fields=["organisation", "due_date", "id"], name="queue_org_due_idx"),
            models.Index(fields=["service_unit", "due_date", "id"], name="queue_unit_due_idx"),
            models.Index(
                fields=["organisation", "due_date", "id"],
                condition=Q(status__in=OPEN_STATES),
                name="queue_org_open_idx",
            ),
            models.Index(
                fields=["service_unit", "due_date", "id"],
                condition=Q(status__in=OPEN_STATES),
                name="queue_unit_open_idx",
            ),
            models.Index(
                fields=["service_unit", "due_date", "id"],
                condition=Q(overdue=True),
                name="queue_unit_overdue_idx",
            ),
            models.Index(
                fields=["organisation", "due_date", "id"],
                condition=Q(overdue=True),
                name="queue_overdue_idx",
            ),
            # The sweep: open cases not yet flagged, by due date, with what they were last
            # reminded for, so the reminder look-up reads the index alone.
            models.Index(
                fields=["due_date"],
                include=["id", "reminded_due_date", "reminded_days_before"],
                condition=Q(status__in=OPEN_STATES, overdue=False),
                name="sweep_overdue_idx",
            ),
            models.Index(
                fields=["due_date"],
                condition=Q(status__in=OPEN_STATES, very_overdue=False),
                name="sweep_very_overdue_idx",
            ),
            # Who registered, assisted or absorbed a case: empty on most cases.
            index_where_set("assisted_by", name="case_assisted_by_idx"),
            index_where_set("created_by", name="case_created_by_idx"),
            index_where_set("merged_into", name="case_merged_into_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    @property
    def reply_to_filer(self) -> bool:
        """The reply is addressed to the filer, not the client (``reply_goes_to_filer``)."""
        return reply_goes_to_filer(
            filer_role=self.filer_role,
            on_behalf_basis=self.on_behalf_basis,
            consent=self.consent_reply_to_filer,
        )

    @property
    def reply_shown_to_tracker(self) -> bool:
        """Whether the tracking link (the filer's: it came with their receipt) shows the reply."""
        return not reply_withheld_from_filer(
            filer_role=self.filer_role,
            on_behalf_basis=self.on_behalf_basis,
            consent=self.consent_reply_to_filer,
        )

    # --- transitions: state only ---------------------------------------------------------

    @transition(
        field=status,
        source=Status.RECEIVED,
        target=Status.IN_HANDLING,
        permission=permissions.may_transition("accept"),
    )
    def accept(self) -> None:
        """Accepted as a muistutus and assigned to a handler."""

    @transition(
        field=status,
        source=[Status.RECEIVED, Status.IN_HANDLING],
        target=Status.TRANSFERRED,
        permission=permissions.may_transition("transfer"),
    )
    def transfer(self) -> None:
        """Not ours or not a muistutus: sent to the right body; the complainant is told."""

    @transition(
        field=status,
        source=[Status.RECEIVED, Status.IN_HANDLING],
        target=Status.MERGED,
        permission=permissions.may_transition("merge"),
    )
    def merge(self) -> None:
        """A duplicate, merged into another case."""

    @transition(
        field=status,
        source=list(OPEN_STATES),
        target=Status.WITHDRAWN,
        permission=permissions.may_transition("withdraw"),
    )
    def withdraw(self) -> None:
        """Withdrawn by the complainant (or by staff on their word)."""

    @transition(
        field=status,
        source=Status.IN_HANDLING,
        target=Status.IN_HANDLING,
        conditions=[_not_extended],
        permission=permissions.may_transition("extend"),
    )
    def extend(self) -> None:
        """Wider investigation: the due date becomes received day + 2 months. Once per case."""

    @transition(
        field=status,
        source=Status.IN_HANDLING,
        target=Status.AWAITING_APPROVAL,
        permission=permissions.may_transition("submit_reply"),
    )
    def submit_reply(self) -> None:
        """The drafted reply goes to the approver."""

    @transition(
        field=status,
        source=Status.AWAITING_APPROVAL,
        target=Status.IN_HANDLING,
        permission=permissions.may_transition("return_reply"),
    )
    def return_reply(self) -> None:
        """The approver sends the draft back with a comment."""

    @transition(
        field=status,
        source=Status.AWAITING_APPROVAL,
        target=Status.REPLIED,
        permission=permissions.may_transition("approve_reply"),
    )
    def approve_reply(self) -> None:
        """Four eyes: approved by someone other than the drafter; the reply is issued."""

    @transition(
        field=status,
        source=Status.REPLIED,
        target=Status.CLOSED,
        permission=permissions.may_transition("close"),
    )
    def close(self) -> None:
        """Finished after the reply."""


class Reply(models.Model):
    """A drafted reply and the approver's decision on it; a returned draft is kept."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        RETURNED = "returned", _("Returned")
        APPROVED = "approved", _("Approved")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="replies", db_index=False
    )
    version = models.PositiveSmallIntegerField()
    text = models.TextField(_("reply text"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("approver's comment"), blank=True)

    class Meta:
        ordering = ["complaint_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "version"], name="reply_version_unique"),
            models.UniqueConstraint(
                fields=["complaint"],
                condition=Q(decision="approved"),
                name="one_approved_reply",
            ),
            models.UniqueConstraint(
                fields=["complaint"],
                condition=Q(decision="pending"),
                name="one_pending_reply",
            ),
            models.CheckConstraint(
                condition=~Q(decision="approved") | ~Q(decided_by=models.F("submitted_by")),
                name="reply_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} v{self.version} ({self.decision})"


def attachment_path(instance: Attachment, filename: str) -> str:
    """Stored under a random-looking name: the original name is kept only in the database."""
    return f"attachments/{instance.complaint.reference}/{instance.sha256[:32]}"


class Attachment(models.Model):
    """A file given with the case; stored outside the web root, served only after a check."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="attachments", db_index=False
    )
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when the file came with an employee's statement rather than from the complainant.
    statement = models.ForeignKey(
        "complaints.StatementRequest",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["complaint", "sha256"], name="attachment_once_per_case")
        ]

    def __str__(self) -> str:
        return self.original_name
