"""Named values of the outbox. States and their groups live here and only here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Email")


class NotificationStatus(models.TextChoices):
    READY = "ready", _("Ready to send")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


FINAL_STATES = (NotificationStatus.SENT, NotificationStatus.FAILED)
