"""Generated letters of a case: immutable files with a checksum; a correction is a new version."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models.complaint import Complaint
from complaints.models.organisation import Organisation, ServiceUnit


class Document(models.Model):
    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        REPLY = "reply", _("Reply")
        EXTENSION_NOTICE = "extension_notice", _("Extension notice")
        TRANSFER_NOTICE = "transfer_notice", _("Transfer notice")
        ESCALATION_NOTE = "escalation_note", _("Escalation note")
        DELAY_NOTICE = "delay_notice", _("Delay notice")
        INTERNAL_ESCALATION = "internal_escalation", _("Internal escalation note")
        REPORT_BACK = "report_back", _("Report to the supervisory authority")
        AUTHORITY_STATEMENT = "authority_statement", _("Statement to the supervisory authority")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="documents", db_index=False
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    version = models.PositiveSmallIntegerField(default=1)
    language = models.CharField(max_length=2)
    file = models.FileField(upload_to="documents/")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "kind", "version"], name="document_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class Feedback(models.Model):
    """An anonymous submission: feedback, not a muistutus (no reply can be sent)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    service_unit = models.ForeignKey(
        ServiceUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    service_description = models.CharField(_("service (free text)"), max_length=300, blank=True)
    text = models.TextField(_("feedback"))
    language = models.CharField(max_length=2)
    received_at = models.DateTimeField()

    class Meta:
        verbose_name = _("anonymous feedback")
        verbose_name_plural = _("anonymous feedback")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d} {self.text[:40]}"
