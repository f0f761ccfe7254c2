"""Read-only view of the outbox for support staff. Bodies of sent (redacted) rows are gone."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from notifications.models import Notification

_AUDIT_FIELDS = [
    "channel",
    "recipient",
    "subject",
    "language",
    "status",
    "attempts",
    "last_error",
    "created_at",
    "next_attempt_at",
    "sent_at",
    "dedupe_key",
    "redacted",
]
_BODY_FIELDS = ["body_text", "body_html"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ["recipient", "subject", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["recipient", "subject", "dedupe_key"]
    date_hierarchy = "created_at"
    readonly_fields = [*_AUDIT_FIELDS, *_BODY_FIELDS]

    def get_fields(self, request: HttpRequest, obj: Notification | None = None) -> Any:
        if obj is None or obj.redacted:
            return _AUDIT_FIELDS
        return [*_AUDIT_FIELDS, *_BODY_FIELDS]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Notification | None = None) -> bool:
        return False
