"""Statements gathered for a case, and the supervisory authority's own requests about it.

An employee (or a unit) is asked a question and answers through a private link; the answer
joins the case. The supervisory authority, handling a kantelu, may in turn ask the
organisation for a statement with its own diary number and deadline.
Both carry "reminded" and "overdue" moments set once with a conditional UPDATE, so a timer
that runs twice acts once.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from complaints.choices import Language
from complaints.models.complaint import Complaint
from complaints.models.organisation import ServiceUnit


class StatementRequest(models.Model):
    """A question to an employee or unit; answered in writing through a private link."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="statements")
    respondent_name = models.CharField(_("respondent's name"), max_length=200, blank=True)
    respondent_email = models.EmailField(_("respondent's email"))
    service_unit = models.ForeignKey(
        ServiceUnit,
        verbose_name=_("unit asked"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    question = models.TextField(_("question"))
    due_date = models.DateField(_("answer by"))
    # Only the hash of the respondent's link is kept (like the tracking code).
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)
    # Set, unanswered, when the case leaves handling: the statement is no longer needed.
    cancelled_at = models.DateTimeField(_("no longer needed since"), null=True, blank=True)

    class Meta:
        verbose_name = _("statement request")
        verbose_name_plural = _("statement requests")
        ordering = ["requested_at", "id"]
        indexes = [
            # The timers' requests: unanswered and still needed. Without ``cancelled_at``
            # the requests left unanswered on closed cases stayed in it for good, and the
            # sweep read them all at every run (docs/performance.md, tenth round).
            models.Index(
                fields=["due_date"],
                condition=Q(answered_at__isnull=True, cancelled_at__isnull=True),
                name="statement_live_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id}: {self.respondent_email}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None


class AuthorityRequest(models.Model):
    """The supervisory authority asks for the organisation's statement about a kantelu."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="authority_requests"
    )
    diary_number = models.CharField(_("authority's diary number"), max_length=60)
    received_on = models.DateField(_("received on"))
    due_date = models.DateField(_("statement due"))
    question = models.TextField(_("what the authority asks"), blank=True)
    statement_text = models.TextField(_("statement"), blank=True)
    answered_at = models.DateTimeField(_("statement sent at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("supervisory authority's request")
        verbose_name_plural = _("supervisory authority's requests")
        ordering = ["received_on", "id"]
        indexes = [
            models.Index(
                fields=["due_date"],
                condition=Q(answered_at__isnull=True),
                name="authority_request_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.diary_number} (due {self.due_date})"


class ReplyTemplate(models.Model):
    """A starting point for a reply, per organisation and language.

    Each part may use ``{placeholders}`` (the list and their values:
    ``workflow.replies.reply_template_fill``); the handler edits the filled-in draft before
    submitting it.
    """

    organisation = models.ForeignKey(
        "complaints.Organisation",
        on_delete=models.CASCADE,
        related_name="reply_templates",
        db_index=False,
    )
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    name = models.CharField(_("name"), max_length=100)
    greeting = models.TextField(_("greeting"), blank=True)
    summary = models.TextField(_("summary of the muistutus"), blank=True)
    findings = models.TextField(_("what was found"), blank=True)
    measures = models.TextField(_("measures taken"), blank=True)
    closing = models.TextField(_("closing"), blank=True)
    active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["organisation_id", "language", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "language", "name"], name="reply_template_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"

    def parts(self) -> list[str]:
        return [self.greeting, self.summary, self.findings, self.measures, self.closing]
