"""Append-only records of a case: its events (the audit trail of writes), reads, and breaches."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.choices import AccessAction, BreachTier, EventKind
from complaints.models.complaint import Complaint
from complaints.models.indexes import index_where_set


class AppendOnly(models.Model):
    """Rows are written once; updating or deleting one through the ORM is an error."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError(f"{type(self).__name__} rows are append-only.")


class CaseEvent(AppendOnly):
    """Something that happened to a case: who, what, when, and whether the complainant sees it."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    at = models.DateTimeField(_("at"))
    kind = models.CharField(_("event"), max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # indexed where set (Meta.indexes): filings and timers have no actor
    )
    actor_label = models.CharField(_("actor"), max_length=150)
    public = models.BooleanField(_("shown to the complainant"), default=False)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["complaint", "at"], name="event_case_idx"),
            # The sweep's look-back for letters still missing after a transition
            # (workflow/sweeps.py, letters_requeue): a few rows per case, not every event.
            models.Index(
                fields=["at"],
                name="event_letter_idx",
                condition=models.Q(
                    kind__in=[EventKind.TRANSFERRED, EventKind.EXTENDED, EventKind.REPLY_APPROVED]
                ),
            ),
            index_where_set("actor", name="event_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


class AccessLogEntry(AppendOnly):
    """Who read or wrote a case, when and through what (Act 703/2023: the client may ask)."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="access_log", db_index=False
    )
    at = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    actor_label = models.CharField(max_length=150)
    action = models.CharField(max_length=8, choices=AccessAction.choices)
    what = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["complaint", "at"], name="access_case_idx"),
            models.Index(fields=["user", "at"], name="access_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.what}"


class DeadlineBreach(AppendOnly):
    """A permanent record that the case went past a deadline tier. Closing never erases it."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="breaches", db_index=False
    )
    tier = models.CharField(max_length=14, choices=BreachTier.choices)
    due_date = models.DateField()
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("deadline breach")
        verbose_name_plural = _("deadline breaches")
        constraints = [
            models.UniqueConstraint(fields=["complaint", "tier"], name="breach_once_per_tier")
        ]
        # The sweep looks for recent overdue breaches still missing their escalation note.
        indexes = [
            models.Index(
                fields=["recorded_at"],
                condition=models.Q(tier="overdue"),
                name="breach_overdue_recorded_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.tier} (due {self.due_date})"


class DeadlineReminder(AppendOnly):
    """A reminder sent before a due date: once per case, due date and lead time.

    The due date is part of the key, so an extension (a new due date) gets its own reminders.
    """

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    due_date = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "due_date", "days_before"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.days_before} d before {self.due_date}"
