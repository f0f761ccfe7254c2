"""The email outbox: a row per message, written in the caller's transaction, delivered after."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notifications.choices import NotificationChannel, NotificationStatus


class Notification(models.Model):
    """One message to one recipient. After a successful send the bodies are blanked
    (they may contain a private link) and ``redacted`` is set; recipient, subject and status
    stay for the audit trail."""

    channel = models.CharField(
        _("channel"),
        max_length=16,
        choices=NotificationChannel.choices,
        default=NotificationChannel.EMAIL,
    )
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    language = models.CharField(_("language"), max_length=2, default="fi")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=NotificationStatus.choices,
        default=NotificationStatus.READY,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    next_attempt_at = models.DateTimeField(
        _("next attempt at"),
        help_text=_(
            "Ready: not to be dispatched before this. Sending: the claim expires at this "
            "moment (a worker that died), and the dispatcher puts the row back."
        ),
    )
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # Null for "no deduplication"; unique otherwise ("this notice for this case at this tier").
    dedupe_key = models.CharField(  # noqa: DJ001
        _("deduplication key"), max_length=200, null=True, blank=True
    )
    redacted = models.BooleanField(_("redacted"), default=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The dispatcher's queries: due ready rows and expired sending claims.
            models.Index(fields=["status", "next_attempt_at"], name="notification_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(dedupe_key__isnull=False),
                name="notification_dedupe_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(status=NotificationStatus.SENT, sent_at__isnull=False)
                | (~Q(status=NotificationStatus.SENT) & Q(sent_at__isnull=True)),
                name="notification_sent_has_sent_at",
            ),
            models.CheckConstraint(
                condition=Q(redacted=False) | (Q(body_text="") & Q(body_html="")),
                name="notification_redacted_has_no_body",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient}: {self.subject} ({self.status})"


class InboxItem(models.Model):
    """One in-app notification for a staff user: a subject and a link, read or not.

    Like email, it carries no confidential content: a reference, a short event and a link.
    ``dedupe_key`` makes "this notice to this user" happen once even when a timer runs twice.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="inbox_items",
        db_index=False,
    )
    subject = models.CharField(_("subject"), max_length=255)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    dedupe_key = models.CharField(  # noqa: DJ001 - NULL keeps the unique constraint partial
        _("deduplication key"), max_length=200, null=True, blank=True
    )

    class Meta:
        verbose_name = _("in-app notification")
        verbose_name_plural = _("in-app notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The unread count in every staff page's header, and the user's list.
            models.Index(
                fields=["user", "created_at"],
                condition=Q(read_at__isnull=True),
                name="inbox_unread_idx",
            ),
            models.Index(fields=["user", "-created_at"], name="inbox_user_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(dedupe_key__isnull=False),
                name="inbox_dedupe_key_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.subject}"
